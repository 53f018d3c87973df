//! `secret-in-env`, `reserved-env`, `env-size`: what plain environment variables may hold.
//!
//! Environment variables are visible to anyone who can read the function's configuration
//! and are copied into every deployment artifact; secrets belong in Secrets Manager.

use super::Sink;
use crate::model::Expr;
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
fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split('_').collect();
    !words.contains(&"PUBLIC") && words.iter().any(|w| SECRET_WORDS.contains(w))
}

/// Why `value` looks like a credential whatever its name, if it does.
fn secret_value(value: &str) -> Option<&'static str> {
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
    let random_alphabet = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b));
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
    ];
    if value.len() >= 32 && random_alphabet && classes.iter().all(|c| *c) {
        return Some("a long random string (a key or token)");
    }
    None
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
        let Expr::Literal(value) = &var.value else {
            // References (a secret's ARN, a resource name) are resolved by CloudFormation.
            size += name.len() + 128;
            continue;
        };
        size += name.len() + value.len();
        let reason = secret_value(value).or_else(|| {
            (secret_name(name) && !value.starts_with("arn:") && !value.is_empty())
                .then_some("named like a secret")
        });
        if let Some(reason) = reason {
            sink.push(
                "secret-in-env",
                id,
                format!("environment variable {name} holds a literal that looks like a secret ({reason})"),
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
}
