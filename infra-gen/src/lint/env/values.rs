//! Secrets by the shape of a value, whatever its name: key material (hex, base64, base64url
//! of secret length and entropy), dotted tokens (JWT), PEM private keys, credentials in URLs,
//! in `key=value` / `key: value` text (ODBC, ADO.NET, JDBC, Azure connection strings, query
//! strings, `.env`, INI, YAML, HTTP headers) and in JSON, HTTP `Authorization` schemes, and
//! gitleaks' vendor formats. What is public by design is not a secret: public keys and
//! certificates, JWKs without private members, publishable keys, digests named as such.

use super::super::secrets::entropy;
use super::names;

/// Where an unknown part of a value stands when it is an input (a parameter, another
/// stack's export): it can hold anything, a secret included.
pub(crate) const INPUT: char = '\u{FFFC}';
/// Where an unknown part stands when it is a resource's name, ID or ARN.
pub(crate) const REFERENCE: char = '\u{FFFD}';

/// Why `value` (under `name`, when it has one) holds a secret, if it does.
pub(crate) fn secret_value(value: &str, name: Option<&str>) -> Option<String> {
    // A URL-encoded value (`postgres%3A%2F%2Fapp%3Apw%40db`, a query parameter holding a
    // connection string or a digest) is the value it decodes to.
    if let Some(decoded) = percent_decoded(value) {
        return secret_value(&decoded, name).map(|why| format!("URL-encoded: {why}"));
    }
    if public_by_design(value) {
        return None;
    }
    let json = json_document(value);
    if let Some(rule) = super::super::secrets::matching_rule(&gitleaks_text(value))
        // A vendor's API key under a name that says it is the public one (`FIREBASE_API_KEY`,
        // `RECAPTCHA_SITE_KEY`): vendors issue those to browsers.
        && !((rule.ends_with("api-key") || rule.contains("browser"))
            && name.is_some_and(names::public_key_name))
    {
        return Some(format!("gitleaks rule {rule}"));
    }
    if let Some(why) = pem(value)
        .or_else(|| mnemonic(value))
        .or_else(|| bech32_secret(value))
        .or_else(|| uuid_token(value))
    {
        return Some(why);
    }
    if let Some(json) = json {
        // A map of digests under a digest's name (`ASSET_HASHES={"app.js":"<sha256>"}`).
        return json_secret(&json, name.is_some_and(names::digest_name));
    }
    // A password hash in crypt's format is what a server stores instead of the password:
    // its `$`, `:`, `=` and `.` make no field, account or token.
    let hashes_masked = without_crypt_hashes(value);
    let value = hashes_masked.as_ref();
    url_credentials(value, name)
        .or_else(|| bare_userinfo(value))
        .or_else(|| mail_account(value))
        .or_else(|| user_passwords(value, name))
        .or_else(|| oracle_thin(value))
        .or_else(|| cookie_session(value))
        .or_else(|| field(value))
        .or_else(|| element_or_option(value))
        .or_else(|| directive(value))
        .or_else(|| {
            // A table has a header line, then rows.
            value.contains('\n').then(|| table_column(value)).flatten()
        })
        .or_else(|| sql_password(value))
        .or_else(|| call_pair(value))
        .or_else(|| auth_scheme(value))
        .or_else(|| escaped_bytes(value))
        .or_else(|| plain_scheme(value))
        .or_else(|| {
            // A digest naming a file (`<hash>-openssl-3.0.13`) makes no dotted token either.
            let mut files_masked = hashes_masked.as_bytes().to_vec();
            // Nor does a version (`v1.4.2-17-g<commit>`).
            for (s, e) in content_addressed(&hashes_masked)
                .into_iter()
                .chain(versions(&hashes_masked))
            {
                files_masked[s..e].fill(b' ');
            }
            dotted(&String::from_utf8(files_masked).unwrap_or_default())
                .or_else(|| material(&hashes_masked, name))
        })
}

/// Why a command a Dockerfile instruction runs or fetches (its image's history keeps it) holds
/// a credential: a vendor's format (gitleaks), a PEM private key, or a secret in a
/// credential's place — a URL's password, a secret-named field (`_authToken=…`), a password
/// option, an HTTP auth scheme. Random-looking material alone is none here: in a command it
/// is a checksum, a digest or an ID far more often than a key.
pub(crate) fn credential_in_command(command: &str) -> Option<String> {
    // The JDK's truststore ships with the password `changeit`, which its documentation
    // gives: importing a CA certificate names it, and it protects nothing.
    let words: Vec<&str> = command.split(' ').collect();
    let jdk_default = |i: usize| {
        let pair = |a: usize, b: usize| {
            words.get(a).is_some_and(|w| w.ends_with("storepass"))
                && words
                    .get(b)
                    .is_some_and(|w| w.trim_matches(['"', '\'']) == "changeit")
        };
        pair(i, i + 1) || i.checked_sub(1).is_some_and(|p| pair(p, i))
    };
    let kept: Vec<&str> = (0..words.len())
        .filter(|&i| !jdk_default(i))
        .map(|i| words[i])
        .collect();
    let command = &kept.join(" ");
    if let Some(rule) = super::super::secrets::matching_rule(&gitleaks_text(command)) {
        return Some(format!("gitleaks rule {rule}"));
    }
    pem(command)
        .or_else(|| url_credentials(command, None))
        .or_else(|| bare_userinfo(command))
        .or_else(|| field(command))
        .or_else(|| element_or_option(command))
        .or_else(|| auth_scheme(command))
        .or_else(|| config_setting(command))
        .or_else(|| sql_password(command))
}

/// A secret-named setting a configuration command writes with its value as the next word:
/// `git config user.password …`, `npm config set //registry/:_authToken …`, `aws configure
/// set aws_secret_access_key …`.
fn config_setting(command: &str) -> Option<String> {
    let words: Vec<&str> = command
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']))
        .collect();
    words.iter().enumerate().find_map(|(at, verb)| {
        if !matches!(*verb, "config" | "configure") {
            return None;
        }
        let mut rest = words[at + 1..]
            .iter()
            .filter(|w| !w.starts_with('-') && **w != "set");
        let (key, value) = (rest.next()?, rest.next()?);
        (names::secret_name(key) && !plainly_not_secret(value, Some(key)))
            .then(|| format!("the value a configuration command sets for {key}"))
    })
}

/// `value` with its `%XX` escapes decoded, when it has any and decodes to UTF-8.
fn percent_decoded(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut decoded = false;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                decoded = true;
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    decoded.then(|| String::from_utf8(out).ok()).flatten()
}

/// Whether a value under a secret's name is plainly something else: empty, a number, a
/// flag, a duration, an ARN, a path or a secret's name, a URL without credentials, or a
/// resource's reference. A dynamic reference (`{{resolve:ssm:…}}`) is not: CloudFormation
/// writes the value it names in its place.
pub(crate) fn plainly_not_secret(value: &str, name: Option<&str>) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    let without_refs: String = v.chars().filter(|c| *c != REFERENCE).collect();
    if v.contains(INPUT) {
        return false;
    }
    if without_refs
        .chars()
        .all(|c| c.is_ascii_punctuation() || c.is_whitespace())
        || public_by_design(v)
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let flag = [
        "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null", "nil",
        "required", "optional",
    ]
    .contains(&lower.as_str());
    let url = v.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-:".contains(&b))
    }) && !name.is_some_and(names::capability_url_name);
    let fingerprint = name.is_some_and(names::pgp_name) && pgp_fingerprint(v);
    // Digits under a password's name are the password (a PIN, a numeric passphrase, a date).
    let password_name = name.is_some_and(names::password_name);
    let password_digits = v.bytes().all(|b| b.is_ascii_digit()) && password_name;
    // Keys, cookies, signatures are generated material, never words: a word under such a
    // name (`THEME_KEY=forest`, `AUTH=iam`, `HMAC=sha256`, `SESSION_COOKIE=__Host-sid`) names
    // something. A secret's or a password's may be a weak one.
    let key_word = name.is_some_and(names::generated_name)
        && (algorithm(v)
            || v.split(['-', '_', '.']).filter(|w| !w.is_empty()).all(|w| {
                (3..=16).contains(&w.len())
                    && w.bytes().all(|b| b.is_ascii_alphabetic())
                    && word_like(w)
            }));
    // A list of secrets' names (`password,api_key`, `["token", "secret"]`): what a log
    // redacts or a form masks.
    let items: Vec<&str> = v
        .split(|c: char| c == ',' || c.is_whitespace() || "[]()\"'".contains(c))
        .filter(|i| !i.is_empty())
        .collect();
    let names_list = items.len() >= 2 && items.iter().all(|i| names::secret_name(i));
    flag || placeholder(v)
        || cookie_template(v)
        || (header_name(v) && !password_name)
        || names_list
        || key_word
        || (date_time(v) && !password_name)
        || crypt_hash(v).is_some_and(|end| end == v.len())
        || url
        || fingerprint
        || (number_or_duration(v) && !password_digits)
        || v.starts_with("arn:")
        || (urn(v) && !password_name)
        || path(v)
        || command_line(v)
        || (name.is_some_and(names::unkeyed_salt_name) && label(v))
}

/// The value of a cookie as a `Set-Cookie` header writes it (`sid=…; Path=/; Secure`, the
/// header's name before it or not): RFC 6265's attributes (and `SameSite`, `Partitioned`) tell
/// it from other `name=value` text.
fn cookie(v: &str) -> Option<(&str, &str)> {
    const ATTRIBUTES: &[&str] = &[
        "path",
        "domain",
        "max-age",
        "expires",
        "secure",
        "httponly",
        "samesite",
        "partitioned",
        "priority",
    ];
    if !v.contains(';') {
        return None;
    }
    let body = ["set-cookie:", "cookie:"]
        .iter()
        .find_map(|h| {
            v.get(..h.len())
                .filter(|p| p.eq_ignore_ascii_case(h))
                .map(|_| &v[h.len()..])
        })
        .unwrap_or(v);
    let mut parts = body.split(';').map(str::trim);
    let (name, value) = parts.next()?.split_once('=')?;
    let cookie_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b));
    let attributes = parts.all(|a| {
        let attribute = a.split_once('=').map_or(a, |(k, _)| k).trim();
        ATTRIBUTES.iter().any(|x| x.eq_ignore_ascii_case(attribute))
    });
    (cookie_name && attributes).then(|| (name, value.trim_matches('"')))
}

/// A cookie set from a template (its value empty or a placeholder): how a session is set, not
/// a session.
fn cookie_template(v: &str) -> bool {
    cookie(v).is_some_and(|(_, value)| value.is_empty() || placeholder(value))
}

/// A cookie whose value is key material: a session, whatever the cookie's name (`sid`,
/// `connect.sid`, which elsewhere may name an identifier). A digest named by its algorithm is
/// none: `Public-Key-Pins` writes `pin-sha256="…"; max-age=…` in a cookie's grammar.
fn cookie_session(v: &str) -> Option<String> {
    let (name, value) = cookie(v)?;
    if base64_digest(&format!("{name}="), value, None) {
        return None;
    }
    material(value, None).map(|why| format!("a cookie's value: {why}"))
}

/// A label of words and short numbers (`checkout-v2-2026`, `pricing_test:2026q1`): what a
/// person names a thing by, not generated material.
fn label(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['-', '_', '.', ':', '/', ' ']).collect();
    let word = |p: &str| p.len() >= 3 && p.bytes().all(|b| b.is_ascii_alphabetic()) && word_like(p);
    let short = |p: &str| {
        p.bytes().all(|b| b.is_ascii_alphanumeric())
            && (p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 8
                || p.len() <= 6 && p.bytes().filter(u8::is_ascii_alphabetic).count() <= 2)
    };
    parts.len() <= 8
        && parts.iter().any(|p| word(p))
        && parts.iter().all(|p| !p.is_empty() && (word(p) || short(p)))
}

/// A command line (`aws secretsmanager get-secret-value --secret-id …`, `openssl rsa -passin
/// file:…`, `op read op://…`): a program's name or path, then arguments with an option, a
/// path or a URL among them — an option named by letters, digits, `.`, `_` and `-` (`--secret-id`,
/// `-passin`, `-Dkey=…`), a path of two segments or more (`/run/secrets/db`): a passphrase's
/// words may start with `-` or `/` too (`tulip8 /Orbit-42 quill`, `rosebud -Kx92!q`), but not
/// in those shapes. Under a
/// secret's name it is how the secret is fetched or used, not the secret; a credential in it
/// is found by its place (a password option, `pass:…`, a URL's password).
fn command_line(v: &str) -> bool {
    let mut words = v.split_whitespace();
    let program = words.next().unwrap_or_default();
    let program_name = program.rsplit('/').next().unwrap_or_default();
    let named = (2..=32).contains(&program_name.len())
        && program_name.starts_with(|c: char| c.is_ascii_lowercase())
        && program_name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._+-".contains(&b))
        && (program == program_name || program.starts_with('/'));
    let args: Vec<&str> = words.collect();
    // An option, or what a command names: an absolute path, a URL (`op read op://…`).
    let option = |a: &str| {
        a.strip_prefix('-')
            .map(|o| o.trim_start_matches('-'))
            .map(|o| o.split_once('=').map_or(o, |(name, _)| name))
            .is_some_and(|o| {
                o.starts_with(|c: char| c.is_ascii_alphabetic())
                    && o.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            })
    };
    let path = |a: &str| {
        a.strip_prefix('/')
            .is_some_and(|p| p.split('/').filter(|s| !s.is_empty()).count() >= 2)
    };
    named
        && !args.is_empty()
        && args
            .iter()
            .any(|a| option(a) || path(a) || a.contains("://"))
}

/// An HTTP header's name as written in Train-Case (`X-Hub-Signature-256`, `Stripe-Signature`,
/// `X-Shopify-Hmac-Sha256`): capitalised words and numbers joined by `-`, which names where a
/// credential travels, not the credential.
fn header_name(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    let word = |p: &str| {
        let letters = p.trim_end_matches(|c: char| c.is_ascii_digit());
        letters.len() >= 3
            && letters.as_bytes()[0].is_ascii_uppercase()
            && letters.bytes().skip(1).all(|b| b.is_ascii_lowercase())
    };
    parts.len() >= 2
        && parts.iter().filter(|p| word(p)).count() >= 2 - usize::from(parts[0] == "X")
        && parts.iter().enumerate().all(|(k, p)| {
            word(p) || k == 0 && *p == "X" || !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A Uniform Resource Name (RFC 8141: `urn:<NID>:<NSS>`), which names a thing: an OAuth
/// grant or token type, a SAML audience (`urn:amazon:webservices`), a namespace. Under a
/// password's name it may be the password.
fn urn(v: &str) -> bool {
    let Some((nid, nss)) = v
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("urn:"))
        .and_then(|_| v[4..].split_once(':'))
    else {
        return false;
    };
    (2..=32).contains(&nid.len())
        && nid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && nid.as_bytes()[0].is_ascii_alphanumeric()
        && !nss.is_empty()
        && !nss.contains(char::is_whitespace)
}

/// A template's placeholder, filled in later (`{token}`, `{{token}}`, `${TOKEN}`, `$TOKEN`, `%s`,
/// `%(token)s`, `${{ secrets.TOKEN }}`, `{{ .Values.token }}`, a shell's `$(command)`); a value
/// cut at its closing brace (`{token`) too. Single braces also quote an
/// ODBC value (`Pwd={Winter2024x}`), so there a placeholder is a name without digits or a
/// position (`{0}`).
fn placeholder(v: &str) -> bool {
    // Prose in angle brackets (`<set in Secrets Manager>`, `<your-api-key>`), not a tag.
    let angled = v
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner.len() <= 64
                && !inner.contains(['<', '>'])
                && !inner.ends_with('/')
                && inner.contains(|c: char| c.is_ascii_alphabetic())
        });
    // A conventional stand-in, in one case (`REPLACE_ME`, `your-api-key-here`, `TODO`):
    // what a person writes to be replaced. A glued word (`changeme`) may be a default
    // password that works.
    let words: Vec<&str> = v.split(['_', '-', ' ']).filter(|w| !w.is_empty()).collect();
    let one_case =
        v.bytes().all(|b| !b.is_ascii_lowercase()) || v.bytes().all(|b| !b.is_ascii_uppercase());
    let stand_in = one_case
        && words.len() <= 6
        && words
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_alphabetic()))
        && {
            let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
            let has = |w: &str| lower.iter().any(|l| l == w);
            has("todo")
                || has("tbd")
                || has("fixme")
                || has("placeholder")
                || has("redacted")
                || (has("replace") && lower.len() >= 2)
                || (has("change") && has("me"))
                || (has("fill") && lower.len() >= 2)
                || (has("your") && lower.len() >= 2)
        };
    if angled || stand_in {
        return true;
    }
    // What deploy and build tools replace: ERB's and EJS's `<%= expr %>`, Octopus' and Azure
    // DevOps' `#{Name}` (replacetokens' `#{Name}#`), `__NAME__`, Maven's and autoconf's
    // `@name@` (`@@name@@`), Windows' `%NAME%`. Inside `#{…}` any identifier; the others,
    // whose marks a password may hold, an identifier in one case or with separators.
    if let Some(inner) = v.strip_prefix("<%").and_then(|r| r.strip_suffix("%>")) {
        return !inner.trim_start_matches(['=', '-']).trim().is_empty();
    }
    let between = |open: &str, close: &str| v.strip_prefix(open)?.strip_suffix(close);
    let identifier = |inner: &str| {
        (1..=64).contains(&inner.len())
            && inner.starts_with(|c: char| c.is_ascii_alphabetic())
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    };
    if let Some(inner) = between("#{", "}#").or_else(|| between("#{", "}")) {
        return identifier(inner);
    }
    if let Some(inner) = between("__", "__")
        .or_else(|| between("@@", "@@"))
        .or_else(|| between("@", "@"))
        .or_else(|| between("%", "%"))
    {
        let one_case = !inner.bytes().any(|b| b.is_ascii_lowercase())
            || !inner.bytes().any(|b| b.is_ascii_uppercase());
        return identifier(inner)
            && !inner.ends_with('_')
            && (one_case || inner.contains(['_', '.', '-']));
    }
    // A shell's command substitution (`$(cat /run/secrets/token)`, `` `cat …` ``): what the
    // command prints when the shell runs it, which the text does not hold.
    if let Some(rest) = v.strip_prefix("$(").or_else(|| v.strip_prefix('`')) {
        return rest.starts_with(|c: char| c.is_ascii_alphabetic());
    }
    let (inner, single_brace) = if let Some(rest) = v.strip_prefix("%(") {
        (rest.strip_suffix(")s").unwrap_or(rest), false)
    } else if let Some(rest) = v.strip_prefix('%') {
        return rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_alphabetic());
    } else if let Some(rest) = ["${", "{{"].iter().find_map(|p| v.strip_prefix(p)) {
        // A template language's expression, spaced and dotted: GitHub Actions'
        // `${{ secrets.TOKEN }}`, Helm's `{{ .Values.token }}`, Jinja's `{{ token }}`.
        let expression = rest.trim_start_matches('{').trim_end_matches('}').trim();
        (expression.trim_start_matches('.'), false)
    } else if let Some(rest) = v.strip_prefix('{') {
        (rest.trim_end_matches('}'), true)
    } else if let Some(rest) = v.strip_prefix('$') {
        // A shell or GraphQL variable (`$DB_PASSWORD`, `$p`): an identifier.
        return rest
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && rest.len() <= 64
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    } else {
        return false;
    };
    let named = inner
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && (!single_brace
            || inner.bytes().all(|b| b.is_ascii_digit())
            || !inner.bytes().any(|b| b.is_ascii_digit()));
    // A template language's dotted path may be long (`secrets.<SCOPE>.<NAME>.<KEY>`); a
    // single-braced or `%(…)s` name is short.
    let longest = if v.starts_with("${{") || v.starts_with("{{") {
        256
    } else {
        64
    };
    !inner.is_empty() && inner.len() <= longest && named
}

/// OpenPGP fingerprints (40 hex digits, or grouped in fours) or long key IDs (16), one or a
/// whitespace-separated list of them.
fn pgp_fingerprint(v: &str) -> bool {
    let id = |s: &str| (s.len() == 40 || s.len() == 16) && s.bytes().all(|b| b.is_ascii_hexdigit());
    let joined: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    id(&joined) || (!v.trim().is_empty() && v.split_whitespace().all(id))
}

/// `8080`, `-1`, `0.5`, `30s`, `15min`, `1h`, `512MB`, `PT15M`, `P1D`.
fn number_or_duration(v: &str) -> bool {
    let digits_end = v
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && "+-".contains(*c))))
        .map_or(v.len(), |(i, _)| i);
    let (number, unit) = v.split_at(digits_end);
    let number_ok = number.bytes().any(|b| b.is_ascii_digit());
    const UNITS: &[&str] = &[
        "", "%", "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute",
        "minutes", "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week", "weeks",
        "y", "year", "years", "b", "bytes", "k", "kb", "kib", "mb", "mib", "g", "gb", "gib", "tb",
        "x",
    ];
    let unit_ok = UNITS.contains(&unit.trim().to_ascii_lowercase().as_str());
    // ISO 8601's `P1D`, `PT15M`: a number before each designator (`PWM` is a word).
    let iso = v.len() > 2
        && v.starts_with('P')
        && v[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b"YMWDTHS.".contains(&b))
        && v[1..]
            .split('T')
            .flat_map(|half| half.split_inclusive(|c: char| c.is_ascii_alphabetic()))
            .all(|unit| unit.len() > 1 && unit.as_bytes()[0].is_ascii_digit());
    (number_ok && unit_ok) || iso
}

/// A cryptographic algorithm's name (`sha256`, `SHA-512`, `md5`, JSON Web Algorithms' `HS256`,
/// `RS512`, `EdDSA`, constructions over a digest such as `hmac-sha256` and `rsa-sha1`, curves
/// such as `ed25519`, ciphers such as `aes-256-gcm`): what a setting picks, not material.
fn algorithm(v: &str) -> bool {
    let lower = v.to_ascii_lowercase().replace(['-', '_'], "");
    let sized = |s: &str, prefix: &str, sizes: &[&str]| {
        s.strip_prefix(prefix).is_some_and(|n| sizes.contains(&n))
    };
    let digest = |s: &str| {
        sized(
            s,
            "sha",
            &[
                "1", "224", "256", "384", "512", "3224", "3256", "3384", "3512",
            ],
        ) || sized(s, "md", &["5"])
            || sized(s, "blake2", &["b", "s"])
    };
    // A cipher: AES of a key size with or without its mode, either order.
    let aes = |s: &str| {
        s.strip_prefix("aes").is_some_and(|rest| {
            ["128", "192", "256"].iter().any(|bits| {
                ["", "gcm", "cbc", "ctr", "ccm", "siv", "ecb"]
                    .iter()
                    .any(|mode| rest == format!("{bits}{mode}") || rest == format!("{mode}{bits}"))
            })
        })
    };
    digest(&lower)
        || ["hmac", "rsa", "ecdsa", "dsa", "rsassapss"]
            .iter()
            .any(|c| lower.strip_prefix(c).is_some_and(digest))
        || ["hs", "rs", "es", "ps"]
            .iter()
            .any(|p| sized(&lower, p, &["256", "384", "512"]))
        || sized(&lower, "rsa", &["1024", "2048", "3072", "4096"])
        || matches!(
            lower.as_str(),
            "eddsa"
                | "ed25519"
                | "ed448"
                | "x25519"
                | "x448"
                | "secp256k1"
                | "secp256r1"
                | "p256"
                | "p384"
                | "p521"
                | "chacha20poly1305"
                | "xchacha20poly1305"
        )
        || aes(&lower)
        // Signing and authorization schemes by their versions: AWS's Signature Version 2, 4
        // and 4A (and S3's `s3v4` spelling), OAuth 1.0 and 2.0.
        || sized(&lower, "sigv", &["2", "4", "4a"])
        || lower == "s3v4"
        || sized(&lower, "oauth", &["1", "2"])
}

/// An ISO 8601 date, with its time and zone or without (`2024-05-01`, `2024-05-01T00:00:00Z`).
fn date_time(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[10..]
            .iter()
            .all(|c| c.is_ascii_digit() || b"T:Z.+- ".contains(c))
}

/// A file path (`/var/task/x`, `./config.json`, `C:\x`) or a secret's name or parameter path
/// (`prod/db/password`): slash-separated words, none of them random material.
fn path(v: &str) -> bool {
    let rooted = v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with("file:")
        || (v.len() > 2 && v.as_bytes()[1] == b':' && v.as_bytes()[2] == b'\\');
    // Segments of words (`prod/MyApp/db-credentials`), not base64 that happens to hold `/`.
    let named = v.contains('/')
        && v.split('/').filter(|s| !s.is_empty()).all(|s| {
            s.split(['.', '_', '@', '-']).all(|atom| {
                atom.bytes().all(|b| b.is_ascii_alphanumeric())
                    && (word_like(atom) || word_coverage(atom.as_bytes()) >= 0.75)
            })
        });
    // Standard base64 may start with `/` and hold more; its `=` padding ends no path.
    let padded_base64 = v.ends_with('=')
        && v.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    (rooted || named || !content_addressed(v).is_empty())
        && !v.contains(char::is_whitespace)
        && !padded_base64
        && material(v, None).is_none()
}

/// The digest segments of a content-addressed path (`builds/<sha256>/app.zip`,
/// `cache/ab/<sha>`, git's `objects/ab/<sha>`, `/nix/store/<base32 hash>-name`): files named
/// by their digest in hex or base32, beside segments of words. A digest is of one case:
/// random base64 that holds `/` mixes cases and has no word segments.
fn content_addressed(v: &str) -> Vec<(usize, usize)> {
    // Words, or short names such as a fan-out directory (`ab`) or an algorithm (`sha256`).
    let atom_word = |atom: &str| {
        atom.bytes().all(|b| b.is_ascii_alphanumeric())
            && (atom.len() <= 8 || word_like(atom) || word_coverage(atom.as_bytes()) >= 0.75)
    };
    if !v.contains('/') || v.contains(char::is_whitespace) {
        return Vec::new();
    }
    let (mut hex, mut words, mut offset) = (Vec::new(), 0, 0);
    for segment in v.split('/') {
        let name = segment.split(['.', '-']).next().unwrap_or_default();
        let one_case = !(name.bytes().any(|b| b.is_ascii_uppercase())
            && name.bytes().any(|b| b.is_ascii_lowercase()));
        if name.len() >= 32 && name.bytes().all(|b| b.is_ascii_alphanumeric()) && one_case {
            hex.push((offset, offset + name.len()));
        } else if segment.split(['.', '_', '-']).all(atom_word) {
            words += usize::from(!segment.is_empty());
        } else {
            return Vec::new();
        }
        offset += segment.len() + 1;
    }
    if words == 0 {
        return Vec::new();
    }
    hex
}

/// Semantic versions with what a build appends (`1.4.2+<commit>`, git describe's
/// `v1.4.2-17-g<commit>`, `2.0.0-rc.1`): a version names a release, and the hex after it is the
/// commit it was built from, as public as a tag. Pieces after the three numbers are numbers,
/// lower-case words or a commit's hex (7 to 64 digits, `g` before it as git writes it); the
/// version ends at the first piece that is none of these.
fn versions(value: &str) -> Vec<(usize, usize)> {
    let b = value.as_bytes();
    let commit = |piece: &str| {
        let hex = piece.strip_prefix('g').unwrap_or(piece);
        (7..=64).contains(&hex.len())
            && hex
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    };
    let mut out = Vec::new();
    // Every version has its dots: most values have none to scan for.
    if !value.contains('.') {
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b"._-+".contains(&b[i - 1]));
        let mut j = i + usize::from(boundary && matches!(b[i], b'v' | b'V'));
        if !boundary || !b.get(j).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let mut numbers = 0;
        while numbers < 3 {
            let from = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j == from {
                break;
            }
            numbers += 1;
            if numbers < 3
                && b.get(j) == Some(&b'.')
                && b.get(j + 1).is_some_and(u8::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        if numbers < 3 {
            i = j.max(start + 1);
            continue;
        }
        let mut end = j;
        while matches!(b.get(end), Some(b'-' | b'+' | b'.')) {
            let mut k = end + 1;
            while b.get(k).is_some_and(u8::is_ascii_alphanumeric) {
                k += 1;
            }
            let piece = &value[end + 1..k];
            let ok = !piece.is_empty()
                && (piece.bytes().all(|c| c.is_ascii_digit())
                    || commit(piece)
                    || (piece.len() <= 12 && piece.bytes().all(|c| c.is_ascii_lowercase())));
            if !ok {
                break;
            }
            end = k;
        }
        out.push((start, end));
        i = end;
    }
    out
}

/// UUIDs (RFC 9562's `8-4-4-4-12` hex digits) wherever they stand: identifiers, as they are
/// alone (the hex rule reads no run of 32 digits in one), also inside a path or key
/// (`uploads/2024/<uuid>.png`). A name still makes one a secret (`API_TOKEN=<uuid>`).
fn uuids(v: &str) -> Vec<(usize, usize)> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let b = v.as_bytes();
    if b.len() < 36 || !b.contains(&b'-') {
        return Vec::new();
    }
    let boundary = |i: usize| b.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
    let mut found = Vec::new();
    let mut start = 0;
    while start + 36 <= b.len() {
        let mut at = start;
        let whole = GROUPS.iter().enumerate().all(|(g, &len)| {
            let digits = b[at..at + len].iter().all(u8::is_ascii_hexdigit);
            at += len;
            let dash = g == GROUPS.len() - 1 || b[at] == b'-';
            at += usize::from(g < GROUPS.len() - 1);
            digits && dash
        });
        if whole && (start == 0 || boundary(start - 1)) && boundary(start + 36) {
            found.push((start, start + 36));
            start += 36;
        } else {
            start += 1;
        }
    }
    found
}

/// Vendors' tokens that are a UUID after the vendor's documented prefix — which a UUID
/// standing alone, an identifier, is not: LaunchDarkly's server-side SDK key (`sdk-<uuid>`;
/// its mobile key, `mob-<uuid>`, is public by LaunchDarkly's docs), Axiom's API and personal
/// tokens (`xaat-`, `xapt-`).
const UUID_TOKEN_PREFIXES: [&str; 3] = ["sdk-", "xaat-", "xapt-"];

/// Why `value` holds a vendor's UUID token ([`UUID_TOKEN_PREFIXES`]) as a word of its own.
fn uuid_token(value: &str) -> Option<String> {
    UUID_TOKEN_PREFIXES.iter().find_map(|prefix| {
        value.match_indices(prefix).find_map(|(at, _)| {
            let word_start = value[..at]
                .bytes()
                .last()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || b"-_.".contains(&c)));
            let rest = &value[at + prefix.len()..];
            rest.get(..36)?;
            (word_start && uuids(rest).first() == Some(&(0, 36)))
                .then(|| format!("a vendor's token: `{prefix}` and a UUID"))
        })
    })
}

/// Public keys and certificates (PEM, OpenSSH), a JWK set without private members, keys
/// their vendors document as publishable (Stripe `pk_`, Mapbox `pk.`), and ciphertext.
pub(crate) fn public_by_design(value: &str) -> bool {
    let v = value.trim();
    if ciphertext(v) {
        return true;
    }
    let pem_public = v.starts_with("-----BEGIN ") && pem(v).is_none();
    let ssh_public = [
        "ssh-rsa ",
        "ssh-ed25519 ",
        "ssh-dss ",
        "ecdsa-sha2-nistp256 ",
        "ecdsa-sha2-nistp384 ",
        "ecdsa-sha2-nistp521 ",
        "sk-ssh-ed25519@openssh.com ",
        "sk-ecdsa-sha2-nistp256@openssh.com ",
    ]
    .iter()
    .any(|p| v.starts_with(p))
        && !v.contains("PRIVATE")
        || known_hosts_line(v);
    // Stripe's and Mapbox's publishable keys, PostHog's project key (`phc_`), which their
    // docs say belong in browsers, and Datadog's client token (`pub` and 32 hex digits): the
    // whole value one key, in the key's own characters — a list after it (`pk_live_…,sk_live_…`)
    // may hold its secret twin.
    let publishable = ["pk_live_", "pk_test_", "phc_"]
        .iter()
        .any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        || mapbox_public_token(v);
    let datadog_client_token = v
        .strip_prefix("pub")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let client_side = client_side_key(v);
    // A public key or certificate without its PEM armour (a Keycloak realm's public key).
    // DER starts with a SEQUENCE (0x30), which base64 writes as `M`.
    let public_der = v.starts_with('M') && base64_decode(v).is_some_and(|d| public_blob(&d));
    // A signify or minisign public key: `Ed`, which base64 writes as `RW`; its file's first
    // line is an untrusted comment.
    let blob = v
        .strip_prefix("untrusted comment:")
        .and_then(|file| file.split_once('\n'))
        .map_or(v, |(_, blob)| blob.trim());
    let signify = blob.starts_with("RW") && base64_decode(blob).is_some_and(|d| signify_public(&d));
    // A Go checksum database's verifier key, alone or before the database's URL.
    let go_verifier = v.contains('+') && {
        let mut tokens = v.split_whitespace();
        let key = tokens.next().unwrap_or_default();
        let url = tokens.next();
        go_verifier_keys(key) == [(0, key.len())]
            && tokens.next().is_none()
            && url.is_none_or(|u| u.starts_with("https://") && !u.contains('@'))
    };
    // A Tink keyset of public keys, or one encrypted under a key-encryption key.
    let tink = (v.contains("\"keyMaterialType\"") || v.contains("\"encryptedKeyset\""))
        && json_document(v)
            .as_ref()
            .and_then(serde_json::Value::as_object)
            .and_then(tink_keyset)
            == Some(None);
    // A PASERK public key or key ID (`k4.public.…`, `k4.pid.…`): its type says so; the
    // secret kinds (`k4.local.…`, `k4.secret.…`) are keys.
    let paserk_public = {
        let mut pieces = v.splitn(3, '.');
        matches!(
            (pieces.next(), pieces.next(), pieces.next()),
            (Some(version), Some("public" | "pid" | "lid" | "sid"), Some(body))
                if version.len() == 2
                    && version.starts_with('k')
                    && version.as_bytes()[1].is_ascii_digit()
                    && body.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        )
    };
    pem_public
        || ssh_public
        || ec_point(v)
        || paserk_public
        || publishable
        || datadog_client_token
        || client_side
        || public_der
        || signify
        || go_verifier
        || tink
        || bech32_public(v)
        || anon_jwt(v)
}

/// A public key written as an elliptic-curve point (see `curve`): SEC 1's 65 uncompressed bytes
/// in base64 or base64url (87 or 88 characters, `B` first: a web push application server
/// key) or in hex (`04` and 128 digits, `0x` before or not).
fn ec_point(v: &str) -> bool {
    let hex = v
        .strip_prefix("0x")
        .unwrap_or(v)
        .strip_prefix("04")
        .filter(|d| d.len() == 128 && d.bytes().all(|b| b.is_ascii_hexdigit()));
    if let Some(digits) = hex {
        return hex_point(digits);
    }
    matches!(v.len(), 87 | 88)
        && v.starts_with('B')
        && base64_decode(v).is_some_and(|d| super::curve::uncompressed_point(&d))
}

/// Whether 128 hex digits are an uncompressed point's two coordinates.
fn hex_point(digits: &str) -> bool {
    let mut d = vec![4u8];
    d.extend(
        (0..digits.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok()),
    );
    super::curve::uncompressed_point(&d)
}

/// A feature-flag vendor's client-side key, which its vendor documents as safe to ship in apps,
/// by its prefix and the shape of what follows: LaunchDarkly's mobile key (`mob-` and a UUID),
/// Statsig's client key (`client-` and 20 or more letters and digits), GrowthBook's SDK
/// connection key (`sdk-` and letters and digits, no dash), DevCycle's client and mobile keys
/// (`dvc_client_…`, `dvc_mobile_…`); and payment vendors' browser keys: Braintree's
/// tokenization key (`production_<8>_<16>`, lower-case letters and digits) and Adyen's client
/// key (`live_`/`test_` and 32 upper-case letters and digits). Their server-side twins stay
/// secrets by the same structure: LaunchDarkly's `sdk-<uuid>`, Statsig's `secret-…`,
/// DevCycle's `dvc_server_…`, Mollie's `live_` and 30 letters of both cases.
fn client_side_key(v: &str) -> bool {
    let alnum = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let lower = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if let Some(body) = v
        .strip_prefix("production_")
        .or_else(|| v.strip_prefix("sandbox_"))
    {
        return body
            .split_once('_')
            .is_some_and(|(merchant, key)| lower(merchant, 8) && lower(key, 16));
    }
    if let Some(body) = v.strip_prefix("live_").or_else(|| v.strip_prefix("test_")) {
        return body.len() == 32
            && body
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    }
    if let Some(id) = v.strip_prefix("mob-") {
        return uuids(id) == [(0, id.len())];
    }
    if let Some(body) = v.strip_prefix("client-") {
        return alnum(body, 20..=64);
    }
    if let Some(body) = v.strip_prefix("sdk-") {
        return alnum(body, 8..=40);
    }
    ["dvc_client_", "dvc_mobile_"].iter().any(|p| {
        v.strip_prefix(p).is_some_and(|body| {
            (20..=80).contains(&body.len())
                && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    })
}

/// A hex run a reference pins a version with: an image's tag (`…/orders:<sha>`, tagged by
/// its commit), a revision after `@` (`owner/model@<sha>`, `actions/checkout@<sha>`, pip's
/// `git+https://…@<sha>`), or a checksum file's line (`<digest>  <file>`, `sha256sum`'s).
/// Not a colon after a user and before an `@` host: that is a password.
fn pinned_revision(before: &str, run: &str, after: &str) -> bool {
    let token = before
        .rsplit(|c: char| c.is_whitespace() || ",;=\"'".contains(c))
        .next()
        .unwrap_or_default();
    let image_tag = token.strip_suffix(':').is_some_and(|image| {
        image.contains('/')
            && !image.contains("://")
            && image
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/:".contains(&b))
            && !after.starts_with('@')
    });
    let revision = token
        .strip_suffix('@')
        .is_some_and(|path| path.contains('/'))
        && matches!(run.len(), 40 | 64);
    let line_start = before.is_empty() || before.ends_with('\n');
    let checksum_line = line_start
        && (after.starts_with("  ") || after.starts_with(" *"))
        && after[2..].starts_with(|c: char| !c.is_whitespace());
    image_tag || revision || checksum_line
}

/// Ciphertext by its own format, which only the holder of its key reads — what Lambda's
/// encryption helpers and secret-file tools put in configuration, not a secret in plain text:
/// a KMS `CiphertextBlob` (version 1, then `02 00 78` and the key's header: base64 `AQICAHh…`),
/// an AWS Encryption SDK message (version 1 `01 80`, or 2 with a committing suite `02 04 78`
/// or `02 05 78`), a SOPS value (`ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`) and an Ansible
/// Vault (`$ANSIBLE_VAULT;1.1;AES256` and hex). An encrypted private key is still a key.
fn ciphertext(v: &str) -> bool {
    if let Some(rest) = v.strip_prefix("ENC[") {
        return rest.ends_with(']')
            && rest.split_once(",data:").is_some_and(|(cipher, fields)| {
                cipher
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && [",iv:", ",tag:", ",type:"]
                        .iter()
                        .all(|f| fields.contains(f))
            });
    }
    if let Some(rest) = v.strip_prefix("$ANSIBLE_VAULT;") {
        let (header, body) = rest.split_once('\n').unwrap_or((rest, ""));
        return header.starts_with("1.")
            && header.contains(";AES256")
            && !body.trim().is_empty()
            && body
                .split_whitespace()
                .all(|l| l.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    // A blob: base64 of binary with one of the headers above, and room for a data key.
    if !(v.starts_with("AQ") || v.starts_with("AY") || v.starts_with("Ag")) {
        return false;
    }
    base64_decode(v).is_some_and(|d| {
        d.len() >= 64
            && (matches!(d[..5], [0x01, 0x01 | 0x02, 0x02, 0x00, 0x78])
                || d[..2] == [0x01, 0x80]
                || matches!(d[..3], [0x02, 0x04 | 0x05, 0x78]))
    })
}

/// The spans of Go checksum-database verifier keys (`golang.org/x/mod/sumdb/note`:
/// `<name>+<hash>+<key>`, as `GOSUMDB` names its database) in a text: public keys by their own
/// structure — an Ed25519 key (algorithm byte 1 and 32 bytes) whose hash is the first four
/// bytes of SHA-256 of the name, a newline and the key, which random material matches about
/// once in four billion. The signer's key (`PRIVATE+KEY+<name>+…`) starts with no name and hash.
fn go_verifier_keys(v: &str) -> Vec<(usize, usize)> {
    use sha2::{Digest, Sha256};
    if !v.contains('+') {
        return Vec::new();
    }
    runs(v, |b| b.is_ascii_graphic() && !b"\"'".contains(&b))
        .filter(|(_, token)| {
            // The key's base64 may hold `+` itself.
            let mut fields = token.splitn(3, '+');
            let (Some(name), Some(hash), Some(key)) = (fields.next(), fields.next(), fields.next())
            else {
                return false;
            };
            let Some(key) = base64_decode(key).filter(|k| k.len() == 33 && k[0] == 1) else {
                return false;
            };
            let mut digest = Sha256::new();
            digest.update(name.as_bytes());
            digest.update(b"\n");
            digest.update(&key);
            let d = digest.finalize();
            !name.is_empty()
                && hash.len() == 8
                && hash.eq_ignore_ascii_case(&format!(
                    "{:02x}{:02x}{:02x}{:02x}",
                    d[0], d[1], d[2], d[3]
                ))
        })
        .map(|(s, token)| (s, s + token.len()))
        .collect()
}

/// The spans of SOPS values (`ENC[…]`, see [`ciphertext`]) in a text: an encrypted file's
/// fields hold their ciphertext, not key material.
fn sops_values(v: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = v[from..].find("ENC[").map(|i| from + i) {
        let end = v[at..].find(']').map_or(v.len(), |i| at + i + 1);
        if ciphertext(&v[at..end]) {
            found.push((at, end));
        }
        from = end.max(at + 4);
    }
    found
}

/// A known_hosts line, a server's public key (`[@marker] <hosts> <key type> <key> [comment]`):
/// its key blob names the type, which only a public SSH key does.
fn known_hosts_line(v: &str) -> bool {
    if ![" ssh-", " ecdsa-", " sk-"].iter().any(|t| v.contains(t)) {
        return false;
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    (1..=2).any(|at| {
        words.len() >= at + 2
            && words.len() <= at + 3
            && (words[at].starts_with("ssh-")
                || words[at].starts_with("ecdsa-")
                || words[at].starts_with("sk-"))
            && base64_decode(words[at + 1]).is_some_and(|d| public_blob(&d))
    })
}

/// Whether the hex `run` between `before` and `after` is a W3C Trace Context trace ID
/// (`traceparent: 00-<32 hex trace ID>-<16 hex parent ID>-<2 hex flags>`): an identifier.
fn trace_id(before: &str, run: &str, after: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let version = before
        .strip_suffix('-')
        .and_then(|b| b.get(b.len().saturating_sub(2)..))
        .is_some_and(|v| hex(v, 2));
    let rest = after.strip_prefix('-').unwrap_or_default();
    version
        && run.len() == 32
        && rest.get(..16).is_some_and(|p| hex(p, 16))
        && rest.get(16..17) == Some("-")
        && rest.get(17..19).is_some_and(|f| hex(f, 2))
}

/// A JSON Web Token whose payload grants the `anon` role: Supabase's anon key, which Supabase
/// documents as safe in browsers (row-level security decides what it reads). Its
/// `service_role` key, in the same shape, is a secret.
fn anon_jwt(v: &str) -> bool {
    let mut segments = v.split('.');
    let (Some(header), Some(payload), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return false;
    };
    let json = |s: &str| {
        base64_decode(s).and_then(|d| serde_json::from_slice::<serde_json::Value>(&d).ok())
    };
    json(header).is_some_and(|h| h.get("alg").is_some())
        && json(payload).is_some_and(|p| p.get("role").and_then(|r| r.as_str()) == Some("anon"))
}

/// A Bech32 string with a valid checksum (BIP 173: a lower-case prefix, `1`, data in its
/// 32-letter alphabet, a 6-letter checksum): addresses and public keys (`age1…` recipients,
/// `bc1…`, `npub1…`). Secrets in Bech32 say so in their prefix (`AGE-SECRET-KEY-1…`, `nsec1…`)
/// and are not this.
fn bech32_public(v: &str) -> bool {
    bech32_prefix(v).is_some_and(|prefix| !secret_prefix(&prefix))
}

/// A Bech32 string whose prefix says it is a secret (`nsec1…`, `AGE-SECRET-KEY-1…`), anywhere
/// in the text: its checksum makes it one by structure, whatever its letters' entropy.
fn bech32_secret(value: &str) -> Option<String> {
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find_map(|word| {
            let prefix = bech32_prefix(word).filter(|p| secret_prefix(p))?;
            Some(format!("a Bech32 {prefix} secret key"))
        })
}

fn secret_prefix(prefix: &str) -> bool {
    ["sec", "priv", "secret"].iter().any(|w| prefix.contains(w))
}

/// The prefix of a Bech32 or Bech32m string with a valid checksum (in one case, as BIP 173
/// allows), lower-cased.
fn bech32_prefix(v: &str) -> Option<String> {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    if upper && v.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let v = v.to_ascii_lowercase();
    let (prefix, data) = v.rsplit_once('1')?;
    if prefix.is_empty()
        || !prefix.bytes().all(|b| (33..=126).contains(&b))
        || !prefix.bytes().any(|b| b.is_ascii_lowercase())
        || data.len() < 6
        || v.len() > 1023
    {
        return None;
    }
    let values = data
        .bytes()
        .map(|b| {
            CHARSET
                .iter()
                .position(|c| *c == b)
                .and_then(|p| u32::try_from(p).ok())
        })
        .collect::<Option<Vec<u32>>>()?;
    let expanded = prefix
        .bytes()
        .map(|b| u32::from(b) >> 5)
        .chain(std::iter::once(0))
        .chain(prefix.bytes().map(|b| u32::from(b) & 31))
        .chain(values);
    let mut chk = 1u32;
    for value in expanded {
        let top = chk >> 25;
        chk = (chk & 0x1ff_ffff) << 5 ^ value;
        for (i, g) in [
            0x3b6a_57b2,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ]
        .iter()
        .enumerate()
        {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    // Bech32 and Bech32m (BIP 350) constants.
    (chk == 1 || chk == 0x2bc8_30a3).then(|| prefix.to_owned())
}

/// A PEM block whose label is not a public one: private keys in every format, and any
/// block this lint cannot tell is public.
fn pem(value: &str) -> Option<String> {
    const PUBLIC: &[&str] = &[
        "PUBLIC KEY",
        "RSA PUBLIC KEY",
        "CERTIFICATE",
        "TRUSTED CERTIFICATE",
        "CERTIFICATE REQUEST",
        "NEW CERTIFICATE REQUEST",
        "X509 CRL",
        "PGP PUBLIC KEY BLOCK",
        "PGP SIGNATURE",
        "DH PARAMETERS",
        "EC PARAMETERS",
        "SSH2 PUBLIC KEY",
        // RFC 7468's other public labels: certificate chains and signed data, attribute
        // certificates, and the legacy spellings of `CERTIFICATE`.
        "PKCS7",
        "CMS",
        "ATTRIBUTE CERTIFICATE",
        "X509 CERTIFICATE",
        "X.509 CERTIFICATE",
        // Encrypted messages, which only their recipient's key opens (age's, OpenPGP's).
        "AGE ENCRYPTED FILE",
        "PGP MESSAGE",
    ];
    let mut rest = value;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + "-----BEGIN ".len()..];
        let label = after.split("-----").next().unwrap_or_default().trim();
        if !PUBLIC.contains(&label) {
            return Some(format!("a PEM {} block", label.to_ascii_lowercase()));
        }
        rest = after;
    }
    None
}

/// A secret-named field holding a value in a JSON document, or a private JWK; strings
/// inside are judged as values of their own.
fn json_secret(json: &serde_json::Value, digests: bool) -> Option<String> {
    match json {
        serde_json::Value::Object(map) => {
            if map.contains_key("kty") {
                let private = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"]
                    .iter()
                    .find(|m| map.contains_key(**m));
                return private.map(|m| format!("a JSON Web Key with the private member `{m}`"));
            }
            if let Some(verdict) = tink_keyset(map) {
                return verdict;
            }
            // A name/value pair (`{"Key": "api_token", "Value": …}`, `{"name": "X-Api-Key",
            // "value": …}`): the value is named by the pair's name, which is no secret itself.
            let field = |f: &str| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(f))
                    .and_then(|(_, v)| v.as_str())
            };
            let pair = field("key").or_else(|| field("name")).zip(field("value"));
            if let Some((name, value)) = pair
                && (names::secret_name(name) && !plainly_not_secret(value, Some(name))
                    || secret_value(value, Some(name)).is_some())
            {
                return Some(format!("a JSON name/value pair named {name}"));
            }
            let firebase = firebase_web_config(map);
            // A map keyed by credentials (`{"<api key>": "alice"}`); hex keys are as often
            // digests naming content.
            if let Some(why) = map.keys().find_map(|k| {
                let hex = k.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
                (!hex).then(|| material(k, None)).flatten()
            }) {
                return Some(format!("a JSON document keyed by {why}"));
            }
            map.iter().find_map(|(k, v)| match v {
                serde_json::Value::String(_) if pair.is_some() => None,
                serde_json::Value::String(_) if firebase && k == "apiKey" => None,
                serde_json::Value::String(s) if name_field(k) => secret_value(s, None),
                // Hex under a digests' document names content (a file, a query).
                serde_json::Value::String(s)
                    if digests
                        && !names::secret_name(k)
                        && s.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    None
                }
                serde_json::Value::String(s) => {
                    if names::secret_name(k) && !plainly_not_secret(s, Some(k)) {
                        Some(format!("a JSON document with a {k} field"))
                    } else {
                        secret_value(s, Some(k))
                    }
                }
                // A setting held as a list of values (Keycloak's component configuration,
                // `"bindCredential": ["…"]`): each item is a value of the key's name, unless
                // it is a word or a name itself (a list of scopes, of secrets' names).
                serde_json::Value::Array(items) if names::secret_name(k) => {
                    items.iter().find_map(|item| match item {
                        serde_json::Value::String(s)
                            if !word_like(s)
                                && !names::secret_name(s)
                                && !plainly_not_secret(s, Some(k)) =>
                        {
                            Some(format!("a JSON document with a {k} list"))
                        }
                        serde_json::Value::String(s) => secret_value(s, Some(k)),
                        other => json_secret(other, digests),
                    })
                }
                other => json_secret(other, digests),
            })
        }
        serde_json::Value::Array(items) if byte_array_material(items) => Some(format!(
            "an array of {} random bytes (key material, as Solana's keypair files hold it)",
            items.len()
        )),
        // A `[name, value]` pair (`[["user", "app"], ["password", "…"]]`); two names of
        // secrets are a list of names.
        serde_json::Value::Array(items)
            if matches!(items.as_slice(), [serde_json::Value::String(k), serde_json::Value::String(v)]
                if names::secret_name(k) && !names::secret_name(v) && !plainly_not_secret(v, Some(k))) =>
        {
            Some("a JSON [name, value] pair".to_owned())
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| match v {
            serde_json::Value::String(s) => secret_value(s, None),
            other => json_secret(other, digests),
        }),
        _ => None,
    }
}

/// A Tink keyset in its JSON form, judged by what it says each key is: `None` when the map
/// is no keyset. Encrypted under a key-encryption key (`encryptedKeyset`, with only
/// `keysetInfo` beside it) it is ciphertext; of public keys (`keyMaterialType`
/// `ASYMMETRIC_PUBLIC`, a `…PublicKey` type) or of keys held remotely (`REMOTE`: a KMS key's
/// name) it is public; anything else (`SYMMETRIC`, `ASYMMETRIC_PRIVATE`, a `…PrivateKey` type
/// whatever the label) is key material.
fn tink_keyset(map: &serde_json::Map<String, serde_json::Value>) -> Option<Option<String>> {
    if map
        .get("encryptedKeyset")
        .is_some_and(serde_json::Value::is_string)
    {
        return (!map.contains_key("key")).then_some(None);
    }
    let keys = map.get("key")?.as_array()?;
    let data: Vec<(&str, &str)> = keys
        .iter()
        .map(|k| {
            let d = k.get("keyData")?;
            Some((
                d.get("typeUrl")?.as_str()?,
                d.get("keyMaterialType")?.as_str()?,
            ))
        })
        .collect::<Option<_>>()?;
    let secret = data.iter().find(|(type_url, material)| {
        let public = *material == "ASYMMETRIC_PUBLIC" && type_url.ends_with("PublicKey");
        !(public || *material == "REMOTE")
    });
    Some(secret.map(|(type_url, material)| {
        let kind = type_url.rsplit('.').next().unwrap_or(type_url);
        format!("a Tink keyset holding {material} key material ({kind})")
    }))
}

/// Key material written as a JSON array of bytes (`[174,47,154,…]`: Solana's and NEAR's
/// keypair files, a key dumped from code): 16 numbers or more, each a byte, looking random —
/// a quarter of them or more above 127 (settings, percentages and counts stay small), three
/// in four distinct, and not in order (a ramp or a series of delays is sorted). 16 random
/// bytes fail one of these with probability about 1%, 32 about 0.1%.
fn byte_array_material(items: &[serde_json::Value]) -> bool {
    let bytes: Vec<u8> = items
        .iter()
        .map_while(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect();
    bytes.len() == items.len() && random_bytes(&bytes)
}

/// Whether `bytes`, written out one by one, are key material (see [`byte_array_material`]).
fn random_bytes(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 16 {
        return false;
    }
    let high = bytes.iter().filter(|b| **b > 127).count();
    let mut distinct = bytes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let sorted = bytes.windows(2).all(|w| w[0] <= w[1]) || bytes.windows(2).all(|w| w[0] >= w[1]);
    high * 4 >= n && distinct.len() * 4 >= n * 3 && !sorted
}

/// Key material written byte by byte in a language's escapes: a string of `\xHH` (Python's
/// `b'\x9a\x1f…'`, C's `"\x9a…"`) or a list of `0xHH` (`{0x9a, 0x1f, …}`), judged as a
/// JSON array of bytes is.
fn escaped_bytes(value: &str) -> Option<String> {
    fn hex_byte(digits: &str) -> Option<u8> {
        (!digits.is_empty() && digits.len() <= 2)
            .then(|| u8::from_str_radix(digits, 16).ok())
            .flatten()
    }
    let escapes = value.contains("\\x").then(|| {
        value
            .split("\\x")
            .skip(1)
            .fold(vec![Vec::new()], |mut runs, piece| {
                let byte = piece.get(..2).and_then(hex_byte);
                match (byte, runs.last_mut()) {
                    // The next escape starts right after the two digits, or the run ends.
                    (Some(b), Some(run)) if piece.len() == 2 => run.push(b),
                    (Some(b), Some(run)) => {
                        run.push(b);
                        runs.push(Vec::new());
                    }
                    _ => runs.push(Vec::new()),
                }
                runs
            })
    });
    let list = value.contains("0x").then(|| {
        value
            .split(|c: char| c == ',' || c.is_whitespace() || "{}[]();".contains(c))
            .filter(|t| !t.is_empty())
            .fold(vec![Vec::new()], |mut runs, token| {
                match (
                    token
                        .strip_prefix("0x")
                        .or_else(|| token.strip_prefix("0X"))
                        .and_then(hex_byte),
                    runs.last_mut(),
                ) {
                    (Some(b), Some(run)) => run.push(b),
                    _ => runs.push(Vec::new()),
                }
                runs
            })
    });
    escapes
        .into_iter()
        .chain(list)
        .flatten()
        .find(|run| random_bytes(run))
        .map(|run| {
            format!(
                "{} random bytes written one by one (key material)",
                run.len()
            )
        })
}

/// A password after a scheme that says it is stored as it is: Dovecot's and OpenLDAP's
/// `{PLAIN}`, `{CLEARTEXT}`, `{CLEAR}`, `{PLAIN-TRUNC}` (`app:{PLAIN}pw::`), unlike a hash
/// scheme (`{SSHA}`, `{BLF-CRYPT}`), whose value is what a server stores instead.
fn plain_scheme(value: &str) -> Option<String> {
    if !value.contains('{') {
        return None;
    }
    let upper = value.to_ascii_uppercase();
    ["{PLAIN}", "{CLEARTEXT}", "{CLEAR}", "{PLAIN-TRUNC}"]
        .iter()
        .find_map(|scheme| {
            let at = upper.find(scheme)? + scheme.len();
            let pw = value[at..]
                .split(|c: char| c == ':' || c.is_whitespace() || c == '"' || c == '\'')
                .next()
                .unwrap_or_default();
            (!pw.is_empty() && !placeholder(pw))
                .then(|| format!("a password stored as {scheme}, in plain text"))
        })
}

/// `value` as a JSON object or array, if it is one.
/// The JSON document `value` is the Base64 of (`GOOGLE_CREDENTIALS_B64`, a Kubernetes
/// `dockerconfigjson`), as text: what a reader decodes and uses. Only a document's opening
/// (`{`, `[`) is asked before parsing, so random material costs one decode.
pub(crate) fn base64_json(value: &str) -> Option<String> {
    let v = value.trim();
    // `ey`/`ew`/`W` are the Base64 of `{"`, `{` and a line break, `[`.
    if v.len() < 16 || !(v.starts_with("ey") || v.starts_with("ew") || v.starts_with('W')) {
        return None;
    }
    let text = String::from_utf8(base64_decode(v)?).ok()?;
    json_document(&text).map(|_| text)
}

/// A credential configuration: a JSON object whose every value is plainly something else —
/// a URL without credentials, a URN, a path, a number, a flag, a command, a label, what an
/// identifier's key names (`environment_id`, `audience`) — as a workload identity
/// federation file says where a token comes from and holds none. A value that may be a
/// credential (`{"user": "app", "value": "<password>"}`) makes it the credential.
pub(crate) fn credential_configuration(value: &str) -> bool {
    fn plain(v: &serde_json::Value, key: Option<&str>) -> bool {
        match v {
            serde_json::Value::Object(map) => map.iter().all(|(k, v)| plain(v, Some(k))),
            serde_json::Value::Array(items) => items.iter().all(|i| plain(i, key)),
            serde_json::Value::String(s) => {
                plainly_not_secret(s, key)
                    || label(s)
                    || key.is_some_and(|k| !names::secret_name(k) && names::public_name(k))
            }
            _ => true,
        }
    }
    json_document(value).is_some_and(|json| {
        json.as_object().is_some_and(|map| map.len() >= 2) && plain(&json, None)
    })
}

fn json_document(value: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(value)
        .ok()
        .filter(|j| j.is_object() || j.is_array())
}

/// The text gitleaks reads for `value`: a Firebase config's public API key left out.
pub(crate) fn gitleaks_text(value: &str) -> std::borrow::Cow<'_, str> {
    let public_api_key = json_document(value).and_then(|j| {
        let map = j.as_object().filter(|m| firebase_web_config(m))?;
        map.get("apiKey")?.as_str().map(str::to_owned)
    });
    match public_api_key {
        Some(key) if !key.is_empty() => value.replace(&key, "").into(),
        _ => value.into(),
    }
}

/// A Firebase web app's config (`apiKey` with `projectId`, `appId`, …): its API key
/// identifies the project to Google and is public by Firebase's docs.
fn firebase_web_config(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    map.contains_key("apiKey")
        && map.contains_key("projectId")
        && ["authDomain", "appId", "messagingSenderId", "storageBucket"]
            .iter()
            .any(|k| map.contains_key(*k))
}

/// Whether a field named `key` holds a name (a map's, a tag's, a translation's): judged by
/// its shape, not as a key because of its name.
fn name_field(key: &str) -> bool {
    key.trim().eq_ignore_ascii_case("key")
}

/// A password in any URL (`scheme://user:pass@`, `jdbc:mysql://`, `mongodb+srv://`,
/// `redis://:pass@`), a key in its user part (Sentry DSNs), or any URL under a webhook's
/// or DSN's name.
fn url_credentials(value: &str, name: Option<&str>) -> Option<String> {
    let mut rest = value;
    while let Some(at) = rest.find("://") {
        let after = &rest[at + 3..];
        // Up to the path; a raw password may hold `?` or `#`, so the last `@` before the
        // first `/` ends the user part.
        let end = after
            .find(|c: char| c == '/' || c.is_whitespace() || "\"'<>".contains(c))
            .unwrap_or(after.len());
        let authority = &after[..end];
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            match userinfo.split_once(':') {
                Some((_, password)) if !password.is_empty() && !placeholder(password) => {
                    return Some("a URL with a password".into());
                }
                None if sentry_dsn(userinfo, &after[end..]) => {}
                None if material(userinfo, None).is_some()
                    || (userinfo.contains(INPUT) && token_as_user(&rest[..at]))
                    || (api_transport(&rest[..at])
                        && !userinfo.is_empty()
                        && !placeholder(userinfo)) =>
                {
                    return Some("a URL with a key as its user".into());
                }
                _ => {}
            }
        }
        if name.is_some_and(names::capability_url_name) && at > 0 {
            return Some("a webhook or DSN URL, which is itself the credential".into());
        }
        // A webhook's path after its `hooks` segment is the key that lets a sender in
        // (Mattermost's and Rocket.Chat's `/hooks/<letters and digits>`), however few its
        // letters.
        let path = &after[end..];
        let path = &path[..path
            .find(|c: char| c.is_whitespace() || "?#\"'<>".contains(c))
            .unwrap_or(path.len())];
        // A host named for hooks (Zapier's `hooks.zapier.com`, Make's `hook.eu1.make.com`)
        // takes them on every path; its IDs are short (`/hooks/catch/<n>/<7 letters and
        // digits>/`). A version segment (`v2beta1`) names an API, and 32 hex digits or more
        // a digest.
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let hook_host = host
            .split('.')
            .next()
            .is_some_and(|label| label.to_ascii_lowercase().contains("hook"));
        let key = |s: &str| {
            let b = s.as_bytes();
            b.len() >= 7
                && b.iter().all(u8::is_ascii_alphanumeric)
                && b.iter().any(u8::is_ascii_digit)
                && b.iter().any(u8::is_ascii_alphabetic)
                && !api_version(s)
                && !(b.len() >= 32 && b.iter().all(u8::is_ascii_hexdigit))
        };
        let mut segments = path.split('/');
        if (hook_host || segments.any(|s| s.to_ascii_lowercase().contains("hook")))
            && segments.any(key)
        {
            return Some("a webhook URL whose path is its key".into());
        }
        rest = after;
    }
    None
}

/// An API version as a path names it: `v2`, `v1beta1`, `v3alpha`, `v2rc1`.
fn api_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix(['v', 'V']) else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &rest[digits..];
    let stage = ["alpha", "beta", "rc", "preview"]
        .iter()
        .find_map(|s| rest.strip_prefix(s))
        .unwrap_or(rest);
    digits > 0 && stage.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a URL ending its text before `://` with this scheme may carry a key as its user
/// alone (`https://<token>@github.com/…`, a legacy Sentry DSN): web schemes. A database's or
/// broker's URL (`postgres://app@db`) names its user there, its password after a `:`.
fn token_as_user(before: &str) -> bool {
    let scheme = before
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let last = scheme.rsplit('+').next().unwrap_or_default();
    matches!(last, "http" | "https" | "ws" | "wss") || scheme.starts_with("git")
}

/// Whether a URL ending its text before `://` names an API as its transport (Symfony
/// Mailer's and Notifier's DSNs, `postmark+api://KEY@default`, `sendgrid+api://KEY@default`):
/// its user is the API key, whatever its shape (Postmark's server token is a UUID).
fn api_transport(before: &str) -> bool {
    let scheme = before
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .next()
        .unwrap_or_default();
    scheme
        .rsplit_once('+')
        .is_some_and(|(_, transport)| transport.eq_ignore_ascii_case("api"))
}

/// A Sentry project's public key: a DSN's user, or the `sentry_key` of its report URLs.
fn sentry_public_key(before: &str, run: &str, after: &str) -> bool {
    let dsn = before.ends_with("://")
        && after.strip_prefix('@').is_some_and(|rest| {
            let path = rest.find('/').map_or("", |i| &rest[i..]);
            sentry_dsn(run, path)
        });
    dsn || (run.len() == 32 && before.to_ascii_lowercase().ends_with("sentry_key="))
}

/// A Sentry DSN's user and path (`https://<32 hex>@o1.ingest.sentry.io/<project>`): its user
/// is the project's public key, which Sentry documents as safe to publish (it only submits
/// events). A legacy DSN's secret key, after a `:`, is not this.
fn sentry_dsn(userinfo: &str, path: &str) -> bool {
    let project = path
        .split(|c: char| c.is_whitespace() || "\"'<>?#".contains(c))
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    userinfo.len() == 32
        && userinfo
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && project
            .rsplit('/')
            .next()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `user:password@host` without a scheme: Go's MySQL DSN (`app:pw@tcp(db:3306)/app`), a
/// proxy or upstream given as `user:pw@host:port`. The user starts with a letter and the host
/// is a network address with its port (or Go's `tcp(`/`unix(`), so neither `git@host:path`,
/// `owner:alice@example.com` nor a time like `12:30@UTC` is one.
fn bare_userinfo(value: &str) -> Option<String> {
    value
        .split(|c: char| c.is_whitespace() || ",;\"'<>".contains(c))
        .filter(|token| !token.contains("://"))
        .find_map(|token| {
            let (userinfo, host) = token.rsplit_once('@')?;
            let (user, password) = userinfo.split_once(':')?;
            let user_ok = user.starts_with(|c: char| c.is_ascii_alphabetic())
                && user
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
            // With a port: `owner:alice@example.com` (a tag holding an email) has none.
            let (host_name, port) = host.split_once(':').unwrap_or((host, ""));
            let port_ok = port
                .split(['/', '?'])
                .next()
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            // Or a database's path after a host of its own naming: gosnowflake's
            // `user:pw@<account>/<db>/<schema>`, the password one by its shape.
            let with_path = host.split_once('/').is_some_and(|(h, path)| {
                !h.is_empty()
                    && !path.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b))
                    && password_like(password)
            });
            let host_ok = host.starts_with("tcp(")
                || host.starts_with("unix(")
                || with_path
                || (port_ok
                    && (host_name == "localhost" || host_name.contains('.'))
                    && host_name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-[]".contains(&b)));
            (user_ok && !password.is_empty() && !placeholder(password) && host_ok)
                .then(|| "a user:password@host credential".to_owned())
        })
}

/// Words of a variable's name that say its value is accounts (`BASIC_AUTH_USERS`,
/// `ADMIN_LOGIN`, `MQTT_ACCOUNT`): a `name:secret` there is a user and a password.
const ACCOUNT_WORDS: &[&str] = &[
    "user",
    "users",
    "login",
    "logins",
    "account",
    "accounts",
    "auth",
    "basic",
    "htpasswd",
    "member",
    "members",
    "credential",
    "credentials",
    "creds",
];

/// A password as a person or a tool sets one where an account's password goes: 8 characters
/// or more with letters and a digit, no `:` or `/` (a path, a port), not hex (an ID), not an
/// identifier (`eu-west-1_AbC…`) or a version, and with a symbol or not mostly words
/// (`building2floor3`, `OrdersApi2` are names); no stored hash, no placeholder.
fn password_like(pw: &str) -> bool {
    let b = pw.as_bytes();
    let letters = b.iter().any(u8::is_ascii_alphabetic);
    let digits = b.iter().any(u8::is_ascii_digit);
    let strong_symbol = b.iter().any(|c| b"!#%^&*()+=[]{}<>?~|".contains(c));
    let alnum: Vec<u8> = b
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    (8..=128).contains(&b.len())
        && !pw.contains([':', '/'])
        && crypt_hash(pw).is_none()
        && letters
        && digits
        // An identifier: a lowercase word and a separator first (`eu-west-1_AbC…`).
        && !{
            let word = b.iter().take_while(|c| c.is_ascii_lowercase()).count();
            word >= 2 && b.get(word).is_some_and(|c| b"_-".contains(c))
        }
        // Hex, dashed or not (a UUID: `us-west-2:<uuid>` is an identity pool's ID).
        && !b.iter().all(|c| c.is_ascii_hexdigit() || *c == b'-')
        // A version (`orders:v1.4.2`, `api:2.0.1-rc1`).
        && !pw
            .trim_start_matches('v')
            .split(['-', '+'])
            .next()
            .is_some_and(|core| {
                core.contains('.') && core.bytes().all(|c| c.is_ascii_digit() || c == b'.')
            })
        && (strong_symbol || word_coverage(&alnum) < 0.75)
        && !placeholder(pw)
}

/// An e-mail account and its password, `user@example.com:<password>`, as a relay's
/// credentials map (Postfix's `sasl_passwd`) or an account list writes it: the address is
/// the account whatever the variable's name. `git@host:owner/repo` names a path.
fn mail_account(value: &str) -> Option<String> {
    if !value.contains('@') {
        return None;
    }
    value
        .split(|c: char| c.is_whitespace() || ",;\"'<>".contains(c))
        .find_map(|token| {
            let (address, pw) = token.rsplit_once(':')?;
            let (local, domain) = address.split_once('@')?;
            let tld = domain.rsplit('.').next().unwrap_or_default();
            let address_ok = !local.is_empty()
                && local
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
                && domain.contains('.')
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b))
                && top_level_domain(tld);
            (address_ok && password_like(pw)).then(|| "an e-mail account's password".to_owned())
        })
}

/// Plain-text accounts, `user:password` alone or listed (`alice:…,bob:…`, as basic-auth
/// user lists are written), under a name that says its value is accounts: each item a user
/// name, a colon and a password — 8 characters or more with letters and a digit, not hex (an
/// ID), and with a symbol or not mostly words (`building2floor3`, `OrdersApi2` are names). A
/// stored hash there (`admin:$apr1$…`, htpasswd's) is what a server keeps instead.
fn user_passwords(value: &str, name: Option<&str>) -> Option<String> {
    // The value's shape first (a colon, no spaces in the pairs): the name's words cost more.
    if !value.contains(':') {
        return None;
    }
    let items: Vec<&str> = value
        .split([',', ';', '\n', ' '])
        .filter(|i| !i.is_empty())
        .collect();
    let password_shaped = |item: &str| {
        let Some((user, pw)) = item.split_once(':') else {
            return false;
        };
        user.starts_with(|c: char| c.is_ascii_alphabetic())
            && user.len() <= 64
            && user
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._@+-".contains(&c))
            && password_like(pw)
    };
    if items.is_empty() || !items.iter().all(|i| password_shaped(i)) {
        return None;
    }
    // The name is about accounts when its last word is (`BASIC_AUTH_USERS`, not
    // `LOGIN_THEME` or `USER_POOL_MAP`), and not an identifier's (`AUTH_KEY_ID`); or when it
    // is Bundler's credentials for a host (`BUNDLE_GEMS__ACME__DEV`: `__` for each dot).
    let accounts = name.is_some_and(|n| {
        let bundler_host = n
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bundle_"))
            && n[7..].contains("__");
        bundler_host
            || names::words(n)
                .last()
                .is_some_and(|w| ACCOUNT_WORDS.contains(&w.as_str()))
                && !names::public_name(n)
    });
    accounts.then(|| "a user:password account in plain text".to_owned())
}

/// Oracle's thin JDBC form, `jdbc:oracle:thin:user/password@host:port:sid`, and sqlplus's
/// `user/password@` before a connect identifier.
fn oracle_thin(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    // `jdbc:oracle:thin:user/pw@…`, or Oracle's easy connect `user/pw@//host:port/service`
    // or descriptor `user/pw@(DESCRIPTION=…)` (sqlplus, python-oracledb): `user/password`
    // before the `@`.
    let userinfo = match lower.find("jdbc:oracle:thin:") {
        Some(at) => {
            let rest = &value[at + "jdbc:oracle:thin:".len()..];
            rest.split('@').next().filter(|_| rest.contains('@'))?
        }
        // A connect identifier after the `@`: easy connect (`//host`) or a descriptor
        // (`(DESCRIPTION=…)`, as tnsnames.ora spells it).
        None => {
            let at = lower.find("@//").or_else(|| lower.find("@(description"))?;
            value[..at].rsplit(char::is_whitespace).next()?
        }
    };
    userinfo
        .split_once('/')
        .is_some_and(|(user, password)| {
            !user.is_empty() && !password.is_empty() && !password.contains('/')
        })
        .then(|| "an Oracle connect string with a password".to_owned())
}

/// A secret-named key with a value in `key=value` or `key: value` text: connection strings
/// (`Password=…;`, `AccountKey=…`), query strings (`?token=…`), `.env`, INI, YAML, headers
/// (`X-Api-Key: …`).
fn field(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // Whether the current line so far is only a key's characters (Java properties' `key:value`).
    let mut key_line = true;
    for (i, &b) in bytes.iter().enumerate() {
        let line_start = key_line;
        key_line = b == b'\n' || (key_line && (b.is_ascii_alphanumeric() || b"_-. ".contains(&b)));
        let colon = b == b':';
        if b != b'=' && !colon {
            continue;
        }
        // `key: value` needs the space YAML and headers put there; `a:b` is a port, an ARN —
        // unless the key starts a line, as Java properties write `key:value`.
        if colon
            && !line_start
            && !bytes
                .get(i + 1)
                .is_some_and(|n| *n == b' ' || *n == b'\t' || *n == b'"')
        {
            continue;
        }
        // Perl, PHP and Ruby pair a key with its value by `=>` (`'password' => '…'`).
        let start = i + 1 + usize::from(bytes.get(i + 1) == Some(&b'>'));
        let (mut key, prose) = key_before(&text[..i]);
        // Inside an XML tag (`<add key="…"`) the key is the attribute's name, the last word.
        if text[..i].rfind('<') > text[..i].rfind('>') {
            key = key.rsplit(' ').next().unwrap_or(key);
        }
        // Base64 padding before a `=` is no key's name (`h1:<base64>= zh:…`): random
        // material names nothing. A key with a `.` or a space is no base64 (a Java system
        // property, `-Djavax.net.ssl.keyStorePassword`), however varied its letters.
        if key.len() >= 20 && !key.contains(['.', ' ']) && random(key) {
            continue;
        }
        // Nor is the tail of base64 after its `+` or `/` (`…f+pjN1YSWzQzYihiPw=`), whose
        // letters may spell a word: the key and the base64 characters before it are one token
        // of base64's length with its padding, not a path (`/bin/sh -c PGPASSWORD=…`, where
        // the key holds spaces, or `/etc/app/PASSWORD=…`, which starts with `/`).
        let padding = text[i..].bytes().take_while(|&c| c == b'=').count();
        if key.bytes().all(|c| c.is_ascii_alphanumeric())
            && text[..i].strip_suffix(key).is_some_and(|b| {
                let run = &b[b
                    .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/')
                    .len()..];
                run.ends_with(['+', '/'])
                    && !run.starts_with('/')
                    && run.len() + key.len() >= 16
                    && (run.len() + key.len() + padding) % 4 == 0
            })
        {
            continue;
        }
        // A YAML list item's first key follows its `- `.
        let pair_name = key
            .trim_start_matches(['-', ' '])
            .eq_ignore_ascii_case("name");
        if name_field(key) || pair_name {
            // A name/value pair: `key="DbPassword" value="…"` (.NET appSettings), or a YAML list
            // item `- name: DB_PASSWORD` with `value: …` on its next line (a container's env).
            let name = value_after(&text[start..]);
            let rest = text[start..]
                .trim_start_matches([' ', '\t'])
                .trim_start_matches(['"', '\''])
                .get(name.len()..)
                .unwrap_or_default()
                .trim_start_matches(['"', '\'']);
            let same_line = rest.trim_start().strip_prefix("value=");
            let next_line = rest
                .split_once('\n')
                .and_then(|(_, next)| next.trim_start().strip_prefix("value:"));
            let judged = match same_line.or(next_line).map(value_after) {
                Some(value) => {
                    names::secret_name(name)
                        && !value.is_empty()
                        && !plainly_not_secret(value, Some(name))
                }
                None => !pair_name && material(name, None).is_some(),
            };
            if judged {
                return Some(format!("a {} field", name.trim()));
            }
            continue;
        }
        // A field of accounts (Squid's `login=user:password`, `auth: user:password`) holds
        // a user and a password.
        // (The value's shape first: the key's words cost more.)
        if !key.is_empty()
            && value_after(&text[start..])
                .split_once(':')
                .is_some_and(|(user, pw)| !user.is_empty() && password_like(pw))
            && names::words(key)
                .last()
                .is_some_and(|w| ACCOUNT_WORDS.contains(&w.as_str()))
        {
            return Some(format!("a user:password in a {} field", key.trim()));
        }
        if key.is_empty() || !names::secret_name(key) {
            continue;
        }
        let mut value = value_after(&text[start..]);
        // A cookie header's value is the cookie's `name=value`; its value is the credential.
        if names::words(key).last().is_some_and(|w| w == "cookie") {
            value = value.split_once('=').map_or(value, |(_, v)| v);
        }
        // A YAML block scalar (`password: |`) holds its value on the next line.
        let token = text[start..]
            .trim_start_matches([' ', '\t'])
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default();
        if ["|", "|-", "|+", ">", ">-", ">+"].contains(&token) {
            let next = text[start..].split_once('\n').map_or("", |(_, n)| n);
            value = value_after(next);
        }
        // An HTTP auth scheme (`Authorization: Bearer …`, `SSWS …`, `Splunk …`) stands before
        // the credential, which is what is judged (`Bearer {{token}}` is a template).
        let after = text[start..]
            .trim_start_matches([' ', '\t'])
            .get(value.len()..)
            .unwrap_or_default();
        // A header's name (`GitHub webhook: X-Hub-Signature-256 is verified`) is no scheme.
        let scheme = value.len() <= 24
            && !header_name(value)
            && value.starts_with(|c: char| c.is_ascii_alphabetic())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if scheme && after.starts_with(' ') && !value_after(after).is_empty() {
            value = value_after(after);
        }
        // In a sentence ("never ask for their password: direct them …") the word after the
        // colon is prose; a credential there still reads as one.
        if prose && word_like(value.trim_end_matches(['.', '!', '?'])) {
            continue;
        }
        // Prose quotes a value in a code span (`REQUIRE_AUTH=true`); the backticks are not in it.
        let value = value.trim_matches('`');
        if !value.is_empty() && !plainly_not_secret(value, Some(key)) && !stand_in(value) {
            return Some(format!("a {} field", key.trim()));
        }
    }
    None
}

/// A value that stands for one, as prose describes a scheme: an ellipsis (`sig=…`) or a
/// formula over names (`signature = HMAC-SHA256(timestamp+token`, cut at its `)`). Neither
/// holds key material: a function's name and its arguments' names are words.
fn stand_in(value: &str) -> bool {
    if value.chars().all(|c| c == '…' || c.is_ascii_punctuation()) {
        return true;
    }
    let Some((function, args)) = value.split_once('(') else {
        return false;
    };
    let names: Vec<&str> = args
        .split(|c: char| "(+,.|-_ ".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    function.len() >= 3
        && function.starts_with(|c: char| c.is_ascii_alphabetic())
        && function
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !names.is_empty()
        && names.iter().all(|w| {
            w.len() >= 3
                && w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A table (CSV, TSV) whose header names a column like a secret (`username,password,role`):
/// each row's cell in that column is that secret.
fn table_column(value: &str) -> Option<String> {
    let mut lines = value.lines();
    let header = lines.next()?;
    let delimiter = [',', '\t', ';', '|']
        .into_iter()
        .find(|d| header.contains(*d))?;
    let columns: Vec<&str> = header.split(delimiter).map(str::trim).collect();
    let names_only = columns.iter().all(|c| {
        (1..=40).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_- ".contains(&b))
    });
    if !names_only {
        return None;
    }
    let secret: Vec<(usize, &str)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| names::secret_name(c))
        .map(|(i, c)| (i, *c))
        .collect();
    lines.find_map(|row| {
        let cells: Vec<&str> = row.split(delimiter).map(str::trim).collect();
        (cells.len() == columns.len())
            .then(|| {
                secret.iter().find_map(|&(i, column)| {
                    let cell = cells[i].trim_matches('"');
                    (!cell.is_empty() && !plainly_not_secret(cell, Some(column)))
                        .then(|| format!("a table's {column} column"))
                })
            })
            .flatten()
    })
}

/// The value of attribute `name` in an XML tag's text (`entry key="db.password"`).
fn xml_attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.match_indices(name).find_map(|(at, _)| {
        let before_ok = tag[..at].ends_with(char::is_whitespace);
        let rest = tag[at + name.len()..].trim_start().strip_prefix('=')?;
        before_ok.then_some(rest.trim_start())
    })?;
    let quote = at.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    at[1..].split(quote).next()
}

/// A secret-named XML element (`<password>…</password>`) or command-line option
/// (`--db-password …`) with a value.
fn element_or_option(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let tag = after[..close].split_whitespace().next().unwrap_or_default();
        let body = &after[close + 1..];
        let value = body.split('<').next().unwrap_or_default().trim();
        // An element ends at its closing tag; `<token>` in prose is a placeholder.
        let closed = body
            .split_once('<')
            .is_some_and(|(_, r)| r.starts_with('/'));
        if closed
            && !tag.starts_with(['/', '?', '!'])
            && names::secret_name(tag)
            && !value.is_empty()
            && !plainly_not_secret(value, Some(tag))
        {
            return Some(format!("an XML element <{tag}>"));
        }
        // An element named by its `key`/`name` attribute (Java's XML properties: `<entry
        // key="db.password">…</entry>`), or by the `<key>` element before it (a property
        // list: `<key>Password</key><string>…</string>`).
        let named = xml_attribute(&after[..close], "key")
            .or_else(|| xml_attribute(&after[..close], "name"))
            .map(|name| (name, value))
            .or_else(|| {
                let next = body
                    .split_once("</key>")?
                    .1
                    .trim_start()
                    .strip_prefix('<')?;
                let next_value = next.split_once('>')?.1.split('<').next()?.trim();
                (tag == "key").then_some((value, next_value))
            });
        if closed
            && let Some((name, value)) = named
            && names::secret_name(name)
            && !value.is_empty()
            && !plainly_not_secret(value, Some(name))
        {
            return Some(format!("an XML element named {name}"));
        }
        rest = after;
    }
    // Words as the shell passes them: quotes group words, they are not part of them
    // (`echo "machine h login u password p" > ~/.netrc`).
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']))
        .collect();
    // netrc (curl, git, pip): `machine <host> login <user> password <password>`.
    if words
        .windows(2)
        .any(|w| w[0] == "machine" || w[0] == "default")
        && words.contains(&"login")
        && let Some(w) = words.windows(2).find(|w| {
            matches!(w[0], "password" | "account") && !plainly_not_secret(w[1], Some(w[0]))
        })
    {
        return Some(format!("a netrc {}", w[0]));
    }
    // `--db-password …`, and Java tools' single-dash long options (`keytool -storepass …`).
    let option = words.windows(2).find_map(|w| {
        let option = w[0]
            .strip_prefix("--")
            .or_else(|| w[0].strip_prefix('-').filter(|o| o.len() > 2))?;
        (!option.contains('=')
            && names::secret_name(option)
            && !w[1].starts_with('-')
            && !plainly_not_secret(w[1], Some(option)))
        .then(|| format!("a {} option", w[0]))
    });
    option
        .or_else(|| password_flag(&words))
        .or_else(|| {
            // OpenSSL's pass phrase argument (`-passin pass:…`; `env:`, `file:` name one).
            words.iter().find_map(|w| {
                let phrase = w.trim_matches(['"', '\'']).strip_prefix("pass:")?;
                (!phrase.is_empty() && !plainly_not_secret(phrase, Some("password")))
                    .then(|| "an OpenSSL pass:… pass phrase".to_owned())
            })
        })
        .or_else(|| pgpass(text))
}

/// A configuration directive, `name value` alone on its line (redis.conf's `requirepass …`,
/// `masterauth …`), under a secret's name. A value that is one word, or a number, is prose or
/// a setting (`password required`).
fn directive(text: &str) -> Option<String> {
    // A Redis ACL rule (`user app on >password ~* +@all`, `ACL SETUSER …`) adds a password
    // after `>`; `#<sha256>` adds its hash.
    let acl = text.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let user = words
            .iter()
            .position(|w| w.eq_ignore_ascii_case("user") || w.eq_ignore_ascii_case("setuser"))?;
        words[user + 1..].iter().find_map(|w| {
            let pw = w.strip_prefix('>').filter(|p| !p.is_empty())?;
            (!plainly_not_secret(pw, Some("password")))
                .then(|| "a Redis ACL rule's >password".to_owned())
        })
    });
    // A keyword naming a password inside a line of settings (HAProxy's `user admin
    // insecure-password …`, `auth-pass …`), before a value of a password's shape.
    let inline = || {
        text.lines().find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.windows(2).skip(1).find_map(|w| {
                let value = w[1].trim_matches(['"', '\'']);
                // The value's shape first: classifying a word as a name costs more.
                (password_like(value)
                    && w[0].starts_with(|c: char| c.is_ascii_alphabetic())
                    && w[0]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
                    && names::password_name(w[0]))
                .then(|| format!("a {} setting", w[0]))
            })
        })
    };
    acl.or_else(inline).or_else(|| {
        text.lines().find_map(|line| {
            let mut words = line.split_whitespace();
            let (key, value, None) = (words.next()?, words.next()?, words.next()) else {
                return None;
            };
            let value = value.trim_matches(['"', '\'']);
            (key.starts_with(|c: char| c.is_ascii_alphabetic())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
                && names::secret_name(key)
                && !word_like(value)
                && !plainly_not_secret(value, Some(key)))
            .then(|| format!("a {key} directive"))
        })
    })
}

/// A Redis ACL rule's `#<sha256>` (`user app on #<64 hex digits> ~* +@read`): the SHA-256 of
/// the password, what the server stores instead of it.
fn acl_password_hash(before: &str, run: &str) -> bool {
    run.len() == 64
        && before.strip_suffix('#').is_some_and(|b| {
            b.rsplit('\n')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("user") || w.eq_ignore_ascii_case("setuser"))
        })
}

/// A secret's name and its value as the first two quoted arguments of a call
/// (`define('DB_PASSWORD', '…')`, `os.environ.setdefault("SECRET_KEY", "…")`, a tuple). A
/// second name (`("password", "token")`) makes a list of names instead.
fn call_pair(text: &str) -> Option<String> {
    fn quoted(t: &str) -> Option<(&str, &str)> {
        let t = t.trim_start();
        let q = t.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &t[1..];
        let end = inner.find(q)?;
        Some((&inner[..end], &inner[end + 1..]))
    }
    text.match_indices('(').find_map(|(at, _)| {
        let (key, rest) = quoted(&text[at + 1..])?;
        let (value, rest) = quoted(rest.trim_start().strip_prefix(',')?)?;
        let closed = rest.trim_start().starts_with([')', ',']);
        (closed
            && names::secret_name(key)
            && !names::secret_name(value)
            && !value.is_empty()
            && !plainly_not_secret(value, Some(key)))
        .then(|| format!("a {key} argument"))
    })
}

/// Programs whose documented password option is one letter, and whether its value must be
/// glued to it (`mysql -pSECRET`: apart, `-p` prompts and the next word is the database).
const PASSWORD_FLAGS: &[(&str, &str, bool)] = &[
    ("mysql", "-p", true),
    ("mysqldump", "-p", true),
    ("mysqladmin", "-p", true),
    ("mysqlimport", "-p", true),
    ("mariadb", "-p", true),
    ("mariadb-dump", "-p", true),
    ("ldapsearch", "-w", false),
    ("ldapadd", "-w", false),
    ("ldapmodify", "-w", false),
    ("ldapdelete", "-w", false),
    ("ldapwhoami", "-w", false),
    ("ldappasswd", "-w", false),
    ("redis-cli", "-a", false),
    ("sqlcmd", "-P", false),
    ("bcp", "-P", false),
    ("mongo", "-p", false),
    ("mongosh", "-p", false),
    ("mongodump", "-p", false),
    ("mongorestore", "-p", false),
    ("mongoexport", "-p", false),
    ("mongoimport", "-p", false),
    ("sshpass", "-p", false),
    ("cqlsh", "-p", false),
    ("rabbitmqadmin", "-p", false),
    ("mysqlsh", "-p", true),
    ("isql", "-P", false),
    ("vsql", "-w", false),
    ("zip", "-P", false),
    ("unzip", "-P", false),
    ("7z", "-p", true),
    ("7za", "-p", true),
    // `openssl enc -k <passphrase>`, `-K <hex key>`.
    ("openssl", "-k", false),
    ("openssl", "-K", false),
];

/// A password given to a program by its one-letter option (see [`PASSWORD_FLAGS`]), in the
/// arguments of that program's command: up to a shell's `;`, `&&`, `||` or `|`.
fn password_flag(words: &[&str]) -> Option<String> {
    fn unquote(w: &str) -> &str {
        w.trim_matches(['"', '\''])
    }
    let known = words.iter().any(|w| {
        let program = unquote(w).rsplit('/').next().unwrap_or_default();
        PASSWORD_FLAGS.iter().any(|(p, ..)| *p == program)
    });
    // Any other client given a user by `-u`/`-U` takes its password by `-p`/`-P` (hdbsql,
    // mosquitto_pub, isql-likes); a port or a mapping there is digits.
    let user = words
        .windows(2)
        .any(|w| matches!(w[0], "-u" | "-U") && !w[1].starts_with('-'));
    let generic = (!known && user)
        .then(|| {
            words.windows(2).find_map(|w| {
                let value = unquote(w[1]);
                (matches!(w[0], "-p" | "-P")
                    && !value.starts_with('-')
                    && value.contains(|c: char| c.is_ascii_alphabetic())
                    && !plainly_not_secret(value, Some("password")))
                .then(|| format!("a {} password option beside a -u user", w[0]))
            })
        })
        .flatten();
    // Samba's tools take `-U user%password` (`smbclient`, `rpcclient`, `net`, `smbcacls`).
    let samba = words.iter().enumerate().find_map(|(i, w)| {
        let w = unquote(w);
        let value = ["--user=", "--username=", "-U"]
            .iter()
            .find_map(|o| w.strip_prefix(o).filter(|v| !v.is_empty()))
            .or_else(|| {
                matches!(w, "-U" | "--user" | "--username")
                    .then(|| words.get(i + 1).map(|v| unquote(v)))
                    .flatten()
            })?;
        let (_, pw) = value.split_once('%')?;
        (!pw.is_empty() && !plainly_not_secret(pw, Some("password")))
            .then(|| "a user%password given to a Samba tool".to_owned())
    });
    // curl takes `-u user:password` (`--user`, and `-U`/`--proxy-user` for its proxy), lftp
    // `-u user,password`: the part after the first `:` (`,`) is a password, also one a build
    // argument fills (`-u ${USER}:${PASS}`), which gitleaks' rule for literals does not see.
    let program_named = |name: &str| {
        words
            .iter()
            .any(|w| unquote(w).rsplit('/').next() == Some(name))
    };
    let separator = if program_named("curl") {
        Some(':')
    } else if program_named("lftp") {
        Some(',')
    } else {
        None
    };
    let curl = separator.and_then(|separator| {
        words.iter().enumerate().find_map(|(i, w)| {
            let w = unquote(w);
            let value = ["--user=", "--proxy-user=", "-u", "-U"]
                .iter()
                .find_map(|o| w.strip_prefix(o).filter(|v| !v.is_empty()))
                .or_else(|| {
                    matches!(w, "-u" | "-U" | "--user" | "--proxy-user")
                        .then(|| words.get(i + 1).map(|v| unquote(v)))
                        .flatten()
                })?;
            let (_, pw) = value.split_once(separator)?;
            (!pw.is_empty() && !plainly_not_secret(pw, Some("password")))
                .then(|| format!("a user{separator}password given to -u"))
        })
    });
    generic.or(samba).or(curl).or_else(|| {
        words.iter().enumerate().find_map(|(i, w)| {
            let program = unquote(w).rsplit('/').next().unwrap_or_default();
            let args = words[i + 1..]
                .iter()
                .map(|a| unquote(a))
                .take_while(|a| !matches!(*a, ";" | "&&" | "||" | "|"));
            let args: Vec<&str> = args.collect();
            if program == "htpasswd" {
                return htpasswd_batch(&args);
            }
            PASSWORD_FLAGS
                .iter()
                .filter(|(p, ..)| *p == program)
                .find_map(|&(_, flag, glued_only)| {
                    args.iter().enumerate().find_map(|(j, a)| {
                        let glued = a.strip_prefix(flag).filter(|v| !v.is_empty());
                        let apart = (*a == flag && !glued_only)
                            .then(|| args.get(j + 1).copied())
                            .flatten()
                            .filter(|v| !v.starts_with('-'));
                        let value = glued.or(apart)?;
                        (!plainly_not_secret(value, Some("password")))
                            .then(|| format!("{program}'s {flag} password option"))
                    })
                })
        })
    })
}

/// htpasswd's batch mode (`-b`, in any cluster of its flags: `-bc`, `-nbB`) takes the
/// password as its last argument, after the file (none with `-n`) and the user.
fn htpasswd_batch(args: &[&str]) -> Option<String> {
    let flags: Vec<&str> = args
        .iter()
        .filter_map(|a| a.strip_prefix('-'))
        .filter(|f| !f.starts_with('-'))
        .collect();
    if !flags.iter().any(|f| f.contains('b')) {
        return None;
    }
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let needed = if flags.iter().any(|f| f.contains('n')) {
        2
    } else {
        3
    };
    let password = positional.get(needed - 1)?;
    (!plainly_not_secret(password, Some("password")))
        .then(|| "htpasswd's batch-mode password argument".to_owned())
}

/// A line of PostgreSQL's password file (`.pgpass`): `hostname:port:database:username:password`,
/// the port a number or `*`. An IPv6 address, all groups of 1–4 hex digits, is not one.
fn pgpass(text: &str) -> Option<String> {
    text.lines()
        .find_map(|line| {
            let f: Vec<&str> = line.trim().split(':').collect();
            let port = f.get(1).is_some_and(|p| {
                *p == "*" || ((1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            });
            let ipv6 = f
                .iter()
                .all(|g| (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit()));
            let named = f.len() == 5
                && f[..4]
                    .iter()
                    .all(|x| !x.is_empty() && !x.contains(char::is_whitespace));
            (named
                && port
                && !ipv6
                && f[4] != "*"
                && !f[4].is_empty()
                && !plainly_not_secret(f[4], Some("password")))
            .then(|| "a .pgpass line's password".to_owned())
        })
        .or_else(|| auth_file(text))
}

/// A line of PgBouncer's `auth_file` (its userlist): `"user" "password"`, two quoted strings
/// alone on their line; a stored verifier there (`SCRAM-SHA-256$…`, `md5…`) is masked.
fn auth_file(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let quoted: Vec<&str> = line.trim().split('"').collect();
        // `"a" "b"` splits into `["", a, " ", b, ""]`.
        let [first, user, between, pw, last] = quoted.as_slice() else {
            return None;
        };
        (first.is_empty()
            && last.is_empty()
            && !user.is_empty()
            && between.trim().is_empty()
            && !between.is_empty()
            && password_like(pw))
        .then(|| "a PgBouncer auth_file password".to_owned())
    })
}

/// The key ending where `text` ends: letters, digits, `_ - .` and inner spaces (`User ID`,
/// `Shared Access Key`), without quotes; and whether it is prose instead. A key is at most
/// three words (the longest connection-string keys); a longer run is a sentence, whose last
/// word stands as the key.
fn key_before(text: &str) -> (&str, bool) {
    let t = text.trim_end().trim_end_matches(['"', '\'']);
    let start = t
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || "_-. ".contains(*c)))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = t[start..].trim();
    // Command-line options are words of their own: the key is the last option
    // (`-Xmx512m -Ddb.password=…` sets `-Ddb.password`).
    let last = key.rsplit(char::is_whitespace).next().unwrap_or_default();
    if last.starts_with('-') {
        return (last, false);
    }
    if key.split_whitespace().nth(3).is_none() {
        return (key, false);
    }
    let last = key.rsplit(char::is_whitespace).next().unwrap_or_default();
    (last, true)
}

/// The key of the field whose value is a list on one line, when `before` ends inside that
/// list: `trusted-public-keys = cache.nixos.org-1:<key> ` before the second key. Each item
/// before is a value, not a field of its own: no `=` but base64's padding (which ends a
/// multiple of four characters), no bare `=` or `key:`; and the current item is no `key=`.
fn list_key(before: &str) -> Option<&str> {
    let line = before.rsplit('\n').next().unwrap_or_default();
    let at = line.find('=')?;
    let items = &line[at + 1..];
    let current = items.rsplit(char::is_whitespace).next().unwrap_or_default();
    let value = |item: &str| {
        let body = item.rsplit(':').next().unwrap_or_default();
        let unpadded = body.trim_end_matches('=');
        !item.ends_with(':')
            && !unpadded.is_empty()
            && !item.trim_end_matches('=').contains('=')
            && (unpadded.len() == body.len() || body.len().is_multiple_of(4))
    };
    let complete = &items[..items.len() - current.len()];
    (!current.ends_with('=') && complete.split_whitespace().all(value))
        .then(|| key_before(&line[..at]).0)
        .filter(|k| !k.is_empty())
}

/// A Nix binary-cache signing key: `<name>:` and base64 of 64 bytes (libsodium's Ed25519 seed
/// and public key); its public key is 32.
fn nix_signing_key(before: &str, run: &str) -> bool {
    before.ends_with(':') && base64_decode(run).is_some_and(|d| d.len() == 64)
}

/// The key of the `key=value`, `key: value` or `key = value` field whose value starts where
/// `before` ends.
fn field_key(before: &str) -> Option<&str> {
    before
        .trim_end_matches(['"', '\''])
        .trim_end()
        .strip_suffix(['=', ':'])
        .map(|k| key_before(k).0)
        .filter(|k| !k.is_empty())
}

/// The value starting where `text` starts, up to its quote or the next separator. It starts
/// on the key's line: `DB_PASSWORD=` at a line's end is empty, not the next line's text.
fn value_after(text: &str) -> &str {
    let t = text.trim_start_matches([' ', '\t']);
    if let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let inner = &t[1..];
        return inner.find(q).map_or(inner, |end| &inner[..end]);
    }
    // A SOPS value is one value, its commas included.
    if t.starts_with("ENC[")
        && let Some(end) = t.find(']')
    {
        return &t[..=end];
    }
    // So is a replacement tool's placeholder: `#{Name}` (`#{Name}#`), `<%= expr %>`.
    if t.starts_with("#{")
        && let Some(end) = t.find('}')
    {
        return &t[..end + 1 + usize::from(t[end + 1..].starts_with('#'))];
    }
    if t.starts_with("<%")
        && let Some(end) = t.find("%>")
    {
        return &t[..end + 2];
    }
    let end = t
        .find(|c: char| c.is_whitespace() || ";&,\"'<>}])".contains(c))
        .unwrap_or(t.len());
    &t[..end]
}

/// An HTTP `Authorization` scheme with its credentials: `Bearer <token>`, `Basic
/// <base64 of user:password>`, `Token <token>`, `Digest …response=`.
fn auth_scheme(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    for scheme in [
        "bearer",
        "basic",
        "token",
        "apikey",
        "sso-key",
        "aws4-hmac-sha256",
    ] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(scheme) {
            let at = from + found;
            from = at + scheme.len();
            let starts_word = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            let rest = &value[from..];
            if !starts_word || !rest.starts_with(' ') {
                continue;
            }
            let credential = rest
                .trim_start()
                .split(|c: char| c.is_whitespace() || ",;\"'".contains(c))
                .next()
                .unwrap_or_default();
            if credential.contains(INPUT) || credential_like(scheme, credential) {
                return Some(format!("an HTTP {scheme} credential"));
            }
        }
    }
    None
}

/// Whether `s`, following an authorization scheme, is a credential rather than a word:
/// token characters, at least 8, not a plain lower-case word.
fn credential_like(scheme: &str, s: &str) -> bool {
    let token_chars = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=:".contains(&b));
    let word = s.bytes().all(|b| b.is_ascii_lowercase());
    // A command's option (`oidc-token --audience gcp`) follows a program named `…-token`.
    let option = s.starts_with("--");
    let ok = token_chars && s.len() >= 8 && !word && !option;
    if scheme == "basic" {
        return ok && base64_decode(s).is_some_and(|d| d.contains(&b':'));
    }
    ok
}

/// Mapbox's public token, as its docs show it: `pk.`, a base64url JSON payload naming the
/// account (`eyJ`, which is `{"`), `.`, and a base64url signature (`pk.eyJ1Ijoi….AbC…`); `pk.`
/// before anything else is no such token.
fn mapbox_public_token(v: &str) -> bool {
    let Some((payload, signature)) = v.strip_prefix("pk.").and_then(|r| r.split_once('.')) else {
        return false;
    };
    let base64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    };
    payload.starts_with("eyJ") && base64url(payload) && base64url(signature)
}

/// A dotted token: a JSON Web Token (JWS/JWE: base64url segments, the first a JSON header),
/// or dot-separated segments that are random material together (`MTk4.Gh1k.x9Zq…`). Host
/// names (ending in an alphabetic top-level label) are not tokens.
fn dotted(value: &str) -> Option<String> {
    for (_, run) in runs(value, |b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        if run.matches('.').count() < 2 {
            continue;
        }
        let last = run.rsplit('.').next().unwrap_or_default();
        if top_level_domain(last) {
            continue;
        }
        let jwt = run
            .split('.')
            .next()
            .and_then(base64_decode)
            .filter(|h| h.starts_with(b"{\""))
            .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
            .is_some_and(|h| h.is_object());
        if jwt {
            return Some("a JSON Web Token".into());
        }
        // A property's or package's name (`-Djavax.net.ssl.trustStore`, `otel.traces.sampler`):
        // its pieces are words, which joining would hide.
        if name_words(run) {
            continue;
        }
        let joined = run.replace('.', "");
        let material = if joined.bytes().all(|b| b.is_ascii_hexdigit()) {
            joined.len() >= 32 && hex_random(&joined)
        } else {
            random(&joined)
        };
        if material {
            return Some("a dotted token of random segments".into());
        }
    }
    None
}

/// Whether every piece of a dotted run, between dots, dashes and underscores, is a word of a
/// name: a word ([`word_like`]), a camelCase identifier (`trustStore`, `maxRetryAttempts`), or
/// either with up to three digits (`log4j2`, `oauth2`, `s3`). A token's segments are random; a
/// name's are words.
fn name_words(run: &str) -> bool {
    run.split(['.', '-', '_']).all(|w| {
        let letters: String = w.chars().filter(char::is_ascii_alphabetic).collect();
        let digits = w.len() - letters.len();
        digits <= 3
            && w.bytes().all(|b| b.is_ascii_alphanumeric())
            && name_case(w)
            && (word_like(&letters) || word_coverage(letters.as_bytes()) >= 0.6)
    })
}

/// A piece of a name is in one case, or camelCase: each capital starts a word, so a
/// lowercase letter follows it (`trustStore`, `Sampler`, `log4j2`, `HTTP`); random material
/// changes case anywhere (`U6Oxieln`, `EOE88r8x`).
fn name_case(piece: &str) -> bool {
    let b = piece.as_bytes();
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let lower = b.iter().any(u8::is_ascii_lowercase);
    !(upper && lower)
        || (0..b.len())
            .all(|i| !b[i].is_ascii_uppercase() || b.get(i + 1).is_none_or(u8::is_ascii_lowercase))
}

/// A password an SQL statement sets: in a statement that creates, alters or sets a user
/// (after `CREATE`, `ALTER`, `SET` or `GRANT`, also inside a client's command line), the quoted literal after `PASSWORD`
/// (PostgreSQL's `CREATE USER … WITH PASSWORD '…'`, SQL Server's `CREATE LOGIN … WITH
/// PASSWORD = '…'`, MySQL's `SET PASSWORD … = '…'`) or the literal after `IDENTIFIED BY`
/// (Oracle's and MySQL's, quoted or not) — unless a bind parameter or placeholder stands there
/// (`:pw`, `?`, `${PW}`) or it is a stored hash (`IDENTIFIED BY VALUES '…'`, `IDENTIFIED BY
/// PASSWORD '*…'`).
fn sql_password(value: &str) -> Option<String> {
    // Most values name no password: one pass over the bytes before any splitting.
    let keyword = |k: &[u8]| {
        value
            .as_bytes()
            .windows(k.len())
            .any(|w| w.eq_ignore_ascii_case(k))
    };
    if !keyword(b"password") && !keyword(b"identified") {
        return None;
    }
    let mut offset = 0;
    for statement in value.split(';') {
        let start = offset;
        offset += statement.len() + 1;
        let words: Vec<(usize, &str)> = statement
            .split_ascii_whitespace()
            .map(|w| (start + w.as_ptr() as usize - statement.as_ptr() as usize, w))
            .collect();
        // The verb may follow a client's command line (`psql -c "ALTER USER …`).
        let Some(verb) = words.iter().position(|(_, w)| {
            ["create", "alter", "set", "grant"]
                .iter()
                .any(|v| w.trim_start_matches(['"', '\'']).eq_ignore_ascii_case(v))
        }) else {
            continue;
        };
        for (i, &(_, word)) in words.iter().enumerate().skip(verb + 1) {
            let (after, quoted) = if word.eq_ignore_ascii_case("password") {
                (i + 1, true)
            } else if word.eq_ignore_ascii_case("identified")
                && words
                    .get(i + 1)
                    .is_some_and(|(_, w)| w.eq_ignore_ascii_case("by"))
            {
                (i + 2, false)
            } else {
                continue;
            };
            // MySQL's `SET PASSWORD FOR 'user'@'host' = '…'`: the literal after the `=`.
            let after = match words.get(after) {
                Some((_, w)) if w.eq_ignore_ascii_case("for") => words[after..]
                    .iter()
                    .position(|(_, w)| w.starts_with('='))
                    .map_or(words.len(), |p| after + p),
                _ => after,
            };
            let Some(&(mut at, mut next)) = words.get(after) else {
                continue;
            };
            if next == "=" {
                let Some(&(a, n)) = words.get(after + 1) else {
                    continue;
                };
                (at, next) = (a, n);
            } else if let Some(rest) = next.strip_prefix('=') {
                (at, next) = (at + 1, rest);
            }
            if ["values", "password"]
                .iter()
                .any(|w| next.eq_ignore_ascii_case(w))
            {
                continue;
            }
            let is_quoted = next.starts_with(['\'', '"']);
            let literal = value[at..at + next.len()]
                .trim_end_matches(',')
                .trim_matches(|c| c == '\'' || c == '"');
            // A stored hash (`PASSWORD 'SCRAM-SHA-256$…'`) is masked blank: no password.
            let bind = literal.trim().is_empty() || literal.starts_with([':', '?', '@']);
            if (is_quoted || !quoted) && !bind && !placeholder(literal) {
                return Some("a password an SQL statement sets".into());
            }
        }
    }
    None
}

/// Key material: hexadecimal of 32 digits or more, or base64/base64url of 20 characters or
/// more, random by entropy and by lacking the structure of words; hex under a digest's name
/// or after `sha256:` is public.
fn material(value: &str, name: Option<&str>) -> Option<String> {
    // The name is read only for a finding: classifying it costs more than most values.
    material_by_shape(value, name).filter(|_| !name.is_some_and(names::public_name))
}

fn material_by_shape(value: &str, name: Option<&str>) -> Option<String> {
    // Identifiers are blanked out (same length, so positions hold); what stands around a run
    // is read in the original text.
    let original = value;
    let mut masked = value.as_bytes().to_vec();
    let identifiers = hostnames(value)
        .into_iter()
        .chain(url_path_identifiers(value))
        .chain(content_addressed(value))
        .chain(uuids(value))
        .chain(sops_values(value))
        .chain(go_verifier_keys(value))
        .chain(versions(value));
    for (s, e) in identifiers {
        masked[s..e].fill(b' ');
    }
    let value = &String::from_utf8(masked).unwrap_or_default();
    // Runs found public below, which no generated password is made of either.
    let mut public_runs = Vec::new();
    for (start, run) in runs(value, |b| b.is_ascii_alphanumeric()) {
        // `0x` and 64 digits or more is a private key; fewer, an address or a selector.
        let run = match prefixed_hex(run) {
            Some(digits) if digits.len() >= 64 => digits,
            Some(_) => continue,
            None => run,
        };
        if run.len() >= 32 && run.bytes().all(|b| b.is_ascii_hexdigit()) && hex_random(run) {
            let before = &original[..start];
            // After its algorithm a digest (Terraform's lock file writes a zip's SHA-256 as
            // `zh:`); after `mrk-` a KMS multi-Region key's ID.
            let digest_prefix = [
                "sha1:", "sha256:", "sha384:", "sha512:", "md5:", "zh:", "mrk-",
            ]
            .iter()
            .any(|p| before.to_ascii_lowercase().ends_with(p));
            // A digest is named so by the variable or by its own key in a list of settings
            // (`DD_TAGS=git.commit.sha:<sha>`, `service.version=<sha>`).
            let public = field_key(before)
                .is_some_and(|k| names::digest_name(k) || names::public_name(k))
                || name.is_some_and(|n| {
                    names::digest_name(n) || (names::pgp_name(n) && pgp_fingerprint(run))
                })
                || sentry_public_key(before, run, &original[start + run.len()..])
                || trace_id(before, run, &original[start + run.len()..])
                || pinned_revision(before, run, &original[start + run.len()..])
                || run
                    .strip_prefix("04")
                    .is_some_and(|d| d.len() == 128 && hex_point(d))
                || acl_password_hash(before, run);
            if !digest_prefix && !public {
                return Some(format!("{} hexadecimal digits of key material", run.len()));
            }
        }
    }
    for (start, run) in runs(value, |b| b.is_ascii_alphanumeric() || b"+/_-".contains(&b)) {
        // Neither base64 of six bytes of text nor random material is shorter; most words are.
        // Hex with separators (UUIDs, dashed digests) is judged by the hex rule above.
        if run.len() < 8
            || run
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        // What the run would be, then whether it is an identifier or public material of that
        // shape after all (asked second: those tests read names and decode, the shape is cheap).
        let Some(why) = base64_or_random(run, name) else {
            continue;
        };
        if prefixed_hex(run).is_some()
            || alphabet(run)
            || content_id(run)
            || kms_key_id(run)
            || stripe_object_id(run)
            || kind_prefixed_id(run, name)
            || base64_digest(&value[..start], run, name)
            // A KMS blob or an Encryption SDK message as a field's value.
            || ciphertext(run)
            // A public key under its own key in a config (WireGuard's `PublicKey = …`), or in
            // the list that key holds on its line (Nix's `trusted-public-keys = a:… b:…`), or a
            // DKIM record's `p=`, which RFC 6376 makes the public key DNS publishes. A Nix
            // signing key (`<name>:` and 64 bytes) is none wherever it stands.
            || (!nix_signing_key(&original[..start], run)
                && (field_key(&original[..start]).is_some_and(|k| {
                    names::public_name(k)
                        || (k.eq_ignore_ascii_case("p")
                            && original.to_ascii_lowercase().contains("v=dkim1"))
                }) || list_key(&original[..start]).is_some_and(names::public_name)))
            || base64_decode(run).is_some_and(|d| public_blob(&d))
            || base58check_public(run)
            || qualified_class(&original[..start], run)
        {
            public_runs.push((start, start + run.len()));
            continue;
        }
        return Some(why);
    }
    if public_runs.is_empty() {
        return value.split_ascii_whitespace().find_map(generated_password);
    }
    let mut rest = value.as_bytes().to_vec();
    for (s, e) in public_runs {
        rest[s..e].fill(b' ');
    }
    String::from_utf8(rest)
        .unwrap_or_default()
        .split_ascii_whitespace()
        .find_map(generated_password)
}

/// A class named by its package, as JVM options and logging settings name classes
/// (`software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService`): CamelCase words
/// after two or more dotted lowercase segments, whatever vowels its words lack (`Sdk`, `Http`).
/// Random material is CamelCase over three quarters of its letters about once in a thousand
/// keys of 32 characters, and then still needs a package before it.
fn qualified_class(before: &str, run: &str) -> bool {
    let Some(package) = before.strip_suffix('.') else {
        return false;
    };
    let package = package
        .rsplit(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'))
        .next()
        .unwrap_or_default();
    let mut segments = package.split('.');
    package.contains('.')
        && segments.all(|s| s.len() >= 2 && s.starts_with(|c: char| c.is_ascii_lowercase()))
        && run.starts_with(|c: char| c.is_ascii_uppercase())
        && run.bytes().all(|b| b.is_ascii_alphanumeric())
        && word_coverage(run.as_bytes()) >= 0.75
}

/// Symbols password generators draw from besides letters and digits (Django's
/// `get_random_secret_key`, `pwgen -sy`, password managers); no quote, slash or backslash,
/// which mark paths, URLs and quoted text.
const PASSWORD_SYMBOLS: &[u8] = b"!@#$%^&*()-_=+[]{};:,.<>?~|";

/// A generated password: 24 characters or more of letters, digits and symbols (after a label
/// of words, `django-insecure-`), three symbols or more of them and a tenth symbols, as random
/// as text of its length can be, changing between letters, digits and symbols at least every
/// other character, and neither a pattern (`[a-z0-9-]`) nor a list of `key:value` settings.
/// Runs of letters and digits alone are judged as material; this is the
/// rest, whose symbols cut those runs short (Django's `get_random_secret_key`, `pwgen -sy`).
fn generated_password(token: &str) -> Option<String> {
    let mut token = token;
    // A label: words each followed by `-` or `_`.
    while let Some(at) = token.find(['-', '_'])
        && at > 0
        && token[..at].bytes().all(|b| b.is_ascii_alphabetic())
    {
        token = &token[at + 1..];
    }
    let b = token.as_bytes();
    let n = b.len();
    if n < 24
        || !b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || PASSWORD_SYMBOLS.contains(c))
        // A character class's range spells a pattern.
        || (token.contains('[')
            && ["a-z", "A-Z", "0-9", "a-f", "A-F"]
                .iter()
                .any(|range| token.contains(range)))
    {
        return None;
    }
    let mut symbols = [false; 128];
    let mut count = 0;
    for &c in b.iter().filter(|c| !c.is_ascii_alphanumeric()) {
        symbols[usize::from(c)] = true;
        count += 1;
    }
    if symbols.iter().filter(|s| **s).count() < 3
        || count * 10 < n
        || entropy(token) < (0.85 * (n as f64).log2()).min(4.5)
    {
        return None;
    }
    let class = |c: u8| {
        if c.is_ascii_alphabetic() {
            0
        } else if c.is_ascii_digit() {
            1
        } else {
            2
        }
    };
    let changes = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    // Settings: every item of a list a name and its value (`team:payments,owner:…`), a URL's
    // query string too (`?region=us-west-2&page_size=100`, what is left of a URL once its host
    // and path are read as identifiers).
    let list = token.trim_start_matches(['?', '#', '&']);
    let settings = list.split([',', ';', '&', '|']).count() > 1
        && list.split([',', ';', '&', '|']).all(|item| {
            item.find([':', '='])
                .filter(|&at| at > 0)
                .is_some_and(|at| {
                    item.as_bytes()[0].is_ascii_alphabetic()
                        && item[..at]
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c))
                })
        });
    if changes * 5 < n * 2 || settings {
        return None;
    }
    Some("a generated password: random letters, digits and symbols".into())
}

/// Why a run of base64 characters is a secret by its shape: base64 of text (a config document,
/// `user:password`) by what the text says, anything else when random — key material decodes to
/// binary.
fn base64_or_random(run: &str, name: Option<&str>) -> Option<String> {
    if let Some(text) = base64_decode(run)
        .filter(|d| d.len() >= 6)
        .and_then(|d| String::from_utf8(d).ok())
        .filter(|t| {
            t.chars()
                .all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace())
        })
    {
        return match secret_value(&text, name) {
            Some(why) => Some(format!("base64 of {why}")),
            None if credentials_pair(&text) => Some("base64 of user:password".into()),
            None => None,
        };
    }
    let whole = random(run);
    let segment = run
        .split(['+', '/', '_', '-'])
        .any(|s| !s.bytes().all(|b| b.is_ascii_hexdigit()) && random(s));
    (whole || segment).then(|| "a random string of key length (base64 or similar)".into())
}

/// An alphabet (`0-9A-Za-z`, nanoid's URL-safe one, Crockford's base32), which ID generators
/// and encoders are configured with: no character twice, and either 48 or more of them or
/// nearly all in ascending order. Random material of that length repeats one almost surely
/// (48 base64 characters without a repeat: about 1 in 3 billion), and is never sorted.
fn alphabet(run: &str) -> bool {
    let mut seen = [false; 256];
    let distinct = run
        .bytes()
        .all(|b| !std::mem::replace(&mut seen[usize::from(b)], true));
    let b = run.as_bytes();
    let ascending = b.windows(2).filter(|w| w[0] < w[1]).count();
    distinct && b.len() >= 26 && (b.len() >= 48 || ascending * 10 >= (b.len() - 1) * 9)
}

/// An IPFS content identifier, the digest of the content it names: CIDv0 (`Qm…`, base58 of a
/// SHA-256 multihash) or CIDv1 in base32 (`bafy…`: version 1, a codec, a multihash whose
/// length is the digest's), read by its structure.
pub(super) fn content_id(run: &str) -> bool {
    /// A multihash: a hash function's code, the digest's length, the digest.
    fn multihash(d: &[u8]) -> bool {
        let Some((code, rest)) = varint(d) else {
            return false;
        };
        let Some((len, digest)) = varint(rest) else {
            return false;
        };
        code > 0 && [20, 32, 48, 64].contains(&len) && digest.len() as u64 == len
    }
    fn varint(d: &[u8]) -> Option<(u64, &[u8])> {
        let mut n = 0u64;
        for (i, b) in d.iter().enumerate().take(9) {
            n |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some((n, &d[i + 1..]));
            }
        }
        None
    }
    if run.len() == 46 && run.starts_with("Qm") {
        return base58_decode(run).is_some_and(|d| multihash(&d));
    }
    // Multibase `b` (base32) or `k` (base36, IPNS names' usual spelling).
    let Some(data) = run
        .strip_prefix('b')
        .and_then(base32_lower_decode)
        .or_else(|| run.strip_prefix('k').and_then(base36_lower_decode))
    else {
        return false;
    };
    // Version 1, then the content's codec (dag-pb, raw, …), then the multihash — or, for a
    // libp2p public key (an IPNS name, a peer ID), the key itself as an identity multihash.
    data.first() == Some(&1)
        && varint(&data[1..]).is_some_and(|(codec, rest)| {
            multihash(rest)
                || (codec == 0x72
                    && varint(rest).is_some_and(|(code, rest)| {
                        code == 0 && varint(rest).is_some_and(|(len, key)| key.len() as u64 == len)
                    }))
        })
}

/// Multibase's base36 (`k…`, lower case) decoded to bytes, as a big number.
fn base36_lower_decode(s: &str) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    for c in s.bytes() {
        let mut carry = u32::from(match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => c - b'a' + 10,
            _ => return None,
        });
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 36 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Some(out)
}

/// Bitcoin's base58 alphabet decoded to bytes, leading `1`s as zero bytes.
/// A Base58Check string (Bitcoin's encoding: a version, the payload, four bytes of its
/// double SHA-256) whose version says it is public: an address (`1…`, `3…`, testnet `m…`,
/// `n…`, `2…`) or an extended public key (`xpub`, `ypub`, `zpub`, `tpub`). Its checksum makes
/// it one by structure; the private kinds (WIF keys `5…`/`K…`/`L…`, `xprv`) stay material.
fn base58check_public(run: &str) -> bool {
    use sha2::{Digest, Sha256};
    if !(25..=112).contains(&run.len()) {
        return false;
    }
    let Some(d) = base58_decode(run).filter(|d| d.len() > 4) else {
        return false;
    };
    let (payload, check) = d.split_at(d.len() - 4);
    if Sha256::digest(Sha256::digest(payload))[..4] != *check {
        return false;
    }
    let address = payload.len() == 21 && matches!(payload[0], 0x00 | 0x05 | 0x6f | 0xc4);
    let extended_public = payload.len() == 78
        && matches!(
            payload[..4],
            [0x04, 0x88, 0xb2, 0x1e]
                | [0x04, 0x9d, 0x7c, 0xb2]
                | [0x04, 0xb2, 0x47, 0x46]
                | [0x04, 0x35, 0x87, 0xcf]
        );
    address || extended_public
}

fn base58_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut out: Vec<u8> = Vec::new();
    for c in s.bytes() {
        let mut carry = u32::try_from(ALPHABET.iter().position(|a| *a == c)?).ok()?;
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|b| *b == b'1').count();
    Some([vec![0; zeros], out].concat())
}

/// RFC 4648 base32 in lower case without padding, as multibase's `b` writes it.
fn base32_lower_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let (mut bits, mut acc, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes() {
        acc = acc << 5 | u32::try_from(ALPHABET.iter().position(|a| *a == c)?).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `value` with each password hash in crypt's format blanked out.
fn without_crypt_hashes(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['$', '{', '*']) && !value.contains("md5") {
        return value.into();
    }
    let mut out = value.as_bytes().to_vec();
    let starts = value
        .match_indices(['$', '{', '*'])
        .chain(value.match_indices("SCRAM-SHA-"))
        .chain(value.match_indices("md5"));
    for (at, _) in starts {
        if let Some(len) = crypt_hash(&value[at..]) {
            out[at..at + len].fill(b' ');
        }
    }
    String::from_utf8(out).map_or(value.into(), Into::into)
}

/// The length of the password hash in crypt's modular format that `v` starts with
/// (`$2b$12$…` bcrypt, `$apr1$…` htpasswd, `$6$…` SHA-crypt, `$argon2id$v=19$…`, `$scrypt$…`,
/// `$pbkdf2-sha256$…`), as `/etc/shadow`, htpasswd and password settings hold them.
fn crypt_hash(v: &str) -> Option<usize> {
    const IDS: &[&str] = &[
        "1",
        "2",
        "2a",
        "2b",
        "2x",
        "2y",
        "5",
        "6",
        "7",
        "y",
        "gy",
        "apr1",
        "md5",
        "sha1",
        "argon2i",
        "argon2d",
        "argon2id",
        "scrypt",
        "pbkdf2",
        "pbkdf2-sha256",
        "pbkdf2-sha512",
    ];
    // RFC 2307's `{SCHEME}` of a hash, as LDAP's `userPassword` and Dovecot hold it (`{SSHA}…`,
    // `{SHA512-CRYPT}$6$…`); `{PLAIN}` and `{CLEARTEXT}` are no hash (see `plain_scheme`).
    const SCHEMES: &[&str] = &[
        "SHA",
        "SSHA",
        "SHA256",
        "SSHA256",
        "SHA384",
        "SSHA384",
        "SHA512",
        "SSHA512",
        "MD5",
        "SMD5",
        "CRYPT",
        "MD5-CRYPT",
        "SHA256-CRYPT",
        "SHA512-CRYPT",
        "BLF-CRYPT",
        "PBKDF2",
        "PBKDF2-SHA256",
        "PBKDF2-SHA512",
        "ARGON2I",
        "ARGON2ID",
    ];
    let hash_chars = |c: char| c.is_ascii_alphanumeric() || "./$=,+-".contains(c);
    // Doubled for Docker Compose or make, which read `$$` as `$` (a Traefik label's
    // `admin:$$apr1$$…`): the hash it stands for.
    if v.starts_with("$$") {
        let token = &v[..v.find(|c: char| !hash_chars(c)).unwrap_or(v.len())];
        let single = token.replace("$$", "$");
        return (crypt_hash(&single) == Some(single.len())).then_some(token.len());
    }
    // A SCRAM verifier (RFC 5803, PostgreSQL's `pg_authid`, PgBouncer's userlist):
    // `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, keys a server checks a
    // proof against, from which no password is read.
    for prefix in ["SCRAM-SHA-256$", "SCRAM-SHA-1$"] {
        if let Some(body) = v.strip_prefix(prefix) {
            let len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || "+/=:$".contains(c)))
                .unwrap_or(body.len());
            let verifier = body[..len]
                .split_once(':')
                .is_some_and(|(iterations, rest)| {
                    !iterations.is_empty()
                        && iterations.bytes().all(|b| b.is_ascii_digit())
                        && rest
                            .split_once('$')
                            .is_some_and(|(salt, keys)| !salt.is_empty() && keys.contains(':'))
                });
            return verifier.then_some(prefix.len() + len);
        }
    }
    // PostgreSQL's MD5 form (`md5` and 32 hex digits of MD5(password + user)) and MySQL's
    // native one (`*` and 40 upper-case hex digits), as a role's or user's password holds it.
    let hex_then_end = |rest: &str, n: usize, upper: bool| {
        rest.len() >= n
            && rest.as_bytes()[..n].iter().all(|b| {
                b.is_ascii_digit()
                    || if upper {
                        (b'A'..=b'F').contains(b)
                    } else {
                        (b'a'..=b'f').contains(b)
                    }
            })
            && !rest
                .as_bytes()
                .get(n)
                .is_some_and(u8::is_ascii_alphanumeric)
    };
    if let Some(rest) = v.strip_prefix("md5") {
        return hex_then_end(rest, 32, false).then_some(35);
    }
    if let Some(rest) = v.strip_prefix('*') {
        return hex_then_end(rest, 40, true).then_some(41);
    }
    if let Some((scheme, body)) = v.strip_prefix('{').and_then(|r| r.split_once('}')) {
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || "./$=,+-".contains(c)))
            .unwrap_or(body.len());
        return (SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) && len >= 16)
            .then_some(scheme.len() + 2 + len);
    }
    let rest = v.strip_prefix('$')?;
    let (id, body) = rest.split_once('$')?;
    if !IDS.contains(&id) {
        return None;
    }
    let len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || "./$=,+-".contains(c)))
        .unwrap_or(body.len());
    // Salt and hash, separated by `$` (bcrypt's cost too): at least two fields.
    (len >= 16 && body[..len].contains('$')).then_some(1 + id.len() + 1 + len)
}

/// A KMS multi-Region key's ID, `mrk-` and 32 hex digits: an identifier, the key material
/// never leaves KMS.
fn kms_key_id(run: &str) -> bool {
    run.strip_prefix("mrk-")
        .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A Stripe object's ID (`price_1MoBy5…`, `cus_NffrFe…`, `cs_test_a1YS…`): a prefix Stripe
/// gives one kind of object (`rules/stripe-id-prefixes.txt`, read from Stripe's API fixtures),
/// its mode, then letters and digits. An identifier, not a credential: Stripe's secrets are its
/// secret and restricted keys (`sk_`, `rk_`: gitleaks rule stripe-access-token) and webhook
/// signing secrets (`whsec_`), prefixes of no object; a client secret (`pi_…_secret_…`) is no ID.
fn stripe_object_id(run: &str) -> bool {
    const PREFIXES: &str = include_str!("../../../rules/stripe-id-prefixes.txt");
    let Some((prefix, id)) = run.rsplit_once('_') else {
        return false;
    };
    let prefix = ["_test", "_live"]
        .iter()
        .find_map(|mode| prefix.strip_suffix(mode))
        .unwrap_or(prefix);
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && PREFIXES
            .lines()
            .any(|line| !line.starts_with('#') && line == prefix)
}

/// An identifier that names its kind twice: a lower-case prefix (`org-`, `proj_`, `prj_`)
/// abbreviating the last word of a name that is no secret's (`OPENAI_ORG`, `OPENAI_PROJECT`,
/// `VERCEL_PROJECT`), then letters and digits — as vendors prefix their objects' IDs.
fn kind_prefixed_id(run: &str, name: Option<&str>) -> bool {
    let Some(name) = name.filter(|n| !names::secret_name(n)) else {
        return false;
    };
    let Some(kind) = names::pieces(name).pop() else {
        return false;
    };
    let Some((prefix, id)) = run.split_once(['-', '_']) else {
        return false;
    };
    // Each letter of the prefix in order in the kind, starting with its first.
    let mut letters = kind.chars();
    let abbreviates = prefix.len() >= 3
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && kind.starts_with(&prefix[..1])
        && prefix.chars().all(|c| letters.any(|k| k == c));
    abbreviates && !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `label` is a top-level domain (`rules/tlds.txt`: the Public Suffix List's, and names
/// for private use such as `internal`), in lower case as configuration writes host names: what
/// makes a dotted run a host name rather than a token (`a.b.fxomsgzxrysfwu` ends in none).
fn top_level_domain(label: &str) -> bool {
    sorted_lines_contain(TLDS, label)
}

const TLDS: &str = include_str!("../../../rules/tlds.txt");

/// Whether `list` (comment lines starting with `#`, then lines sorted bytewise) holds the line
/// `word`: a binary search over the text itself, so no table is built when the program starts.
pub(super) fn sorted_lines_contain(list: &str, word: &str) -> bool {
    let bytes = list.as_bytes();
    let header = list
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.len() + 1)
        .sum::<usize>();
    // `lo` is always a line's start and `hi` the start of the line after the range.
    let (mut lo, mut hi) = (header.min(bytes.len()), bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |i| lo + i + 1);
        let end = bytes[mid..hi]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(hi, |i| mid + i);
        match list[start..end].cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// The words of BIP39's English wordlist (`rules/bip39-english.txt`, sorted), from which
/// wallets write their seed phrases.
#[cfg(test)]
pub(crate) fn bip39_words() -> Vec<&'static str> {
    BIP39_TEXT.lines().collect()
}

const BIP39_TEXT: &str = include_str!("../../../rules/bip39-english.txt");

/// The BIP39 wordlist with each word (three to eight ASCII letters) packed big-endian into a
/// `u64`, zero-padded: the list is sorted and the packing keeps its order, so a lookup is a
/// binary search over integers, built with the program.
static BIP39: [u64; 2048] = {
    let text = BIP39_TEXT.as_bytes();
    let mut packed = [0u64; 2048];
    let (mut i, mut word, mut shift, mut n) = (0, 0u64, 56i32, 0);
    while i < text.len() {
        if text[i] == b'\n' {
            packed[n] = word;
            (n, word, shift) = (n + 1, 0, 56);
        } else {
            word |= (text[i] as u64) << shift;
            shift -= 8;
        }
        i += 1;
    }
    assert!(
        n == 2048 && shift == 56,
        "2048 lines, each ending in a newline"
    );
    packed
};

/// `word` lower-cased and packed as [`BIP39`] is, when it can be a word of the list.
fn bip39_key(word: &str) -> Option<u64> {
    if !(3..=8).contains(&word.len()) {
        return None;
    }
    let mut key = 0u64;
    for (i, b) in word.bytes().enumerate() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        key |= u64::from(b.to_ascii_lowercase()) << (56 - 8 * i);
    }
    Some(key)
}

/// A BIP39 mnemonic, a wallet's seed phrase and so its keys: twelve words or more in a row, all
/// from the wordlist. Twelve is the shortest phrase BIP39 defines (128 bits of entropy) and a
/// longer run holds a phrase of some valid length; the checksum is not asked, so a phrase
/// copied with a typo in a later word, or from a wallet that checks none, is found too.
/// Numbering (`1.`, `2)`) and separators (commas, quotes) between the words do not break a run;
/// any other word does, as prose's articles and prepositions do.
pub(crate) fn mnemonic(value: &str) -> Option<String> {
    let mut run = 0usize;
    let mut longest = 0;
    for token in value.split(|c: char| c.is_whitespace() || c == ',') {
        let word = token.trim_matches(|c: char| !c.is_alphabetic());
        if word.is_empty() {
            continue;
        }
        let listed = bip39_key(word).is_some_and(|k| BIP39.binary_search(&k).is_ok());
        run = if listed { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    (longest >= 12).then(|| format!("a BIP39 seed phrase ({longest} words of its wordlist)"))
}

/// The digits of `0x`-prefixed hex (judged by the hex rule, not as base64).
fn prefixed_hex(run: &str) -> Option<&str> {
    run.strip_prefix("0x")
        .or_else(|| run.strip_prefix("0X"))
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A digest in base64, public like a hex one: after its algorithm (`sha256:`, SRI's
/// `sha384-`, a field keyed by it, `pin-sha256="…"`) or under a digest's name, decoding to a
/// digest's length.
fn base64_digest(before: &str, run: &str, name: Option<&str>) -> bool {
    const ALGORITHMS: [&str; 5] = ["md5", "sha1", "sha256", "sha384", "sha512"];
    let lower_run = run.to_ascii_lowercase();
    let sri = ALGORITHMS.iter().find_map(|a| {
        lower_run
            .strip_prefix(a)
            // SRI's `sha384-…`, and a certificate pin's `sha256/…` (OkHttp, HPKP).
            .and_then(|rest| rest.strip_prefix(['-', '/']))
            .map(|_| &run[a.len() + 1..])
    });
    let lower_before = before.to_ascii_lowercase();
    // Go's module hashes (`go.sum`, Terraform's lock file) write SHA-256 in base64 after `h1:`.
    // A field whose key's last word is the algorithm (HPKP's `pin-sha256="…"`).
    let field_algorithm = || {
        field_key(before).is_some_and(|k| {
            let last = k.rsplit(['-', '_', '.']).next().unwrap_or_default();
            ALGORITHMS.iter().any(|a| last.eq_ignore_ascii_case(a))
        })
    };
    let (named, body) = match sri {
        Some(body) => (true, body),
        None => (
            ALGORITHMS.iter().chain(&["h1"]).any(|a| {
                lower_before
                    .strip_suffix(':')
                    .is_some_and(|b| b.ends_with(a))
            }) || field_algorithm()
                || name.is_some_and(names::digest_name),
            run,
        ),
    };
    named && base64_decode(body).is_some_and(|d| [16, 20, 28, 32, 48, 64].contains(&d.len()))
}

/// Binary that is public by its own structure: an SSH public key (its wire format names the
/// key type), or DER whose outline only public data has: an X.509 certificate (a SEQUENCE
/// whose to-be-signed certificate starts with the explicit version tag), a SubjectPublicKeyInfo
/// (`PUBLIC KEY` without armour: an AlgorithmIdentifier SEQUENCE, then a BIT STRING), or a
/// PKCS#1 RSA public key (exactly two INTEGERs, the modulus first); or a signify or minisign
/// public key. Private keys start with an INTEGER version of 0 instead (PKCS#8, PKCS#1, SEC 1)
/// and hold more.
fn public_blob(d: &[u8]) -> bool {
    let ssh = d.len() > 4 && {
        let n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as usize;
        d.get(4..4 + n).is_some_and(|t| {
            (t.starts_with(b"ssh-") || t.starts_with(b"ecdsa-") || t.starts_with(b"sk-"))
                && t.iter().all(|b| b.is_ascii_graphic())
        })
    };
    // Skips a DER tag and length, returning what follows the header: enough to know a
    // certificate, even one cut short.
    fn header(d: &[u8], tag: u8) -> Option<&[u8]> {
        let (&t, rest) = d.split_first()?;
        let (&len, rest) = rest.split_first()?;
        if t != tag {
            return None;
        }
        let extra = if len & 0x80 == 0 {
            0
        } else {
            usize::from(len & 0x7f)
        };
        rest.get(extra..)
    }
    let certificate = header(d, 0x30)
        .and_then(|inner| header(inner, 0x30))
        .is_some_and(|tbs| tbs.first() == Some(&0xa0));
    let Some((0x30, body, _)) = der(d) else {
        return ssh || certificate || signify_public(d) || super::curve::uncompressed_point(d);
    };
    let mut outline = Vec::new();
    let mut rest = body;
    while let Some((tag, content, next)) = der(rest) {
        outline.push((tag, content));
        rest = next;
    }
    let tags: Vec<u8> = outline.iter().map(|(tag, _)| *tag).collect();
    let spki = tags == [0x30, 0x03] && der(outline[0].1).is_some_and(|(tag, _, _)| tag == 0x06);
    let rsa_public = tags == [0x02, 0x02] && outline[0].1.len() >= 64;
    ssh || certificate || spki || rsa_public
}

/// A signify or minisign public key: `Ed`, an 8-byte key ID and a 32-byte Ed25519 key (42
/// bytes; their secret keys are longer files, `Ed` then a KDF's name). Random bytes start
/// with `Ed` once in 65,536.
fn signify_public(d: &[u8]) -> bool {
    d.len() == 42 && d.starts_with(b"Ed")
}

/// The first DER element of `d` (tag, content, what follows), definite lengths only.
fn der(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = d.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let (len, rest) = if len & 0x80 == 0 {
        (usize::from(len), rest)
    } else {
        let n = usize::from(len & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = rest.get(..n)?;
        (
            bytes
                .iter()
                .fold(0usize, |acc, b| acc << 8 | usize::from(*b)),
            &rest[n..],
        )
    };
    Some((tag, rest.get(..len)?, &rest[len..]))
}

/// Byte ranges of identifiers that carry random-looking parts but never a credential: host
/// names (`abc123.execute-api.us-east-1.amazonaws.com`: dotted labels ending in an
/// alphabetic top-level label; a dotted token ends in random material instead) and ARNs.
fn hostnames(value: &str) -> Vec<(usize, usize)> {
    let hosts = runs(value, |b| {
        b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
    })
    .filter(|(_, run)| {
        let last = run.rsplit('.').next().unwrap_or_default();
        run.contains('.') && top_level_domain(last)
    });
    // A resource's ID or the account inside an ARN (`key/${Key}`, `${AWS::AccountId}`) is part
    // of it: read as three ASCII bytes, the length of `REFERENCE` in UTF-8, so ranges still fit.
    let ascii = value.replace(REFERENCE, "000");
    let arns = runs(&ascii, |b| b.is_ascii_graphic() && !b"\"',;".contains(&b))
        .filter(|(_, run)| run.starts_with("arn:"))
        .map(|(s, run)| (s, s + run.len()));
    hosts
        .map(|(s, run)| (s, s + run.len()))
        .chain(arns)
        .collect()
}

/// The path segments of URLs that address a resource (`/avatar/<md5>`, `/commit/<sha>`): a
/// URL's path names what it points at, its credentials go in the user part or in query
/// parameters. A capability URL, whose path is the credential, keeps its path: one that
/// receives what is pushed to it ([`RECEIVING`] in a host label or segment: Slack's, Discord's,
/// Zapier's webhooks, PagerDuty's `events.…/integration/<key>`, Datadog's `http-intake…/input/
/// <key>`), the segments after one naming a secret (IFTTT's `/with/key/<key>`, `/token/<t>`;
/// not a collection's plural, `/keys/<id>`), and a segment with parameters or an `id:secret`
/// pair.
fn url_path_identifiers(value: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = value[from..].find("://") {
        // `SHA512://…` is a fingerprint whose base64 starts with `//`: no scheme is a digest.
        let scheme = value[..from + i]
            .rsplit(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ["md5", "sha1", "sha256", "sha384", "sha512"].contains(&scheme.as_str()) {
            from += i + 3;
            continue;
        }
        let authority_start = from + i + 3;
        let url_end = value[authority_start..]
            .find(|c: char| c.is_whitespace() || "\"'<>`".contains(c))
            .map_or(value.len(), |e| authority_start + e);
        from = url_end;
        let url = &value[authority_start..url_end];
        let path_start = url.find('/').unwrap_or(url.len());
        let path_end = url.find(['?', '#']).unwrap_or(url.len()).max(path_start);
        let (authority, path) = (&url[..path_start], &url[path_start..path_end]);
        let receiving = |text: &str| {
            let lower = text.to_ascii_lowercase();
            RECEIVING.iter().any(|w| lower.contains(w))
        };
        if receiving(authority) {
            continue;
        }
        let mut offset = authority_start + path_start;
        for segment in path.split('/') {
            let lower = segment.to_ascii_lowercase();
            // A plural (`/keys/<id>`, `/tokens/<id>`) names a collection, whose next segment
            // is an item's ID.
            let collection = lower.ends_with('s') && !lower.ends_with("ss");
            // A content ID is a digest, whatever words its letters happen to spell (`…ping…`).
            if !content_id(segment)
                && (receiving(segment) || (names::secret_name(segment) && !collection))
            {
                break;
            }
            // A segment with parameters (`;jsessionid=…`) or an `id:secret` pair (Telegram's
            // `bot<id>:<token>`) carries its own credential syntax.
            if !segment.contains(['=', ':']) {
                out.push((offset, offset + segment.len()));
            }
            offset += segment.len() + 1;
        }
    }
    out
}

/// Words of URLs that receive what is pushed to them — webhooks, event and log intake,
/// integrations, pings — whose path is the key that lets a sender in.
const RECEIVING: &[&str] = &[
    "hook",
    "integration",
    "input",
    "receiver",
    "intake",
    "ingest",
    "collect",
    "enqueue",
    "trigger",
    "notif",
    "alert",
    "ping",
    "event",
];

/// `user:password`, as HTTP Basic and registry `auth` fields encode it.
fn credentials_pair(text: &str) -> bool {
    text.split_once(':').is_some_and(|(user, password)| {
        !user.is_empty()
            && user
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@+-".contains(&b))
            && !password.is_empty()
            && !text.contains(char::is_whitespace)
            && !text.contains("://")
    })
}

/// Maximal runs of bytes matching `keep`, with their start.
fn runs(value: &str, keep: impl Fn(u8) -> bool) -> impl Iterator<Item = (usize, &str)> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (keep(b) && i < bytes.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &value[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out.into_iter()
}

fn hex_random(run: &str) -> bool {
    let digits = run.bytes().filter(u8::is_ascii_digit).count();
    digits > 0 && digits < run.len() && entropy(run) >= 3.0
}

/// Whether a run of base64 characters is random material rather than an identifier: long
/// enough, high entropy for its length, and without the structure of names — words between
/// separators (`claude-sonnet-4-20250514-v1`, `stack-Function-1A2B3C4D5E6F7`), capitalised
/// words with vowels (`OrderProcessingStateMachine`), letters and digits in a few long groups.
/// Random base62/base64 of 24 characters or more passes with probability above 99.9%.
fn random(run: &str) -> bool {
    let alnum: Vec<u8> = run.bytes().filter(u8::is_ascii_alphanumeric).collect();
    let n = alnum.len();
    if n < 20 {
        return false;
    }
    if run.len() > n {
        let mut wordy = 0;
        for segment in run.split(['+', '/', '_', '-']) {
            if word_like(segment) {
                wordy += segment.len();
            }
        }
        if wordy * 5 >= n * 4 || n - wordy < 20 {
            return false;
        }
    }
    let lower = alnum.iter().filter(|b| b.is_ascii_lowercase()).count();
    let upper = alnum.iter().filter(|b| b.is_ascii_uppercase()).count();
    let digits = n - lower - upper;
    let text = String::from_utf8_lossy(&alnum);
    if entropy(&text) < (0.7 * (n as f64).log2()).min(4.5) {
        return false;
    }
    let digit_groups = alnum
        .windows(2)
        .filter(|w| !w[0].is_ascii_digit() && w[1].is_ascii_digit())
        .count()
        + usize::from(alnum[0].is_ascii_digit());
    if lower > 0 && upper > 0 {
        let vowels = alnum.iter().filter(|b| b"aeiouAEIOU".contains(b)).count();
        let identifier = word_coverage(&alnum) >= 0.75
            && (vowels * 10 >= (lower + upper) * 3 || pronounceable_words(&alnum))
            && digit_groups <= 2;
        return !identifier;
    }
    // One case of letters and digits: random material interleaves them.
    let transitions = alnum
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    n >= 32 && digits > 0 && digits < n && transitions * 8 >= n
}

/// The CamelCase runs of `alnum`: an optional capital and the lowercase letters after it
/// (`Load`, `balancer`); digits and other characters end a run and belong to none.
fn camel_runs(alnum: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < alnum.len() {
            let start = i;
            if alnum[i].is_ascii_uppercase() {
                i += 1;
            }
            while i < alnum.len() && alnum[i].is_ascii_lowercase() {
                i += 1;
            }
            if i == start {
                i += 1;
            } else {
                return Some(&alnum[start..i]);
            }
        }
        None
    })
}

/// Whether the CamelCase words of a name (three or more, of three letters or more) each read
/// as a word: a vowel or `y` in it and no four letters running without one. Names of
/// technical words are short of vowels (`MysqlClearPasswordPlugin`: a quarter of its
/// letters); random letters break one of these in nearly every word.
fn pronounceable_words(alnum: &[u8]) -> bool {
    let vowel = |b: &u8| b"aeiouyAEIOUY".contains(b);
    let mut words = 0;
    for word in camel_runs(alnum).filter(|w| w.len() >= 3) {
        let longest_without = word.split(vowel).map(<[u8]>::len).max().unwrap_or(0);
        if !word.iter().any(vowel) || longest_without >= 4 {
            return false;
        }
        words += 1;
    }
    words >= 3
}

/// A word of a name: all digits, one case of letters, capitalised, or two characters or
/// fewer.
fn word_like(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().all(u8::is_ascii_alphabetic);
    b.len() <= 2
        || b.iter().all(u8::is_ascii_digit)
        || (letters && b.iter().all(u8::is_ascii_lowercase))
        || (letters && b.iter().all(u8::is_ascii_uppercase))
        || (letters && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_lowercase))
}

/// The share of characters in words of three letters or more (`Load`, `balancer`), as in
/// CamelCase identifiers.
pub(super) fn word_coverage(alnum: &[u8]) -> f64 {
    let covered: usize = camel_runs(alnum).map(<[u8]>::len).filter(|&n| n >= 3).sum();
    covered as f64 / alnum.len() as f64
}

/// Standard or URL-safe base64, padded or not.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    (s.len() % 4 != 1).then_some(out)
}
