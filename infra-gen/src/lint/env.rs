//! `secret-in-env`, `reserved-env`, `env-size`: what plain environment variables may hold.
//!
//! Environment variables are visible to anyone who can read the function's configuration
//! and are copied into every deployment artifact; secrets belong in Secrets Manager.

mod curve;
mod names;
mod split;
mod values;

use super::Sink;
use super::resolve::{DynamicReference, Origin, Part, Resolved, without_dynamic_references};
use crate::builders::Stack;
use crate::model::Expr;
use crate::model::lambda::Function;

/// Whether a name is a secret's, in any case style (see `names`); the Dockerfile lint asks it
/// of an `ENV` whose value the build decides.
pub(crate) use names::secret_name;
/// What stands for an input in a value judged at its worst (a parameter, a build argument).
pub(crate) use values::INPUT;

/// Variables Lambda sets itself; a function that sets them fails to deploy.
const RESERVED: [&str; 18] = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Whether Lambda sets the variable itself in every function's environment.
pub(crate) fn lambda_sets(name: &str) -> bool {
    RESERVED.contains(&name)
}

/// Groups of variables whose values, each clean, join into a secret (`KEY_PART1` +
/// `KEY_PART2`): their names and why; the Dockerfile lint asks it of the final stage's `ENV`
/// with the function's variables.
pub(crate) fn split_secrets(vars: &[(&str, String)]) -> Vec<(Vec<String>, String)> {
    split::secrets(vars)
}

/// Why a variable's whole literal value looks like a secret: by its shape, by a gitleaks rule
/// that needs its name next to it (`SNYK_TOKEN="…"`, as in a `.env` file), or by its name
/// when the value is not plainly something else (a number, a flag, an ARN, a path, a URL
/// without credentials, a reference). The entry point for every literal a lint judges
/// (environment variables, Dockerfile `ENV`).
pub(crate) fn literal_reason(name: &str, value: &str) -> Option<String> {
    // The Base64 of a JSON document is the document, under the name of what it decodes to.
    if let Some(document) = values::base64_json(value) {
        let decoded = names::without_encoding(name);
        return literal_reason(decoded.as_deref().unwrap_or(name), &document)
            .map(|why| format!("Base64 of a document: {why}"));
    }
    values::secret_value(value, Some(name))
        .or_else(|| {
            let rule = super::secrets::matching_rule(&format!(
                "{name}=\"{}\"",
                values::gitleaks_text(value)
            ))?;
            // Not under a name that says the key is public (`ALGOLIA_SEARCH_KEY`), nor hex
            // under a name that says it is a digest (`SENTRY_RELEASE`, often a commit's), nor
            // a value public by its own structure (Supabase's anon JWT under `…_ANON_KEY`):
            // gitleaks would read only its vendor word. (Asked only of a match: names cost.)
            let exempt = names::public_name(name)
                || (value.bytes().all(|b| b.is_ascii_hexdigit()) && names::digest_name(name))
                || values::public_by_design(value);
            (!exempt).then(|| format!("gitleaks rule {rule}"))
        })
        .or_else(|| {
            // Credentials as a document may be a configuration of where they come from.
            (names::secret_name(name)
                && !values::plainly_not_secret(value, Some(name))
                && !(names::credentials_name(name) && values::credential_configuration(value)))
            .then(|| "named like a secret, and its value is not plainly something else".to_owned())
        })
        .or_else(|| {
            // ISO 9564 PINs are 4 to 12 digits; a board's pin number is one or two.
            let digits = value.trim();
            (names::pin_name(name)
                && (4..=12).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| "a PIN: 4 to 12 digits under a PIN's name".to_owned())
        })
}

/// Whether a description says what it describes is a secret: the subject of each of its
/// clauses — the words before a preposition or a relative word, `and`/`or` parting
/// subjects — read as a name ("the partner's API secret key", "client ID and secret"; not
/// "ARN of the secret", "token TTL in seconds", "name of the parameter holding the password").
pub(crate) fn described_as_secret(description: &str) -> bool {
    const ENDS_SUBJECT: &[&str] = &[
        "of",
        "for",
        "that",
        "which",
        "in",
        "with",
        "to",
        "from",
        "used",
        "where",
        "holding",
        "holds",
        "stored",
        "by",
        "at",
        "on",
        "as",
        "when",
        "if",
        "is",
        "are",
        "under",
        "whose",
        "via",
        "into",
        "containing",
        "naming",
        "named",
    ];
    let lower = description.to_ascii_lowercase();
    lower
        .split([',', '.', ';', ':', '(', ')', '\n'])
        .any(|clause| {
            let words: Vec<&str> = clause
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
                .map(|w| w.trim_end_matches("'s").trim_matches('\''))
                .filter(|w| !w.is_empty())
                .collect();
            let end = words
                .iter()
                .position(|w| ENDS_SUBJECT.contains(w))
                .unwrap_or(words.len());
            words[..end]
                .split(|w| matches!(*w, "and" | "or"))
                .any(|subject| !subject.is_empty() && names::secret_name(&subject.join("_")))
        })
}

/// Why a command an image's history keeps (a Dockerfile's RUN, a URL it fetches) holds a
/// credential ([`values::credential_in_command`]).
pub(crate) fn command_reason(command: &str) -> Option<String> {
    values::credential_in_command(command)
}

/// Why an environment variable's resolved value looks like a secret: a dynamic reference
/// to a secret (`dynamic_reference_reason`), a literal judged by `literal_reason`, or a value
/// with unknown parts judged at its worst (`unknown_reason`). Every function's environment
/// goes through here.
pub(crate) fn variable_reason(name: &str, resolved: &Resolved) -> Option<String> {
    let references = resolved.dynamic_references();
    references
        .iter()
        .find_map(|r| dynamic_reference_reason(name, r))
        .or_else(|| match resolved.known() {
            Some(value) if references.is_empty() => literal_reason(name, value),
            // A reference to a plain parameter is an input: a secret where it stands in a
            // secret's place (`postgres://app:{{resolve:ssm:/db/main}}@db`).
            _ => unknown_reason(name, resolved),
        })
}

/// CloudFormation replaces a dynamic reference, of any service, with the value it names, in
/// plain text in the function's configuration: so the reference is the value. It is a secret
/// when it comes from a store of secrets (Secrets Manager, an SSM `SecureString`) or when a
/// name says it is one — the variable's (`DB_PASSWORD`) or the parameter's
/// (`/app/db-password`, read without its `:version`).
fn dynamic_reference_reason(name: &str, r: &DynamicReference) -> Option<String> {
    let service = &r.service;
    // SSM returns a Secrets Manager secret's value for `/aws/reference/secretsmanager/<id>`.
    let referenced_secret = r
        .reference
        .trim_start_matches(|c: char| c != '/')
        .starts_with(super::resolve::SECRETS_MANAGER_PATH);
    if r.is_secret() || referenced_secret {
        return Some(format!(
            "a dynamic reference {{{{resolve:{service}:…}}}}, which CloudFormation replaces with the secret's value in plain text"
        ));
    }
    // The version is digits, or an input's (`…`).
    let parameter = r
        .reference
        .rsplit_once(':')
        .filter(|(_, version)| {
            *version == "…" || (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        })
        .map_or(r.reference.as_str(), |(path, _)| path);
    let parameter = parameter.rsplit(['/', ':']).next().unwrap_or_default();
    let named = if names::secret_name(name) {
        name
    } else if names::secret_name(parameter) {
        parameter
    } else {
        return None;
    };
    Some(format!(
        "a dynamic reference {{{{resolve:{service}:…}}}} named {named}, which CloudFormation replaces with the value in plain text; a secret's name says the value is one"
    ))
}

/// Why a value without a name looks like a secret by its shape alone (a raw resource's
/// property): unknown parts stand as in [`unknown_reason`], a plain dynamic reference as an
/// input.
pub(crate) fn unnamed_reason(resolved: &Resolved) -> Option<String> {
    values::secret_value(&text_with_unknowns(resolved).0, None)
}

/// Why a value with unknown parts looks like a secret. Inputs (parameters, other stacks'
/// exports) can hold anything, so they stand as an opaque secret: `postgres://app:${Pw}@db`
/// with `Pw` a parameter puts a password in plain text. Resources' names, IDs and ARNs stand
/// as references.
fn unknown_reason(name: &str, resolved: &Resolved) -> Option<String> {
    let (text, input) = text_with_unknowns(resolved);
    if let Some(why) = values::secret_value(&text, Some(name)) {
        return Some(match input {
            Some(what) => format!("{why}, with {what} in it"),
            None => why,
        });
    }
    if let Some(why) = admitted_secret(name, resolved) {
        return Some(why);
    }
    // A parameter or export named (`GithubToken`) or described ("the partner's API secret
    // key") like a secret holds one, wherever it goes.
    if let Some(input) = resolved.unknowns().find_map(|u| {
        u.input_name()
            .filter(|n| u.described_as_secret || names::secret_name(n))
    }) {
        return Some(format!(
            "set from {input}, named or described like a secret, which puts its value into the environment in plain text"
        ));
    }
    if !names::secret_name(name) {
        return None;
    }
    match input {
        Some(what) => Some(format!(
            "named like a secret and set from {what}, which puts whatever is deployed into the environment in plain text"
        )),
        None => (!values::plainly_not_secret(&text, Some(name))).then(|| {
            "named like a secret, and its known text is not plainly something else".to_owned()
        }),
    }
}

/// Why a value holds a secret whatever a parameter in it is set to: its `AllowedPattern`
/// admits only secrets, so any value deployed is one (`^ghp_[A-Za-z0-9]{36}$` under a neutral
/// name). The value is judged with each such parameter written as an example of its pattern,
/// on every way through the pattern's alternatives: a secret when the typical example is one
/// and either it is a vendor's token (gitleaks) or the plain example is a secret too — a
/// pattern of letters and digits alone admits names as well as keys.
fn admitted_secret(name: &str, resolved: &Resolved) -> Option<String> {
    let parameter = resolved
        .unknowns()
        .find(|u| !u.examples.is_empty())?
        .what
        .clone();
    let ways = resolved
        .unknowns()
        .map(|u| u.examples.len())
        .max()
        .unwrap_or(1);
    let mut why = None;
    for way in 0..ways {
        let (typical, plain) = text_with_examples(resolved, way);
        let reason = values::secret_value(&typical, Some(name))?;
        // A vendor's token, or one encoded (`Fn::Base64` of the parameter).
        let decoded = values::base64_decode(&typical).and_then(|d| String::from_utf8(d).ok());
        let token = [Some(typical.as_str()), decoded.as_deref()]
            .into_iter()
            .flatten()
            .any(|t| super::secrets::matching_rule(&values::gitleaks_text(t)).is_some());
        if !token && values::secret_value(&plain, Some(name)).is_none() {
            return None;
        }
        why.get_or_insert(reason);
    }
    why.map(|why| {
        format!(
            "set from {parameter}, whose AllowedPattern admits only values that look like a secret ({why}), which puts whatever is deployed into the environment in plain text"
        )
    })
}

/// The value's text twice, each parameter with examples written as its `way`-th example's
/// typical and plain text, other inputs as `values::INPUT` and references as
/// `values::REFERENCE`.
fn text_with_examples(resolved: &Resolved, way: usize) -> (String, String) {
    let (mut typical, mut plain) = (String::new(), String::new());
    for part in &resolved.parts {
        match part {
            Part::Text(t) => {
                let t = without_dynamic_references(t, values::INPUT);
                typical.push_str(&t);
                plain.push_str(&t);
            }
            Part::Unknown(u) if !u.examples.is_empty() => {
                let example = &u.examples[way % u.examples.len()];
                typical.push_str(&example.typical);
                plain.push_str(&example.plain);
            }
            Part::Unknown(u) => {
                let c = if u.origin == Origin::Input {
                    values::INPUT
                } else {
                    values::REFERENCE
                };
                typical.push(c);
                plain.push(c);
            }
        }
    }
    (typical, plain)
}

/// The value's text with each input (a parameter, an export of no stack here, a plain dynamic
/// reference) written as `values::INPUT` and each reference to a resource as
/// `values::REFERENCE`, and what the first input is.
fn text_with_unknowns(resolved: &Resolved) -> (String, Option<&str>) {
    let mut text = String::new();
    let mut input = None;
    for part in &resolved.parts {
        match part {
            Part::Text(t) if t.contains("{{resolve:") => {
                text.push_str(&without_dynamic_references(t, values::INPUT));
                input.get_or_insert("a dynamic reference");
            }
            Part::Text(t) => text.push_str(t),
            Part::Unknown(u) if u.origin == Origin::Input => {
                text.push(values::INPUT);
                input.get_or_insert(u.what.as_str());
            }
            Part::Unknown(_) => text.push(values::REFERENCE),
        }
    }
    (text, input)
}

/// A parameter's `Default`, an output's value and a tag's are in the template, and AWS shows
/// them to anyone who can describe the stack or list tags: judged like a variable named by the
/// parameter, output or tag key.
pub(super) fn check_template<'a>(
    stack: &'a Stack,
    prose_seen: &mut Prose<'a>,
    sink: &mut Sink<'_>,
) {
    let template = &stack.template;
    for tag in &template.tags {
        let key = tag.key();
        if let Some(reason) = literal_reason(key, tag.value()) {
            sink.push(
                "secret-in-env",
                "Tags",
                format!("tag {key} holds a value that looks like a secret ({reason}); tags are readable by anyone who can list them"),
                format!("remove tag {key}: tags describe resources, secrets belong in Secrets Manager"),
            );
        }
    }
    for p in &template.parameters {
        let name = p.id.as_str();
        if let Some(reason) = p.default.as_deref().and_then(|d| literal_reason(name, d)) {
            sink.push(
                "secret-in-env",
                name,
                format!("parameter {name} has a default that looks like a secret ({reason}); the template holds it in plain text"),
                format!("remove the default of {name}: keep the value in Secrets Manager and pass its ARN"),
            );
        }
        // A pattern that admits only literal text (`^(ghp_…|glpat-…)$`, no class to fill)
        // spells the values themselves, in the template.
        if let Some(reason) =
            literal_pattern_reason(name, &sink.scope().resolve(&Expr::Ref(name.to_owned())))
        {
            sink.push(
                "secret-in-env",
                name,
                format!("parameter {name} has an AllowedPattern that spells a value that looks like a secret ({reason}); the template holds it in plain text"),
                format!("give {name} a pattern of the value's shape, not the value: keep the value in Secrets Manager and pass its ARN"),
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (at, text) in prose(stack) {
        // A reason is written once per scanner it answers: reported once per stack.
        if !seen.insert(text) {
            continue;
        }
        let reason = prose_seen.entry(text).or_insert_with(|| prose_reason(text));
        if let Some(reason) = reason {
            sink.push(
                "secret-in-env",
                "Template",
                format!("{at} holds text that looks like a secret ({reason}); the template and the review page show it in plain text"),
                format!("remove the secret from {at}: name it, keep its value in Secrets Manager"),
            );
        }
    }
    for o in &template.outputs {
        let name = o.id.as_str();
        let resolved = sink.scope().resolve(&o.value);
        if let Some(reason) = variable_reason(name, &resolved) {
            sink.push(
                "secret-in-env",
                name,
                format!("output {name} holds a value that looks like a secret ({reason}); the stack shows outputs to anyone who can describe it"),
                format!("output the secret's ARN instead of its value in {name}"),
            );
        }
    }
}

/// Why a parameter's pattern spells a secret: each value it admits is written out, no class
/// filled (its examples' typical and plain texts are the same), and one looks like a secret.
fn literal_pattern_reason(name: &str, resolved: &Resolved) -> Option<String> {
    resolved
        .unknowns()
        .flat_map(|u| &u.examples)
        .filter(|e| e.typical == e.plain && !e.typical.is_empty())
        .find_map(|e| literal_reason(name, &e.typical))
}

/// The verdict on each prose text judged so far: stacks of one service repeat their prose, and
/// the text alone decides.
pub(super) type Prose<'a> = std::collections::HashMap<&'a str, Option<String>>;

/// Why prose holds a secret. It is judged in full only where a credential's shape can be: a
/// URL, a dynamic reference (CloudFormation resolves one in any string, prose too), a PEM
/// block, a `key=value`, or a token of 8 characters or more with a digit in it; other sentences
/// can hold only a seed phrase.
fn prose_reason(text: &str) -> Option<String> {
    let shaped = ["://", "{{resolve:", "-----BEGIN", "="]
        .iter()
        .any(|p| text.contains(p))
        || text
            .split(|c: char| c.is_whitespace() || ",;()\"'<>".contains(c))
            .any(|t| t.len() >= 8 && t.bytes().any(|b| b.is_ascii_digit()));
    if !shaped {
        return values::mnemonic(text);
    }
    variable_reason("description", &Resolved::text(text)).or_else(|| named_in_prose(text))
}

/// A value prose gives a credential word right before it (`FX provider token, currently
/// 3f2b8c1e-…`, `api key: …`): judged as that credential, so a UUID or a word there is the
/// secret, as it is under a secret's name. Only `is`, `was`, `currently`, `now` and
/// punctuation may stand between (not `token ID`, `key name`).
fn named_in_prose(text: &str) -> Option<String> {
    const CREDENTIALS: &[&str] = &[
        "token",
        "password",
        "passwd",
        "passphrase",
        "secret",
        "key",
        "apikey",
        "pin",
        "credential",
        "credentials",
    ];
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || ",;()\"'<>:=".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let value = w.trim_end_matches('.');
        if value.len() < 8 || !value.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let name = words[..i]
            .iter()
            .rev()
            .take(3)
            .map(|y| y.to_ascii_lowercase())
            .take_while(|y| {
                CREDENTIALS.contains(&y.as_str())
                    || matches!(y.as_str(), "is" | "was" | "currently" | "now")
            })
            .find(|y| CREDENTIALS.contains(&y.as_str()))?;
        variable_reason(&name.to_ascii_uppercase(), &Resolved::text(value))
    })
}

/// The prose a stack writes in plain text — the template's, parameters', outputs' and
/// resources' descriptions, export names, reviewers' reasons and other metadata, the smoke test's path the
/// deploy workflow requests — with where it stands. Nothing there is a secret's place, so a
/// secret in it is judged by its shape alone (or as the dynamic reference it holds).
fn prose(stack: &Stack) -> Vec<(String, &str)> {
    use crate::model::Properties;
    let t = &stack.template;
    let mut out: Vec<(String, &str)> = vec![("the template's description".into(), &t.description)];
    if let Some(path) = &stack.smoke_test {
        out.push(("the smoke test's path".into(), path));
    }
    for p in &t.parameters {
        let at = format!("parameter {}", p.id.as_str());
        out.push((at.clone(), &p.description));
        out.push((at, &p.constraint_description));
    }
    for o in &t.outputs {
        out.push((format!("output {}", o.id.as_str()), &o.description));
        // An export's name: ListExports shows it to every principal of the account.
        if let Some(export) = &o.export {
            out.push((format!("output {}'s export name", o.id.as_str()), export));
        }
    }
    for r in &t.resources {
        let at = || format!("resource {}", r.id.as_str());
        match &r.properties {
            Properties::Function(f) => out.push((at(), &f.description)),
            Properties::Role(role) => out.push((at(), &role.description)),
            Properties::AccountRole(role) => out.push((at(), &role.description)),
            Properties::Secret(secret) => out.push((at(), &secret.description)),
            Properties::Alarm(alarm) => out.push((at(), &alarm.description)),
            Properties::EcrRepository(repo) => {
                out.extend(
                    repo.lifecycle
                        .iter()
                        .map(|l| (at(), l.description.as_str())),
                );
            }
            _ => {}
        }
        out.extend(r.suppressions.iter().map(|x| (at(), x.reason())));
        out.extend(r.policy_exceptions.iter().map(|x| (at(), x.reason())));
        out.extend(r.replacement_ack.iter().map(|x| (at(), x.reason())));
        let mut pending: Vec<&serde_json::Value> = r.metadata.values().collect();
        while let Some(v) = pending.pop() {
            match v {
                serde_json::Value::String(text) => out.push((at(), text)),
                serde_json::Value::Array(items) => pending.extend(items),
                serde_json::Value::Object(map) => pending.extend(map.values()),
                _ => {}
            }
        }
    }
    out
}

/// The bytes `s` takes inside a JSON string: quotes and backslashes and the short control
/// escapes take two, other control characters six (`\u0001`), the rest their UTF-8 bytes.
fn json_escaped_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// Lambda's limit on the environment, measured as one JSON object.
const ENV_LIMIT: usize = 4096;

/// The room the rest of the environment must leave a dynamic reference (`{{resolve:ssm:…}}`),
/// whose value the template does not bound: SSM lets a standard parameter hold 4 KB, all of
/// Lambda's environment, so counting that would refuse every reference. Three quarters of it
/// is kept free instead: beside more than 1 KB of other variables a reference is a finding.
const DYNAMIC_REFERENCE_ROOM: usize = 3 * 1024;

pub(super) fn check(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let vars: Vec<(&str, &Expr)> = f
        .environment
        .iter()
        .map(|v| (v.name.as_str(), &v.value))
        .collect();
    variables(&vars, true, id, sink);
}

/// A function's environment — a modelled one's, or a raw `AWS::Lambda::Function`'s
/// `Environment.Variables` — against Lambda's reserved names and size limit, and, when
/// `judge_secrets` (the raw lint judges a raw function's values itself), for secrets alone
/// and joined across variables.
pub(super) fn variables(
    vars: &[(&str, &Expr)],
    judge_secrets: bool,
    id: &str,
    sink: &mut Sink<'_>,
) {
    // `{}` around the JSON object Lambda measures.
    let mut size = 2;
    // The bytes the dynamic references' own text takes in `size`, and how many there are.
    let (mut references_len, mut references) = (0, 0);
    let mut clean = Vec::new();
    for (i, &(name, expr)) in vars.iter().enumerate() {
        if RESERVED.contains(&name) {
            sink.push(
                "reserved-env",
                id,
                format!("environment variable {name} is reserved: Lambda sets it and rejects the function"),
                format!("remove {name}; the runtime already provides it"),
            );
        }
        let resolved = sink.scope().resolve(expr);
        // Lambda measures the variables as one JSON object (its error shows the "String
        // measured"): each name and value quoted and escaped, a colon between, commas between
        // pairs. Unknown parts count at their longest; an attribute (an ARN, a name) at a
        // typical 256.
        let value = resolved.max_len_by(json_escaped_len, 256);
        size += usize::from(i > 0) + json_escaped_len(name) + value + 5;
        for r in resolved.dynamic_references() {
            references += 1;
            references_len +=
                json_escaped_len(&format!("{{{{resolve:{}:{}}}}}", r.service, r.reference));
        }
        if !judge_secrets {
            continue;
        }
        let reason = variable_reason(name, &resolved);
        match (reason, resolved.known()) {
            (Some(reason), _) => sink.push(
                "secret-in-env",
                id,
                format!("environment variable {name} holds a value that looks like a secret ({reason})"),
                format!(
                    "store the value in Secrets Manager (Service::secret with SecretSpec), give the function its ARN, e.g. {name}_SECRET_ARN, and read the value at run time"
                ),
            ),
            (None, Some(value)) => clean.push((name, value.to_owned())),
            (None, None) => {}
        }
    }
    for (names, reason) in split::secrets(&clean) {
        let list = names.join(", ");
        sink.push(
            "secret-in-env",
            id,
            format!("environment variables {list} hold parts of a value that looks like a secret once joined ({reason})"),
            format!(
                "store the whole value in Secrets Manager (Service::secret with SecretSpec), give the function its ARN and remove {list}"
            ),
        );
    }
    let rest = size.saturating_sub(references_len);
    if size > ENV_LIMIT {
        sink.push(
            "env-size",
            id,
            format!("environment variables take about {size} bytes; Lambda allows {ENV_LIMIT}"),
            "move large values to a secret, a parameter or the image",
        );
    } else if references > 0 && rest + DYNAMIC_REFERENCE_ROOM > ENV_LIMIT {
        sink.push(
            "env-size",
            id,
            format!(
                "environment variables take about {rest} bytes besides {references} dynamic reference(s), whose values may hold up to 4 KB (an SSM parameter's): Lambda allows {ENV_LIMIT} in all, so a reference is left less than {DYNAMIC_REFERENCE_ROOM}"
            ),
            "read the parameter at run time (its name in the environment), or keep the other variables under 1 KB",
        );
    }
}

#[cfg(test)]
mod tests;
