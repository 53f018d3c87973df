//! One resolver before every lint: what a CloudFormation value will be once deployed, as far as
//! the definition decides it.
//!
//! Lints judge [`Resolved`] values, never raw [`Expr`]s: `Fn::Sub` with literal variables,
//! `Fn::Join`, pseudo parameters the stack fixes (`AWS::Region`, `AWS::StackName`,
//! `AWS::Partition`, `AWS::URLSuffix`) and imports of another stack's literal output become
//! text. What stays open (a parameter, the account, an attribute CloudFormation picks) is an
//! [`Unknown`] that says the worst it can hold — whether it may contain an IAM wildcard and how
//! long it may be — so a lint judges the worst case instead of skipping it. Dynamic references
//! (`{{resolve:secretsmanager:…}}`, `{{resolve:ssm-secure:…}}`) are found inside any text:
//! CloudFormation replaces them with the secret's value in plain text.

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::builders::{App, Stack};
use crate::model::Expr;
use crate::model::raw::RawValue;

/// CloudFormation's limit on a parameter value, the longest a parameter can make any text.
const PARAMETER_MAX_LEN: usize = 4096;

/// A value as deployed: known text and unknown holes, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Resolved {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    Unknown(Unknown),
}

/// A part of a value the definition does not decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// What it is, in words for a finding: "parameter `ImageTag`", "the account ID", …
    pub what: String,
    /// Where it comes from, which decides what a lint may assume about it.
    pub origin: Origin,
    /// Whether it may hold `*` or `?`, which IAM reads as wildcards.
    pub may_wildcard: bool,
    /// Whether it may hold `/`: an input that may is a path, SSM's to a Secrets Manager
    /// secret (`/aws/reference/secretsmanager/…`) among them.
    pub may_slash: bool,
    /// The longest it can be, when bounded.
    pub max_len: Option<usize>,
    /// Values a parameter's `AllowedPattern` admits, one per way through its alternatives
    /// (empty for other unknowns): what every value it may be looks like.
    pub examples: Vec<Example>,
    /// Whether a parameter's own description says it is a secret ("the partner's API secret
    /// key"): then whatever is deployed is one, as under a secret's name.
    pub described_as_secret: bool,
}

/// A value a parameter's pattern admits, written twice: `typical` fills each class with
/// pseudo-random letters and digits where it admits them (as a generated token would),
/// `plain` with the letters of a word. A pattern whose typical value is a vendor's token, or
/// whose plain value is a secret too, admits only secrets (`^ghp_[A-Za-z0-9]{36}$`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Example {
    pub typical: String,
    pub plain: String,
}

/// Where an unknown value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The account the stack deploys to (`AWS::AccountId`).
    Account,
    /// A name, ID, ARN or attribute of one of the stack's resources, or of the stack itself:
    /// AWS sets it, within this account and region.
    ThisStack,
    /// A parameter, or an export of no stack here: text the definition does not bound.
    Input,
}

/// A `{{resolve:service:reference}}` in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DynamicReference {
    /// `secretsmanager`, `ssm-secure` or `ssm`.
    pub service: String,
    pub reference: String,
}

impl Unknown {
    /// The name of the input this stands for — a parameter's logical ID, an export's name,
    /// as much of it as the definition decides (`…-DbPassword` of `${Stage}-DbPassword`) —
    /// which may say what the value is (`GithubToken`).
    pub fn input_name(&self) -> Option<&str> {
        if self.origin != Origin::Input {
            return None;
        }
        ["parameter `", "the export `", "an export named `"]
            .iter()
            .find_map(|p| self.what.strip_prefix(p)?.strip_suffix('`'))
    }
}

impl DynamicReference {
    /// Secrets Manager and SecureString parameters: CloudFormation writes the secret's value,
    /// in plain text, wherever the reference stands.
    pub fn is_secret(&self) -> bool {
        self.service == "secretsmanager" || self.service == "ssm-secure"
    }
}

impl Resolved {
    pub(crate) fn text(s: impl Into<String>) -> Self {
        Self {
            parts: vec![Part::Text(s.into())],
        }
    }

    fn unknown(u: Unknown) -> Self {
        Self {
            parts: vec![Part::Unknown(u)],
        }
    }

    fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (Some(Part::Text(last)), Part::Text(t)) => last.push_str(&t),
            (_, Part::Text(t)) if t.is_empty() => {}
            (_, part) => self.parts.push(part),
        }
    }

    fn extend(&mut self, other: Resolved) {
        for p in other.parts {
            self.push(p);
        }
    }

    /// The whole value, when the definition decides all of it.
    pub fn known(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Text(t)] => Some(t),
            _ => None,
        }
    }

    /// The unknown parts.
    pub fn unknowns(&self) -> impl Iterator<Item = &Unknown> {
        self.parts.iter().filter_map(|p| match p {
            Part::Unknown(u) => Some(u),
            Part::Text(_) => None,
        })
    }

    /// The value with each unknown part written as `placeholder`, for pattern checks that
    /// treat an unknown like a wildcard (`*`) or like an opaque word.
    pub fn with_unknowns_as(&self, placeholder: &str) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Unknown(_) => out.push_str(placeholder),
            }
        }
        out
    }

    /// The value on the `way`-th way through its parameters' patterns, when every unknown
    /// part is a parameter with examples.
    fn example(&self, way: usize) -> Option<Example> {
        let mut out = Example {
            typical: String::new(),
            plain: String::new(),
        };
        for p in &self.parts {
            match p {
                Part::Text(t) => {
                    out.typical.push_str(t);
                    out.plain.push_str(t);
                }
                Part::Unknown(u) => {
                    let e = u.examples.get(way % u.examples.len().max(1))?;
                    out.typical.push_str(&e.typical);
                    out.plain.push_str(&e.plain);
                }
            }
        }
        Some(out)
    }

    /// Whether the deployed value may hold an IAM wildcard (`*`, `?`) anywhere.
    pub fn may_wildcard(&self) -> bool {
        self.parts.iter().any(|p| match p {
            Part::Text(t) => t.contains(['*', '?']),
            Part::Unknown(u) => u.may_wildcard,
        })
    }

    /// The longest the deployed value can be, with known text measured by `text` (its bytes,
    /// or its length once escaped), a resource's name, ID or ARN that nothing bounds counted
    /// as `unbounded`, and an input nothing bounds (another repository's export) as long as a
    /// parameter can be: it can hold anything.
    pub fn max_len_by(&self, text: impl Fn(&str) -> usize, unbounded: usize) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => text(t),
                Part::Unknown(u) => u.max_len.unwrap_or(match u.origin {
                    Origin::Input => PARAMETER_MAX_LEN,
                    Origin::Account | Origin::ThisStack => unbounded,
                }),
            })
            .sum()
    }

    /// The items `Fn::Split` cuts the value into at `delimiter`, when no unknown part can hold
    /// it: the account ID is digits, and the names, IDs and ARNs AWS sets hold no `,`, `;`,
    /// `|` or whitespace; an input can hold anything.
    pub fn split(&self, delimiter: &str) -> Option<Vec<Resolved>> {
        let mut items = vec![Resolved::default()];
        for part in &self.parts {
            match part {
                Part::Text(t) => {
                    for (i, piece) in t.split(delimiter).enumerate() {
                        if i > 0 {
                            items.push(Resolved::default());
                        }
                        items.last_mut()?.push(Part::Text(piece.to_owned()));
                    }
                }
                Part::Unknown(u) => {
                    let may_hold = match u.origin {
                        Origin::Account => delimiter.contains(|c: char| c.is_ascii_digit()),
                        Origin::ThisStack => !delimiter
                            .chars()
                            .all(|c| c.is_whitespace() || ",;|".contains(c)),
                        Origin::Input => true,
                    };
                    if may_hold {
                        return None;
                    }
                    items.last_mut()?.push(part.clone());
                }
            }
        }
        Some(items)
    }

    /// Every `{{resolve:…}}` in the value. CloudFormation resolves the reference in the text
    /// it has built, so its parts may come from different pieces (`{{resolve:secretsmanager:`,
    /// then a `Ref` to the secret, then `:SecretString:password}}`); an unknown part of the
    /// service name stands at its worst, a secret.
    ///
    /// An input that may hold `/` where an SSM parameter's name starts (or continues a prefix
    /// of `/aws/reference/secretsmanager/`) may name a Secrets Manager secret, and stands as
    /// that path.
    pub fn dynamic_references(&self) -> Vec<DynamicReference> {
        let mut text = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => text.push_str(t),
                Part::Unknown(u) if u.origin == Origin::Input && u.may_slash => {
                    text.push(INPUT_PATH);
                }
                Part::Unknown(_) => text.push(UNKNOWN_PART),
            }
        }
        let mut refs = dynamic_references(&text);
        for r in &mut refs {
            if r.service.contains([UNKNOWN_PART, INPUT_PATH]) {
                r.service = "secretsmanager".to_owned();
            }
            if let Some((before, _)) = r.reference.split_once(INPUT_PATH)
                && SECRETS_MANAGER_PATH.starts_with(before.trim_start_matches(|c| c != '/'))
            {
                r.reference = format!("{SECRETS_MANAGER_PATH}…");
            }
            r.reference = r.reference.replace([UNKNOWN_PART, INPUT_PATH], "…");
        }
        refs
    }
}

/// Stands for an unknown part while a value is searched for dynamic references: no text holds
/// it, and it is neither `{` nor `}`.
const UNKNOWN_PART: char = '\u{0}';
/// Stands for an input that may hold a path, likewise.
const INPUT_PATH: char = '\u{1}';
/// The SSM parameter path under which SSM returns a Secrets Manager secret's value.
pub(crate) const SECRETS_MANAGER_PATH: &str = "/aws/reference/secretsmanager/";

/// `{{resolve:service:reference}}` occurrences in `text`.
pub(crate) fn dynamic_references(text: &str) -> Vec<DynamicReference> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{resolve:") {
        let after = &rest[start + "{{resolve:".len()..];
        let Some(end) = after.find("}}") else { break };
        let inner = &after[..end];
        let (service, reference) = inner.split_once(':').unwrap_or((inner, ""));
        out.push(DynamicReference {
            service: service.to_owned(),
            reference: reference.to_owned(),
        });
        rest = &after[end + 2..];
    }
    out
}

/// `text` with each `{{resolve:…}}` replaced by `with`: where a lint judges what stands around
/// the value a reference names.
pub(crate) fn without_dynamic_references(text: &str, with: char) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{resolve:") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push(with);
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Where a value is read: its stack, and the app for imports from other stacks.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub stack: &'a Stack,
    pub app: Option<&'a App>,
}

impl<'a> Scope<'a> {
    pub fn new(stack: &'a Stack, app: Option<&'a App>) -> Self {
        Self { stack, app }
    }

    /// What `expr` is once deployed.
    pub fn resolve(&self, expr: &Expr) -> Resolved {
        self.resolve_depth(expr, 0)
    }

    /// A raw scalar where CloudFormation asks a boolean, converted as it converts one (and as
    /// the schema check does): `true`, `false` or their text in any case; `None` when an input
    /// decides it or it is no boolean.
    pub fn boolean(&self, v: &RawValue) -> Option<bool> {
        match v {
            RawValue::Bool(b) => Some(*b),
            RawValue::Expr(e) => {
                let text = self.resolve(e);
                let text = text.known()?;
                if text.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// A raw scalar where CloudFormation asks an integer, converted as it converts one (and as
    /// the schema check does): an integer-valued number, or the text of one (`"365 "`, with a
    /// space, is none); `None` when an input decides it or it is no integer.
    pub fn integer(&self, v: &RawValue) -> Option<i64> {
        match v {
            RawValue::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            RawValue::Expr(e) => self.resolve(e).known()?.parse().ok(),
            _ => None,
        }
    }

    fn resolve_depth(&self, expr: &Expr, depth: usize) -> Resolved {
        // Imports can chain through other stacks; a cycle is a deploy-order finding elsewhere.
        if depth > 8 {
            return Resolved::unknown(opaque("a value imported through too many stacks"));
        }
        match expr {
            Expr::Literal(s) => Resolved::text(s.clone()),
            Expr::Ref(name) => self.reference(name),
            Expr::GetAtt(id, attribute) => match self.property_attribute(id, attribute) {
                Some(value) => self.resolve_depth(value, depth + 1),
                None => Resolved::unknown(Unknown {
                    what: format!("`{id}.{attribute}`"),
                    origin: Origin::ThisStack,
                    may_wildcard: false,
                    may_slash: true,
                    max_len: None,
                    examples: Vec::new(),
                    described_as_secret: false,
                }),
            },
            Expr::Sub(template) => self.sub(template, &[], depth),
            Expr::SubWith(template, vars) => self.sub(template, vars, depth),
            Expr::Join(delimiter, values) if matches!(values.as_slice(), [one] if one.is_list()) => {
                self.list_joined(&values[0], delimiter, depth)
            }
            Expr::Join(delimiter, values) => {
                let mut out = Resolved::default();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push(Part::Text(delimiter.clone()));
                    }
                    out.extend(self.resolve_depth(v, depth + 1));
                }
                out
            }
            Expr::ImportValue(name) => self.import(&self.resolve_depth(name, depth + 1), depth),
            // A list where text is read: its items together, as a join with `,` shows them.
            list @ (Expr::Split(..) | Expr::GetAZs(_)) => self.list_joined(list, ",", depth),
            Expr::Select(index, list) => match list.as_ref() {
                Expr::Split(delimiter, source) => {
                    let whole = self.resolve_depth(source, depth + 1);
                    match whole.split(delimiter).and_then(|mut items| {
                        (*index < items.len()).then(|| items.swap_remove(*index))
                    }) {
                        Some(item) => item,
                        // An item of text whose unknown parts may hold the delimiter is some
                        // part of it: judged as the whole, which holds whatever the item holds.
                        None => whole,
                    }
                }
                Expr::GetAZs(region) => Resolved::unknown(self.zones(region, depth)),
                other => self.resolve_depth(other, depth + 1),
            },
            Expr::Base64(inner) => {
                let inner = self.resolve_depth(inner, depth + 1);
                // A dynamic reference encoded is the value it names, encoded but not hidden:
                // judged as the reference.
                if !inner.dynamic_references().is_empty() {
                    return inner;
                }
                match inner.known() {
                    Some(text) => Resolved::text(base64(text.as_bytes())),
                    // Base64 holds no wildcard and is 4 characters for every 3 bytes.
                    None => Resolved::unknown(Unknown {
                        what: match inner.parts.as_slice() {
                            [Part::Unknown(u)] => format!("the Base64 of {}", u.what),
                            _ => format!("the Base64 of `{}`", inner.with_unknowns_as("…")),
                        },
                        origin: worst_origin(&inner),
                        may_wildcard: false,
                        may_slash: true,
                        max_len: Some(
                            inner.max_len_by(str::len, PARAMETER_MAX_LEN).div_ceil(3) * 4,
                        ),
                        // A parameter's examples encoded: a token encoded is still the token.
                        examples: (0..inner
                            .unknowns()
                            .map(|u| u.examples.len())
                            .max()
                            .unwrap_or(0))
                            .map_while(|way| inner.example(way))
                            .map(|e| Example {
                                typical: base64(e.typical.as_bytes()),
                                plain: base64(e.plain.as_bytes()),
                            })
                            .collect(),
                        described_as_secret: inner.unknowns().any(|u| u.described_as_secret),
                    }),
                }
            }
        }
    }

    /// The items of a list-valued `list` joined by `delimiter`.
    fn list_joined(&self, list: &Expr, delimiter: &str, depth: usize) -> Resolved {
        match list {
            // Joining a split again replaces each delimiter in the text the definition decides;
            // an unknown part stays what it is.
            Expr::Split(by, source) => {
                let mut out = Resolved::default();
                for part in self.resolve_depth(source, depth + 1).parts {
                    out.push(match part {
                        Part::Text(t) => Part::Text(t.replace(by.as_str(), delimiter)),
                        unknown => unknown,
                    });
                }
                out
            }
            Expr::GetAZs(region) => Resolved::unknown(self.zones(region, depth)),
            other => self.resolve_depth(other, depth + 1),
        }
    }

    /// The Availability Zones of a region, or one of them: names AWS sets (`us-west-2a`),
    /// never a wildcard or a secret.
    fn zones(&self, region: &Expr, depth: usize) -> Unknown {
        let region = self.resolve_depth(region, depth + 1);
        Unknown {
            what: format!(
                "an Availability Zone of {}",
                match region.known() {
                    Some("") | None => self.stack.environment.region().to_owned(),
                    Some(r) => r.to_owned(),
                }
            ),
            origin: Origin::ThisStack,
            may_wildcard: false,
            may_slash: true,
            max_len: None,
            examples: Vec::new(),
            described_as_secret: false,
        }
    }

    /// The property a raw resource's attribute of the same name returns: CloudFormation reads
    /// such an attribute from what the template set (an SSM parameter's `Value`, a queue's
    /// `QueueName`), so it is that value, judged where it arrives. Other attributes are the
    /// resource's own (an ARN, an ID).
    fn property_attribute(&self, id: &str, attribute: &str) -> Option<&'a Expr> {
        match &self.stack.template.resource(id)?.properties {
            crate::model::Properties::Raw(raw) => raw
                .properties()
                .get(attribute)
                .and_then(crate::model::raw::RawValue::expr),
            _ => None,
        }
    }

    fn reference(&self, name: &str) -> Resolved {
        let region = self.stack.environment.region();
        match name {
            "AWS::Region" => Resolved::text(region),
            "AWS::StackName" => Resolved::text(self.stack.name.to_string()),
            "AWS::Partition" => Resolved::text(partition(region)),
            "AWS::URLSuffix" => Resolved::text(url_suffix(region)),
            "AWS::NoValue" => Resolved::default(),
            "AWS::AccountId" => Resolved::unknown(Unknown {
                what: "the account ID".into(),
                origin: Origin::Account,
                may_wildcard: false,
                may_slash: true,
                max_len: Some(12),
                examples: Vec::new(),
                described_as_secret: false,
            }),
            "AWS::StackId" | "AWS::NotificationARNs" => Resolved::unknown(Unknown {
                what: format!("`{name}`"),
                origin: Origin::ThisStack,
                may_wildcard: false,
                may_slash: true,
                max_len: None,
                examples: Vec::new(),
                described_as_secret: false,
            }),
            _ => match self
                .stack
                .template
                .parameters
                .iter()
                .find(|p| p.id.as_str() == name)
            {
                Some(p) if p.kind == crate::model::ParameterKind::String => {
                    let mut input = parameter_cached(name, &p.allowed_pattern);
                    input.described_as_secret = [&p.description, &p.constraint_description]
                        .iter()
                        .any(|d| described_as_secret_cached(d));
                    Resolved::unknown(input)
                }
                // A list of IDs CloudFormation checks exist: no wildcard, no path.
                Some(_) => Resolved::unknown(Unknown {
                    what: format!("parameter `{name}`"),
                    origin: Origin::Input,
                    may_wildcard: false,
                    may_slash: false,
                    max_len: Some(PARAMETER_MAX_LEN),
                    examples: Vec::new(),
                    described_as_secret: false,
                }),
                // A modelled resource whose `Ref` is its name, fixed by the definition (a
                // function's, a log group's): that name, so `/aws/lambda/${Function}` is the
                // function's log group.
                None if let Some(r) = self.stack.template.resource(name)
                    && r.properties.ref_returns() == "name"
                    && let Some((_, fixed)) = r.properties.physical_name() =>
                {
                    Resolved::text(fixed)
                }
                // A resource: its name or ID, chosen by CloudFormation or fixed by a property
                // the kind's own lints read; never a wildcard.
                None => Resolved::unknown(Unknown {
                    what: format!("`{name}`"),
                    origin: Origin::ThisStack,
                    may_wildcard: false,
                    may_slash: true,
                    max_len: None,
                    examples: Vec::new(),
                    described_as_secret: false,
                }),
            },
        }
    }

    fn sub(&self, template: &str, vars: &[(String, Expr)], depth: usize) -> Resolved {
        let mut out = Resolved::default();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push(Part::Text(rest[..start].to_owned()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push(Part::Text(rest[start..].to_owned()));
                return out;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push(Part::Text(format!("${{{literal}}}")));
            } else if let Some((_, value)) = vars.iter().find(|(k, _)| k == name) {
                out.extend(self.resolve_depth(value, depth + 1));
            } else if let Some((id, attribute)) =
                name.split_once('.').filter(|_| !name.starts_with("AWS::"))
            {
                out.extend(self.resolve_depth(
                    &Expr::GetAtt(id.to_owned(), attribute.to_owned()),
                    depth + 1,
                ));
            } else {
                out.extend(self.reference(name));
            }
            rest = &after[end + 1..];
        }
        out.push(Part::Text(rest.to_owned()));
        out
    }

    /// An export of a stack in the same region, resolved in that stack.
    fn import(&self, name: &Resolved, depth: usize) -> Resolved {
        let region = self.stack.environment.region();
        let exporter = name.known().and_then(|name| {
            self.app?.stacks().iter().find_map(|s| {
                if s.environment.region() != region {
                    return None;
                }
                s.template
                    .outputs
                    .iter()
                    .find(|o| o.export.as_deref() == Some(name))
                    .map(|o| (s, &o.value))
            })
        });
        match exporter {
            Some((stack, value)) => Scope::new(stack, self.app).resolve_depth(value, depth + 1),
            None => Resolved::unknown(Unknown {
                what: match name.known() {
                    Some(n) => format!("the export `{n}`"),
                    None => format!("an export named `{}`", name.with_unknowns_as("…")),
                },
                origin: Origin::Input,
                // Another repository's export can hold anything.
                may_wildcard: true,
                may_slash: true,
                max_len: None,
                examples: Vec::new(),
                described_as_secret: false,
            }),
        }
    }
}

/// The origin a lint must assume for a value built from `resolved`'s unknowns: an input's if
/// any is one.
fn worst_origin(resolved: &Resolved) -> Origin {
    let origins: Vec<Origin> = resolved.unknowns().map(|u| u.origin).collect();
    if origins.contains(&Origin::Input) {
        Origin::Input
    } else if origins.contains(&Origin::Account) {
        Origin::Account
    } else {
        Origin::ThisStack
    }
}

/// Standard Base64 with padding, as `Fn::Base64` encodes.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

fn opaque(what: &str) -> Unknown {
    Unknown {
        what: what.to_owned(),
        origin: Origin::Input,
        may_wildcard: true,
        may_slash: true,
        max_len: None,
        examples: Vec::new(),
        described_as_secret: false,
    }
}

/// The export an `Fn::ImportValue` in `stack` names, however spelled (`Fn::Sub` with pseudo
/// parameters, `Fn::Join` of literals), or `None` when an input decides it.
pub(crate) fn import_name(stack: &Stack, name: &Expr) -> Option<String> {
    match name {
        Expr::Literal(n) => Some(n.clone()),
        // An import nested in a name is resolved by CloudFormation, not by the definition.
        _ => Scope::new(stack, None)
            .resolve(name)
            .known()
            .map(str::to_owned),
    }
}

/// `aws`, `aws-cn` or `aws-us-gov`, as the region's partition.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn url_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// [`super::env::described_as_secret`], worked out once per description: a parameter is
/// resolved wherever a `Ref` names it, and reading prose as names costs.
fn described_as_secret_cached(description: &str) -> bool {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, bool>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    SEEN.with_borrow_mut(|seen| match seen.get(description) {
        Some(&described) => described,
        None => {
            let described = super::env::described_as_secret(description);
            seen.insert(description.to_owned(), described);
            described
        }
    })
}

/// [`parameter`], worked out once per parameter and pattern: every `Ref` to a parameter is
/// resolved where it stands, and parsing the pattern was most of that.
fn parameter_cached(name: &str, pattern: &str) -> Unknown {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<(String, String), Unknown>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    SEEN.with_borrow_mut(|seen| {
        seen.entry((name.to_owned(), pattern.to_owned()))
            .or_insert_with(|| parameter(name, pattern))
            .clone()
    })
}

/// A parameter's worst case, from its `AllowedPattern`: whether a value it admits may hold
/// `*` or `?`, and its longest such value. A pattern that does not parse, even widened from
/// Java's dialect, admits anything.
fn parameter(name: &str, pattern: &str) -> Unknown {
    let what = format!("parameter `{name}`");
    // An empty pattern bounds nothing the definition can rely on.
    let pattern = &java_spelling(pattern);
    let Ok(hir) = regex_syntax::parse(pattern)
        .ok()
        .or_else(|| regex_syntax::parse(&java_superset(pattern)).ok())
        .ok_or(())
        .and_then(|hir| if pattern.is_empty() { Err(()) } else { Ok(hir) })
    else {
        return Unknown {
            what,
            origin: Origin::Input,
            may_wildcard: true,
            may_slash: true,
            max_len: Some(PARAMETER_MAX_LEN),
            examples: Vec::new(),
            described_as_secret: false,
        };
    };
    // CloudFormation matches AllowedPattern against the whole value, anchored or not.
    Unknown {
        what,
        origin: Origin::Input,
        may_wildcard: admits(&hir, '*') || admits(&hir, '?'),
        may_slash: admits(&hir, '/'),
        max_len: Some(
            hir.properties()
                .maximum_len()
                .map_or(PARAMETER_MAX_LEN, |n| n.min(PARAMETER_MAX_LEN)),
        ),
        examples: examples(&hir),
        described_as_secret: false,
    }
}

/// How many ways through a pattern's alternatives its examples take: the first branches of
/// each, which token formats list (`^(ghp|gho|ghu)_…$`, `^(?:sk|rk)_live_…$`).
const EXAMPLE_BRANCHES: usize = 3;
/// The longest example written: token formats are far shorter.
const EXAMPLE_MAX_LEN: usize = 512;
/// How often an unbounded repetition (`+`, `*`, `{n,}`) repeats in an example: a token's
/// length, so `^ghp_.+$` reads as a token.
const EXAMPLE_UNBOUNDED: u32 = 40;

/// One example per way through the pattern's alternatives (the `k`-th branch of each, up to
/// [`EXAMPLE_BRANCHES`]), each repetition at its least, an unbounded one at
/// [`EXAMPLE_UNBOUNDED`].
fn examples(hir: &Hir) -> Vec<Example> {
    let ways = alternatives(hir).clamp(1, EXAMPLE_BRANCHES);
    (0..ways)
        .map(|way| {
            let mut example = Example {
                typical: String::new(),
                plain: String::new(),
            };
            // A fixed seed per way: the same pattern always gives the same example.
            let mut seed = 0x2545_f491_4f6c_dd1d ^ way as u64;
            write_example(hir, way, &mut seed, &mut example);
            example
        })
        .collect()
}

/// The most branches of any alternation in the pattern.
fn alternatives(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Alternation(parts) => parts
            .len()
            .max(parts.iter().map(alternatives).max().unwrap_or(0)),
        HirKind::Concat(parts) => parts.iter().map(alternatives).max().unwrap_or(0),
        HirKind::Repetition(r) => alternatives(&r.sub),
        HirKind::Capture(c) => alternatives(&c.sub),
        _ => 0,
    }
}

fn write_example(hir: &Hir, way: usize, seed: &mut u64, out: &mut Example) {
    if out.typical.len() > EXAMPLE_MAX_LEN {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => {
            let text = String::from_utf8_lossy(&l.0);
            out.typical.push_str(&text);
            out.plain.push_str(&text);
        }
        HirKind::Class(class) => {
            let ranges: Vec<(char, char)> = match class {
                Class::Unicode(c) => c.iter().map(|r| (r.start(), r.end())).collect(),
                Class::Bytes(c) => c
                    .iter()
                    .map(|r| (char::from(r.start()), char::from(r.end())))
                    .collect(),
            };
            let admitted = |c: char| ranges.iter().any(|&(a, b)| a <= c && c <= b);
            // Letters and digits where the class admits them: a token's alphabet.
            let alphanumeric: Vec<char> = ('0'..='9')
                .chain('A'..='Z')
                .chain('a'..='z')
                .filter(|&c| admitted(c))
                .collect();
            let first = ranges.first().map_or('x', |&(a, _)| a);
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let typical = match alphanumeric.len() {
                0 => first,
                n => alphanumeric[(*seed % n as u64) as usize],
            };
            let word = "example";
            let plain = word
                .chars()
                .nth(out.plain.len() % word.len())
                .filter(|&c| admitted(c))
                .or_else(|| ('a'..='z').chain('0'..='9').find(|&c| admitted(c)))
                .unwrap_or(first);
            out.typical.push(typical);
            out.plain.push(plain);
        }
        HirKind::Repetition(r) => {
            let times = match r.max {
                Some(_) => r.min,
                None => r.min.max(EXAMPLE_UNBOUNDED),
            };
            for _ in 0..times {
                write_example(&r.sub, way, seed, out);
            }
        }
        HirKind::Capture(c) => write_example(&c.sub, way, seed, out),
        HirKind::Concat(parts) => {
            for part in parts {
                write_example(part, way, seed, out);
            }
        }
        HirKind::Alternation(parts) => write_example(&parts[way % parts.len()], way, seed, out),
    }
}

/// The first of `values` CloudFormation's `AllowedPattern` admits, or `Some(None)`: each whole
/// value matched as Java's regex dialect matches it, lookarounds, atomic groups, possessive
/// quantifiers and backreferences included; the pattern is compiled once. `None` when the
/// pattern cannot be read (or is empty, which bounds nothing).
pub(crate) fn allowed_pattern_admits<'v>(
    pattern: &str,
    values: &[&'v str],
) -> Option<Option<&'v str>> {
    if pattern.is_empty() {
        return None;
    }
    let spelled = java_spelling(pattern);
    // In comments mode a `#` comments out the rest of its line, the anchors added after the
    // pattern too: they go on a line of their own, a newline that mode ignores.
    let end = if verbose_at_end(&spelled) { "\n" } else { "" };
    let re = fancy_regex::Regex::new(&format!("^(?:{spelled}{end})$")).ok()?;
    for value in values {
        if re.is_match(value).ok()? {
            return Some(Some(value));
        }
    }
    Some(None)
}

/// Whether comments mode (`(?x)`, Java's `COMMENTS`) is on where `pattern` ends: an inline
/// flag group (`(?x)`, `(?i-x)`) sets it for the rest of the group it stands in, a flagged
/// group (`(?x:…)`) inside that group only.
fn verbose_at_end(pattern: &str) -> bool {
    // The mode in each open group, the whole pattern's first.
    let mut groups = vec![false];
    let mut class = 0usize;
    let mut comment = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let verbose = groups.last().copied().unwrap_or(false);
        match c {
            '\n' if comment => comment = false,
            _ if comment => {}
            '\\' => {
                chars.next();
            }
            '[' => class += 1,
            ']' if class > 0 => class -= 1,
            _ if class > 0 => {}
            '#' if verbose => comment = true,
            '(' if chars.peek() == Some(&'?') => {
                let flags: String = chars
                    .clone()
                    .skip(1)
                    .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
                    .collect();
                let (on, off) = flags.split_once('-').unwrap_or((&flags, ""));
                let mode = if off.contains('x') {
                    false
                } else {
                    verbose || on.contains('x')
                };
                match chars.clone().nth(1 + flags.len()) {
                    Some(')') => {
                        if let Some(top) = groups.last_mut() {
                            *top = mode;
                        }
                        chars.nth(1 + flags.len());
                    }
                    Some(':') => {
                        groups.push(mode);
                        chars.nth(1 + flags.len());
                    }
                    _ => groups.push(verbose),
                }
            }
            '(' => groups.push(verbose),
            ')' if groups.len() > 1 => {
                groups.pop();
            }
            _ => {}
        }
    }
    groups.last().copied().unwrap_or(false)
}

/// Java's POSIX classes (`\p{XDigit}`, `\P{Alpha}`: ASCII in Java's default mode) and
/// quotations (`\Q…\E`) as the Rust regex syntax spells them; the rest is left as written.
fn java_spelling(pattern: &str) -> String {
    const POSIX: [(&str, &str); 13] = [
        ("Lower", "lower"),
        ("Upper", "upper"),
        ("ASCII", "ascii"),
        ("Alpha", "alpha"),
        ("Digit", "digit"),
        ("Alnum", "alnum"),
        ("Punct", "punct"),
        ("Graph", "graph"),
        ("Print", "print"),
        ("Blank", "blank"),
        ("Cntrl", "cntrl"),
        ("XDigit", "xdigit"),
        ("Space", "space"),
    ];
    let mut out = String::new();
    let mut rest = pattern;
    let mut class = false;
    while let Some(c) = rest.chars().next() {
        if let Some(quoted) = rest.strip_prefix("\\Q") {
            let (text, after) = quoted.split_once("\\E").unwrap_or((quoted, ""));
            out.push_str(&regex_syntax::escape(text));
            rest = after;
            continue;
        }
        let posix = ["\\p{", "\\P{"].iter().find_map(|open| {
            let name = rest.strip_prefix(open)?.split('}').next()?;
            let (_, rust) = POSIX.iter().find(|(java, _)| *java == name)?;
            let negated = if open.starts_with("\\P") { "^" } else { "" };
            Some((open.len() + name.len() + 1, format!("[:{negated}{rust}:]")))
        });
        if let Some((len, spelled)) = posix {
            if class {
                out.push_str(&spelled);
            } else {
                out.push_str(&format!("[{spelled}]"));
            }
            rest = &rest[len..];
            continue;
        }
        match c {
            '\\' => {
                let mut two = rest.chars().take(2);
                out.extend(two.by_ref());
                rest = &rest[rest.chars().take(2).map(char::len_utf8).sum::<usize>()..];
                continue;
            }
            '[' if !class => class = true,
            ']' if class => class = false,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `pattern` with the Java regex constructs the Rust parser lacks read as wider ones:
/// CloudFormation reads `AllowedPattern` as a Java regex, and lookarounds (`(?!.*\*)`) only
/// narrow what matches, so they are dropped; atomic groups `(?>…)` and possessive quantifiers
/// (`a*+`) become ordinary ones and a backreference any text. The result admits at least what
/// the pattern does, so judging it is never kinder than CloudFormation.
fn java_superset(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // The index after the group opening at `start`, its parentheses balanced.
    let group_end = |start: usize| {
        let (mut depth, mut j, mut class) = (0usize, start, false);
        while j < chars.len() {
            match chars[j] {
                '\\' => j += 1,
                '[' if !class => class = true,
                ']' if class => class = false,
                '(' if !class => depth += 1,
                ')' if !class => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        chars.len()
    };
    let mut class = false;
    // Whether the last thing written is a quantifier, after which `+` makes it possessive.
    let mut quantified = false;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        let was_quantified = std::mem::replace(&mut quantified, false);
        match c {
            '\\' => {
                let next = chars.get(i + 1).copied();
                if !class && next.is_some_and(|n| n.is_ascii_digit() && n != '0') {
                    out.push_str("(?s:.*)");
                } else {
                    out.push(c);
                    out.extend(next);
                }
                i += 2;
                continue;
            }
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class
                && ["(?=", "(?!", "(?<=", "(?<!"]
                    .iter()
                    .any(|p| rest.starts_with(p)) =>
            {
                i = group_end(i);
                continue;
            }
            '(' if !class && rest.starts_with("(?>") => {
                out.push_str("(?:");
                i += 3;
                continue;
            }
            '(' if !class && rest.starts_with("(?") => {
                // A group's flags or kind, not a quantifier.
                out.push_str("(?");
                i += 2;
                continue;
            }
            '+' if !class && was_quantified => {
                i += 1;
                continue;
            }
            '*' | '+' | '?' | '}' if !class => quantified = true,
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether any string the expression matches can contain `c`.
fn admits(hir: &Hir, c: char) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => String::from_utf8_lossy(&l.0).contains(c),
        HirKind::Class(Class::Unicode(class)) => {
            class.iter().any(|r| r.start() <= c && c <= r.end())
        }
        HirKind::Class(Class::Bytes(class)) => {
            let b = c as u32;
            class
                .iter()
                .any(|r| u32::from(r.start()) <= b && b <= u32::from(r.end()))
        }
        HirKind::Repetition(r) => r.max != Some(0) && admits(&r.sub, c),
        HirKind::Capture(cap) => admits(&cap.sub, c),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(|h| admits(h, c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builders::Environment;
    use crate::model::{LogicalId, Output, Parameter, StackName, Template};
    use proptest::prelude::*;

    fn stack(name: &str, region: &str, parameters: Vec<Parameter>, outputs: Vec<Output>) -> Stack {
        Stack {
            name: StackName::new(name).expect("valid"),
            environment: Environment::new("prod", region).expect("valid"),
            source: file!(),
            template: Template {
                description: String::new(),
                parameters,
                resources: Vec::new(),
                outputs,
                tags: Vec::new(),
            },
            models: None,
            smoke_test: None,
        }
    }

    fn param(name: &str, pattern: &str) -> Parameter {
        Parameter {
            id: LogicalId::new(name).expect("valid"),
            description: String::new(),
            allowed_pattern: pattern.into(),
            constraint_description: String::new(),
            kind: crate::model::ParameterKind::String,
            default: None,
        }
    }

    /// RFC 4648 Base64, decoded bit by bit: the oracle of `Fn::Base64`.
    fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bits: Vec<bool> = text
            .trim_end_matches('=')
            .chars()
            .filter_map(|c| ALPHABET.find(c))
            .flat_map(|v| (0..6).rev().map(move |i| v >> i & 1 == 1))
            .collect();
        bits.chunks_exact(8)
            .map(|b| b.iter().fold(0u8, |acc, &bit| acc << 1 | u8::from(bit)))
            .collect()
    }

    /// A text fragment without `$`, `{` or `}`, so it is literal in every intrinsic.
    fn plain() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9:/_.*?=-]{0,12}"
    }

    proptest! {
        /// A raw resource's attribute named like one of its properties resolves, directly or
        /// through `Fn::Sub`, to what the property holds; an attribute it does not set stays
        /// the resource's own unknown.
        #[test]
        fn a_raw_attribute_named_like_a_property_is_that_property(
            type_name in "AWS::[A-Z][a-z]{2,8}::[A-Z][a-zA-Z]{2,10}",
            properties in proptest::collection::btree_map("[A-Z][a-zA-Z]{2,12}", plain(), 1..5),
            other in "[A-Z][a-zA-Z]{2,12}",
            pick in any::<proptest::sample::Index>(),
            through_sub in any::<bool>(),
        ) {
            let mut s = stack("a-prod-service", "us-west-2", vec![], vec![]);
            let raw = crate::model::raw::Raw::new(&type_name, serde_json::json!(properties))
                .expect("a raw resource");
            s.template.resources.push(crate::model::Resource::new(
                LogicalId::new("Thing").expect("valid"),
                crate::model::Properties::Raw(raw),
            ));
            let scope = Scope::new(&s, None);
            let attribute = |name: &str| {
                if through_sub {
                    Expr::Sub(format!("${{Thing.{name}}}"))
                } else {
                    Expr::GetAtt("Thing".into(), name.into())
                }
            };
            let entries: Vec<(&String, &String)> = properties.iter().collect();
            let (name, value) = *pick.get(&entries);
            let set = scope.resolve(&attribute(name));
            prop_assert_eq!(set.known(), Some(value.as_str()));
            if !properties.contains_key(&other) {
                let unset = scope.resolve(&attribute(&other));
                prop_assert_eq!(unset.known(), None);
            }
        }
    }

    proptest! {
        /// However literal text is split across `Fn::Sub` variables and `Fn::Join` parts,
        /// the resolved value is the text itself.
        #[test]
        fn literal_text_split_across_intrinsics_resolves_to_itself(
            pieces in proptest::collection::vec(plain(), 1..6),
            delimiter in plain(),
            as_join in any::<bool>(),
        ) {
            let s = stack("a-prod-service", "us-west-2", vec![], vec![]);
            let scope = Scope::new(&s, None);
            let (expr, expected) = if as_join {
                (
                    Expr::Join(delimiter.clone(), pieces.iter().cloned().map(Expr::Literal).collect()),
                    pieces.join(&delimiter),
                )
            } else {
                let template: String = (0..pieces.len()).map(|i| format!("${{V{i}}}")).collect();
                let vars = pieces
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("V{i}"), Expr::Literal(p.clone())))
                    .collect();
                (Expr::SubWith(template, vars), pieces.concat())
            };
            let resolved = scope.resolve(&expr);
            prop_assert_eq!(resolved.known(), Some(expected.as_str()));
            prop_assert_eq!(resolved.may_wildcard(), expected.contains(['*', '?']));
        }

        /// `Fn::Select` of `Fn::Split`, `Fn::Join` of `Fn::Split` and `Fn::Base64` of text the
        /// definition decides are what CloudFormation computes (its documented semantics, with
        /// `str::split` and an independent Base64 decoder as the oracle); over text it does not
        /// decide, the selection is judged as the whole text (which holds whatever an item
        /// holds), and an Availability Zone is AWS's name, never a wildcard.
        #[test]
        fn computed_lists_resolve_as_cloudformation_computes_them(
            pieces in proptest::collection::vec(plain(), 1..6),
            delimiter in "[,|/;:-]{1,2}",
            rejoin in plain(),
            index in 0usize..8,
            tail in prop::sample::select(vec![None, Some("P"), Some("AWS::AccountId")]),
        ) {
            let s = stack("a-prod-service", "us-west-2", vec![param("P", "")], vec![]);
            let scope = Scope::new(&s, None);
            let text = pieces.join(&delimiter);
            let source = match tail {
                Some(name) => Expr::Join(String::new(), vec![Expr::Literal(text.clone()), Expr::Ref(name.into())]),
                None => Expr::Literal(text.clone()),
            };
            let split = Expr::Split(delimiter.clone(), Box::new(source.clone()));
            let selected = scope.resolve(&Expr::Select(index, Box::new(split.clone())));
            let joined = scope.resolve(&Expr::Join(rejoin.clone(), vec![split]));
            let encoded = scope.resolve(&Expr::Base64(Box::new(source.clone())));
            let items: Vec<&str> = text.split(delimiter.as_str()).collect();
            // The account ID (digits) never holds these delimiters; an input may.
            let expected = match (tail, items.get(index)) {
                (Some("P"), _) | (_, None) => scope.resolve(&source).with_unknowns_as("…"),
                (Some(_), Some(item)) if index + 1 == items.len() => format!("{item}…"),
                (_, Some(item)) => (*item).to_owned(),
            };
            prop_assert_eq!(selected.with_unknowns_as("…"), expected);
            let mut rejoined = items.join(&rejoin);
            if tail.is_some() {
                rejoined.push('…');
                prop_assert!(encoded.known().is_none() && !encoded.may_wildcard());
                let origin = if tail == Some("P") { Origin::Input } else { Origin::Account };
                prop_assert_eq!(encoded.unknowns().next().map(|u| u.origin), Some(origin));
            } else {
                prop_assert_eq!(decode(encoded.known().unwrap_or_default()), text.as_bytes());
            }
            prop_assert_eq!(joined.with_unknowns_as("…"), rejoined);
            let zone = scope.resolve(&Expr::Select(index, Box::new(Expr::GetAZs(Box::new(Expr::literal(""))))));
            prop_assert!(zone.known().is_none() && !zone.may_wildcard());
            prop_assert!(zone.unknowns().all(|u| u.origin == Origin::ThisStack));
        }

        /// An SSM reference whose name an input continues is, at its worst, SSM's path to a
        /// Secrets Manager secret: exactly when the text before the input is a prefix of that
        /// path (read from its first `/`, as an ARN's) and the input may hold a `/`.
        #[test]
        fn an_ssm_name_an_input_continues_is_judged_at_its_worst(
            cut in 0usize..=SECRETS_MANAGER_PATH.len(),
            other in prop::sample::select(vec!["/app/", "/aws/reference/ssm/", "config-", "/aws/service/"]),
            arn in any::<bool>(),
            slash in any::<bool>(),
        ) {
            let class = if slash { "[a-z/-]" } else { "[a-z-]" };
            let s = stack("a-prod-service", "us-west-2", vec![param("P", &format!("^{class}{{1,40}}$"))], vec![]);
            let scope = Scope::new(&s, None);
            let arn_prefix = if arn { "arn:aws:ssm:us-west-2:123456789012:parameter" } else { "" };
            for (prefix, inside) in [(&SECRETS_MANAGER_PATH[..cut], true), (other, false)] {
                let r = scope.resolve(&Expr::sub(format!("{{{{resolve:ssm:{arn_prefix}{prefix}${{P}}}}}}")));
                let refs = r.dynamic_references();
                prop_assert_eq!(refs.len(), 1);
                let secret = refs[0].reference.trim_start_matches(|c| c != '/').starts_with(SECRETS_MANAGER_PATH);
                let named = inside && prefix == SECRETS_MANAGER_PATH;
                let expected = named || (slash && SECRETS_MANAGER_PATH.starts_with(prefix.trim_start_matches(|c| c != '/')));
                prop_assert_eq!(secret, expected, "{}{} slash={}", arn_prefix, prefix, slash);
            }
        }

        /// A parameter may carry a wildcard exactly when its pattern admits one.
        #[test]
        fn a_parameter_may_wildcard_when_its_pattern_admits_star_or_question_mark(
            chars in proptest::sample::subsequence(vec!['a', 'z', '0', '9', '-', '_', '*', '?', '.'], 1..9),
            escaped in any::<bool>(),
        ) {
            let class: String = chars
                .iter()
                .map(|c| match c {
                    // `-` is a range inside a class; other punctuation may be escaped or not.
                    '-' => "\\-".to_owned(),
                    c if escaped && !c.is_ascii_alphanumeric() => format!("\\{c}"),
                    c => c.to_string(),
                })
                .collect();
            let pattern = format!("^[{class}]{{1,20}}$");
            let s = stack("a-prod-service", "us-west-2", vec![param("P", &pattern)], vec![]);
            let r = Scope::new(&s, None).resolve(&Expr::sub("arn:aws:s3:::b/${P}"));
            prop_assert_eq!(r.may_wildcard(), chars.contains(&'*') || chars.contains(&'?'));
            prop_assert_eq!(r.max_len_by(str::len, usize::MAX), "arn:aws:s3:::b/".len() + 20);
        }
    }

    proptest! {
        /// A pattern in Java's regex dialect, as CloudFormation reads it, is judged by what
        /// it admits at most: a lookaround, an atomic group or a possessive quantifier around a
        /// class admits a wildcard exactly when the class alone does.
        #[test]
        fn java_only_constructs_are_judged_at_their_widest(
            chars in proptest::sample::subsequence(vec!['a', 'z', '0', '9', '_', '*', '?', '.'], 1..8),
            form in 0..5usize,
        ) {
            let class: String = chars
                .iter()
                .map(|c| if c.is_ascii_alphanumeric() || *c == '_' { c.to_string() } else { format!("\\{c}") })
                .collect();
            let plain = format!("^[{class}]{{1,20}}$");
            let java = match form {
                0 => format!("^(?!.*[*?])[{class}]{{1,20}}$"),
                1 => format!("^(?=[a-z])[{class}]{{1,20}}(?<!-)$"),
                2 => format!("^(?>[{class}]{{1,20}})$"),
                3 => format!("^[{class}]{{1,20}}+$"),
                _ => format!("^([{class}])\\1{{0,0}}[{class}]{{1,19}}$"),
            };
            let s = stack("a-prod-service", "us-west-2", vec![param("P", &plain), param("J", &java)], vec![]);
            let scope = Scope::new(&s, None);
            let plain_wild = scope.resolve(&Expr::sub("${P}")).may_wildcard();
            let java_wild = scope.resolve(&Expr::sub("${J}")).may_wildcard();
            prop_assert_eq!(plain_wild, chars.contains(&'*') || chars.contains(&'?'));
            prop_assert_eq!(java_wild, plain_wild, "{}", java);
        }

        /// What nothing bounds is judged at its worst: a parameter with an empty pattern may
        /// hold anything, and an import of an export no stack here makes, nested in any
        /// intrinsic, counts as long as a parameter can be.
        #[test]
        fn unbounded_inputs_count_at_their_worst(
            prefix in plain(),
            export in "[a-z]{3,10}-[A-Z][a-z]{3,10}",
            as_join in any::<bool>(),
        ) {
            let s = stack("a-prod-service", "us-west-2", vec![param("Free", "")], vec![]);
            let scope = Scope::new(&s, None);
            let free = scope.resolve(&Expr::sub(format!("{prefix}${{Free}}")));
            prop_assert!(free.may_wildcard());
            prop_assert_eq!(free.max_len_by(str::len, 0), prefix.len() + PARAMETER_MAX_LEN);
            let import = Expr::ImportValue(Box::new(Expr::Literal(export)));
            let expr = if as_join {
                Expr::Join(String::new(), vec![Expr::Literal(prefix.clone()), import])
            } else {
                Expr::SubWith(format!("{prefix}${{I}}"), vec![("I".into(), import)])
            };
            prop_assert_eq!(scope.resolve(&expr).max_len_by(str::len, 0), prefix.len() + PARAMETER_MAX_LEN);
        }

        /// Every dynamic reference in a text gives way to the stand-in, whatever surrounds it.
        #[test]
        fn dynamic_references_give_way_to_a_stand_in(
            pieces in proptest::collection::vec(("[a-z:/ =@]{0,8}", "[a-z/-]{1,12}"), 1..4),
            tail in "[a-z:/ =@]{0,8}",
        ) {
            let mut text = String::new();
            let mut expected = String::new();
            for (before, name) in &pieces {
                text.push_str(&format!("{before}{{{{resolve:ssm:{name}}}}}"));
                expected.push_str(&format!("{before}#"));
            }
            text.push_str(&tail);
            expected.push_str(&tail);
            prop_assert_eq!(without_dynamic_references(&text, '#'), expected);
        }
    }

    #[test]
    fn java_constructs_widen_and_the_rest_stays() {
        for (java, widened) in [
            (r"^\*+$", r"^\*+$"),
            (r"^a*+b?+c{1,3}+$", "^a*b?c{1,3}$"),
            (r"^(?!.*[*?(])[a-z]++$", "^[a-z]+$"),
            (r"^(?<=x)(?>ab|c)(?i:d)[+(]+$", "^(?:ab|c)(?i:d)[+(]+$"),
            (r"^(a)\1$", "^(a)(?s:.*)$"),
        ] {
            assert_eq!(java_superset(java), widened, "{java}");
        }
    }

    #[test]
    fn pseudo_parameters_take_the_stacks_region_and_name() {
        let s = stack("a-cn-service", "cn-north-1", vec![], vec![]);
        let r = Scope::new(&s, None).resolve(&Expr::sub(
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}.${AWS::URLSuffix}",
        ));
        assert_eq!(
            r.with_unknowns_as("<account>"),
            "arn:aws-cn:logs:cn-north-1:<account>:a-cn-service.amazonaws.com.cn"
        );
        assert_eq!(r.unknowns().count(), 1);
        assert!(!r.may_wildcard());
    }

    #[test]
    fn imports_resolve_to_the_exporting_stack_of_the_same_region_only() {
        let export = |value: Expr| Output {
            id: LogicalId::new("Key").expect("valid"),
            description: String::new(),
            value,
            export: Some("shared-Key".into()),
        };
        let mut app = App::new();
        app.push(stack(
            "x-prod-registry",
            "eu-west-1",
            vec![],
            vec![export(Expr::literal("far"))],
        ));
        app.push(stack(
            "a-prod-registry",
            "us-west-2",
            vec![],
            vec![export(Expr::sub("near-${AWS::Region}"))],
        ));
        app.push(stack("a-prod-service", "us-west-2", vec![], vec![]));
        let consumer = &app.stacks()[2];
        let scope = Scope::new(consumer, Some(&app));
        let r = scope.resolve(&Expr::ImportValue(Box::new(Expr::Join(
            "-".into(),
            vec![Expr::literal("shared"), Expr::literal("Key")],
        ))));
        assert_eq!(r.known(), Some("near-us-west-2"));
        let missing = scope.resolve(&Expr::import("other-Key"));
        assert!(missing.known().is_none() && missing.may_wildcard());
    }

    #[test]
    fn dynamic_references_are_found_across_pieces_of_a_value() {
        let s = stack("a-prod-service", "us-west-2", vec![], vec![]);
        let scope = Scope::new(&s, None);
        for (open, close) in [("{{resolve:", "}}"), ("pre {{resolve:", "}} post")] {
            for service in ["secretsmanager", "ssm-secure"] {
                for middle in [
                    Expr::Ref("Secret".into()),
                    Expr::ImportValue(Box::new(Expr::literal("other-SecretArn"))),
                ] {
                    let joined = Expr::Join(
                        String::new(),
                        vec![
                            Expr::literal(format!("{open}{service}:")),
                            middle,
                            Expr::literal(format!(":SecretString:password{close}")),
                        ],
                    );
                    let refs = scope.resolve(&joined).dynamic_references();
                    assert_eq!(refs.len(), 1, "{joined:?}");
                    assert!(refs[0].is_secret());
                }
            }
        }
        // The service itself from an input: at its worst, a secret.
        let unknown_service = Expr::SubWith(
            "{{resolve:${S}:name}}".into(),
            vec![("S".into(), Expr::Ref("Svc".into()))],
        );
        assert!(scope.resolve(&unknown_service).dynamic_references()[0].is_secret());
        // A plain parameter reference around an input is not a secret.
        let ssm = Expr::Join(
            String::new(),
            vec![
                Expr::literal("{{resolve:ssm:"),
                Expr::Ref("Name".into()),
                Expr::literal("}}"),
            ],
        );
        assert!(!scope.resolve(&ssm).dynamic_references()[0].is_secret());
    }

    #[test]
    fn dynamic_references_are_found_inside_any_text() {
        let s = stack("a-prod-service", "us-west-2", vec![], vec![]);
        let r = Scope::new(&s, None).resolve(&Expr::SubWith(
            "postgres://app:${P}@db:5432/app".into(),
            vec![(
                "P".into(),
                Expr::literal("{{resolve:secretsmanager:db:SecretString:password}}"),
            )],
        ));
        let refs = r.dynamic_references();
        assert_eq!(refs.len(), 1);
        assert!(refs[0].is_secret());
        assert!(!dynamic_references("{{resolve:ssm:/app/url}}")[0].is_secret());
    }
}
