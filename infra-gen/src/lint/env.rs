//! `secret-in-env`, `reserved-env`, `env-size`: what plain environment variables may hold.
//!
//! Environment variables are visible to anyone who can read the function's configuration
//! and are copied into every deployment artifact; secrets belong in Secrets Manager.

use super::Sink;
use crate::model::lambda::Function;

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

const SECRET_WORDS: [&str; 13] = [
    "KEY",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "DSN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATE",
];

/// A name such as `MAILGUN_KEY` or `AUTH_SECRET`; `PUBLIC_KEY` names are not secrets.
pub(super) fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split('_').collect();
    !words.contains(&"PUBLIC") && words.iter().any(|w| SECRET_WORDS.contains(w))
}

/// Why `value` looks like a credential whatever its name, if it does: a gitleaks rule, a
/// JSON document or URL query holding a secret-named field, or one of the forms below.
fn secret_value(value: &str) -> Option<String> {
    if let Some(rule) = super::secrets::matching_rule(value) {
        return Some(format!("gitleaks rule {rule}"));
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(value)
        && let Some(field) = secret_field(&json)
    {
        return Some(format!("a JSON document with a {field} field"));
    }
    if let Some((_, query)) = value.split_once('?')
        && let Some(field) = query
            .split(['&', ';', '#'])
            .filter_map(|p| p.split_once('='))
            .find(|(k, v)| !v.is_empty() && query_secret_name(k))
            .map(|(k, _)| k)
    {
        return Some(format!("a URL whose query carries {field}"));
    }
    if let Some((_, rest)) = value.split_once("://")
        && rest
            .split(['/', '?', '#', '&', '='])
            .skip(1)
            .any(|segment| random_token(segment, 24))
    {
        return Some("a URL carrying a token (e.g. a webhook)".to_owned());
    }
    builtin_secret_value(value).map(str::to_owned)
}

/// At least `min` characters of a key alphabet, mixing lower case, upper case and digits.
fn random_token(value: &str, min: usize) -> bool {
    let random_alphabet = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b));
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
    ];
    value.len() >= min && random_alphabet && classes.iter().all(|c| *c)
}

/// A secret-named field with a non-empty value, anywhere in a JSON document.
fn secret_field(json: &serde_json::Value) -> Option<String> {
    match json {
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            let literal = v
                .as_str()
                .is_some_and(|s| !s.is_empty() && !s.starts_with("arn:"));
            if literal && query_secret_name(k) {
                Some(k.clone())
            } else {
                secret_field(v)
            }
        }),
        serde_json::Value::Array(items) => items.iter().find_map(secret_field),
        _ => None,
    }
}

/// `api_key`, `apiKey`, `access-token`, `password`…: a secret name in any case style.
fn query_secret_name(name: &str) -> bool {
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(if c == '-' || c == '.' { '_' } else { c });
    }
    secret_name(&snake)
        || ["sig", "signature", "auth"].contains(&name.to_ascii_lowercase().as_str())
}

fn builtin_secret_value(value: &str) -> Option<&'static str> {
    let prefixes = [
        ("AKIA", "an AWS access key ID"),
        ("ASIA", "an AWS access key ID"),
        ("-----BEGIN", "a PEM private key"),
        ("sk-", "an API key"),
        ("sk_live_", "an API key"),
        ("ghp_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("AIza", "a Google API key"),
        ("eyJ", "a JSON Web Token"),
    ];
    if let Some((_, what)) = prefixes
        .iter()
        .find(|(p, _)| value.starts_with(p) && value.len() >= 16)
    {
        return Some(what);
    }
    if let Some((scheme, rest)) = value.split_once("://")
        && !scheme.is_empty()
        && let Some(userinfo) = rest
            .split('/')
            .next()
            .and_then(|auth| auth.rsplit_once('@'))
            .map(|(u, _)| u)
        && userinfo.contains(':')
    {
        return Some("a connection string (DSN) with a password");
    }
    random_token(value, 32).then_some("a long random string (a key or token)")
}

/// Why a variable's whole literal value looks like a secret, by value or by name (also for
/// a Dockerfile's final `ENV`, which is part of the function's environment too).
pub(super) fn literal_reason(name: &str, value: &str) -> Option<String> {
    secret_value(value)
        .or_else(|| {
            // Rules that need an assignment context (`SNYK_TOKEN="…"`), as in a .env file.
            super::secrets::matching_rule(&format!("{name}=\"{value}\""))
                .map(|rule| format!("gitleaks rule {rule}"))
        })
        .or_else(|| {
            (secret_name(name) && !value.starts_with("arn:") && !value.is_empty())
                .then(|| "named like a secret".to_owned())
        })
}

pub(super) fn check(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let mut size = 0;
    for var in &f.environment {
        let name = var.name.as_str();
        if RESERVED.contains(&name) {
            sink.push(
                "reserved-env",
                id,
                format!("environment variable {name} is reserved: Lambda sets it and rejects the function"),
                format!("remove {name}; the runtime already provides it"),
            );
        }
        let resolved = sink.scope().resolve(&var.value);
        // Unknown parts count at their longest; an attribute (an ARN, a name) at a typical 256.
        size += name.len() + resolved.max_len_or(256);
        let reason = resolved
            .dynamic_references()
            .into_iter()
            .find(|r| r.is_secret())
            .map(|r| {
                format!(
                    "a dynamic reference {{{{resolve:{}:…}}}}, which CloudFormation replaces with the secret's value in plain text",
                    r.service
                )
            })
            .or_else(|| match resolved.known() {
                Some(value) => literal_reason(name, value),
                None => resolved.texts().find_map(secret_value),
            });
        if let Some(reason) = reason {
            sink.push(
                "secret-in-env",
                id,
                format!("environment variable {name} holds a value that looks like a secret ({reason})"),
                format!(
                    "store the value in Secrets Manager (Service::secret with SecretSpec) and give the function its ARN, e.g. {name}_SECRET_ARN"
                ),
            );
        }
    }
    if size > 4096 {
        sink.push(
            "env-size",
            id,
            format!("environment variables take about {size} bytes; Lambda allows 4096"),
            "move large values to a secret, a parameter or the image",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised_by_word() {
        for n in [
            "OPENAI_API_KEY",
            "AUTH_SECRET",
            "DISCORD_BOT_TOKEN",
            "SENTRY_DSN",
            "DB_PASSWORD",
            "MAILGUN_KEY",
        ] {
            assert!(secret_name(n), "{n}");
        }
        for n in [
            "LOG_LEVEL",
            "DISCORD_PUBLIC_KEY",
            "KEYBOARD_LAYOUT",
            "MONKEY",
        ] {
            assert!(!secret_name(n), "{n}");
        }
    }

    #[test]
    fn secret_values_are_recognised_whatever_the_name() {
        assert!(secret_value("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_value("postgres://app:hunter2@db.internal:5432/app").is_some());
        assert!(secret_value("sk-ant-api03-abcdefghijklmnop").is_some());
        assert!(secret_value("aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3").is_some());
        assert!(secret_value("https://example.com/path").is_none());
        assert!(secret_value("us.anthropic.claude-sonnet-4-5-20250929-v1:0").is_none());
        assert!(secret_value("info").is_none());
    }

    #[test]
    fn secrets_inside_json_documents_are_recognised() {
        assert!(secret_value(r#"{"host":"db","password":"hunter2"}"#).is_some());
        assert!(secret_value(r#"{"db":{"user":"app","apiKey":"abc123"}}"#).is_some());
        assert!(secret_value(r#"[{"client_secret":"s3cr3t"}]"#).is_some());
        assert!(secret_value(r#"{"level":"info","region":"us-west-2"}"#).is_none());
    }

    #[test]
    fn tokens_in_urls_are_recognised() {
        for url in [
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://api.example.com/v1/events?token=abc123def",
            "https://example.com/cb?foo=1&api_key=zzz",
            "https://example.com/x?sig=abcdef",
            "https://user:pass@example.com/hook",
            "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab",
        ] {
            assert!(secret_value(url).is_some(), "{url}");
        }
        assert!(secret_value("https://example.com/search?q=1&page=2").is_none());
    }

    #[test]
    fn vendor_tokens_are_recognised_whatever_their_length() {
        for token in [
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            "glpat-0123456789abcdefghij",
            "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
            "sk_live_0123456789abcdefghijklmn",
            "npm_0123456789abcdefghijklmnopqrstuvwxyz",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            assert!(secret_value(token).is_some(), "{token}");
        }
    }

    #[test]
    fn ordinary_configuration_is_not_a_secret() {
        for value in [
            "info",
            "LOG_LEVEL",
            "arn:aws:secretsmanager:us-west-2:123456789012:secret:chatrix/prod/api-key-AbCdEf",
            "global.anthropic.claude-opus-4-5-20251101-v1:0",
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "https://example.com/path",
            "/aws/lambda/chatrix-prod",
            "true",
            "8080",
        ] {
            assert!(secret_value(value).is_none(), "{value}");
        }
    }
}
