//! A function's section of the review page: its settings with units, image, URL and
//! environment, read from the typed properties.

use super::{Function, HandlerMode, Tracing, UrlAuth};
use crate::model::Resource;
use crate::model::section::{Section, Words, code, serialized_name, words as and_list};

pub(super) fn section(f: &Function, resource: &Resource, words: &dyn Words) -> Section {
    let concurrency = match f.reserved_concurrency {
        Some(n) => format!(
            "{} reserved: at most {} at once, always available to this function",
            n.get(),
            n.get()
        ),
        None => "unreserved: shares the account's pool, with no cap".to_owned(),
    };
    let deploys = match &f.safe_deploy {
        None => "all at once: the stack update switches every call to the new image".into(),
        Some(d) => {
            let alarms: Vec<String> = d.alarms.iter().map(|a| words.target(a)).collect();
            format!(
                "gradually: each deploy publishes a version, and CodeDeploy moves the alias {} \
                 (which the Function URL is on) to it by {}, rolling back if {} fires",
                code(d.alias.as_str()),
                serialized_name(d.shift),
                and_list(&alarms).replace(" and ", " or ")
            )
        }
    };
    let platform = f.architecture.docker_platform();
    let settings = vec![
        (
            "Architecture".into(),
            format!("{} (image platform {platform})", f.architecture.name()),
        ),
        ("Memory".into(), format!("{} MB", f.memory.get())),
        ("Timeout".into(), format!("{} s", f.timeout.get())),
        (
            "Ephemeral storage (`/tmp`)".into(),
            format!("{} MB", f.ephemeral_storage.get()),
        ),
        ("Concurrency".into(), concurrency),
        (
            "Handler".into(),
            match f.handler {
                HandlerMode::Streaming => "streams its responses",
                HandlerMode::Buffered => "returns whole responses",
            }
            .into(),
        ),
        (
            "Tracing".into(),
            match f.tracing {
                Tracing::Active => "Active: X-Ray traces every request",
                Tracing::PassThrough => {
                    "PassThrough: traced only when a caller sends a sampled X-Ray header"
                }
            }
            .into(),
        ),
        (
            "Logs".into(),
            format!(
                "JSON; application level {}, system level {}; to {}",
                serialized_name(f.logging.application_level),
                serialized_name(f.logging.system_level),
                words.target(&f.logging.log_group)
            ),
        ),
        ("Execution role".into(), words.target(&f.role)),
        ("Deploys".into(), deploys),
    ];
    let mut settings = settings;
    if let Some(n) = f.provisioned_concurrency {
        settings.push((
            "Provisioned concurrency".into(),
            format!("{n} instances kept initialized on the alias"),
        ));
    }
    settings.push((
        "Network".into(),
        match &f.vpc {
            Some(v) => format!(
                "in a VPC: subnets {}, security groups {}",
                words.value(&v.subnet_ids),
                words.value(&v.security_group_ids)
            ),
            None => "outside any VPC: AWS APIs and the internet only".into(),
        },
    ));
    settings.push(("Invoked by".into(), triggers(f, words)));
    settings.push(("Failed asynchronous calls".into(), failures(f, words)));
    let section = Section::new(format!(
        "Function {} ({})",
        code(f.function_name.as_str()),
        code(resource.id.as_str())
    ))
    .text(f.description.clone())
    .settings(["Setting", "Value"], settings)
    .heading("Image")
    .settings(["", ""], image(f, resource, words))
    .heading("URL and authentication")
    .list(url(f))
    .heading("Environment variables");
    environment(f, words, section)
}

/// What invokes the function besides its URL, in words.
fn triggers(f: &Function, words: &dyn Words) -> String {
    use super::events::EventSource;
    let target = match &f.safe_deploy {
        Some(d) => format!("the alias {}", code(d.alias.as_str())),
        None => "the latest version".to_owned(),
    };
    let items: Vec<String> = f
        .events
        .iter()
        .map(|e| match &e.source {
            EventSource::Sqs(s) => format!(
                "{} ({}): batches of up to {} messages{}{}{}",
                words.target(&s.queue),
                code(e.name.as_str()),
                s.batch.size(),
                if s.batch.window_s() > 0 {
                    format!(", gathered for up to {} s", s.batch.window_s())
                } else {
                    String::new()
                },
                if s.report_batch_item_failures {
                    ", failed messages reported one by one"
                } else {
                    ", a failure retries the whole batch"
                },
                s.maximum_concurrency
                    .map(|n| format!(", at most {n} at once"))
                    .unwrap_or_default()
            ),
            EventSource::Schedule(s) => format!(
                "the schedule {} ({}) in {}{}",
                code(s.expression.as_str()),
                code(e.name.as_str()),
                s.time_zone.as_ref().map_or("UTC", |z| z.as_str()),
                s.dead_letter
                    .as_ref()
                    .map(|d| format!(", undeliverable runs to {}", words.target(d)))
                    .unwrap_or_default()
            ),
        })
        .collect();
    if items.is_empty() {
        "nothing else (no queue or schedule)".into()
    } else {
        format!("{}; each invokes {target}", and_list(&items))
    }
}

fn failures(f: &Function, words: &dyn Words) -> String {
    match &f.async_invoke {
        None => "Lambda's defaults: two retries, then dropped".into(),
        Some(a) => format!(
            "{} retries, events older than {} s dropped; then {}",
            a.retries(),
            a.max_age_s(),
            a.on_failure
                .as_ref()
                .map_or("dropped".to_owned(), |(_, arn)| format!(
                    "sent to {}",
                    words.target(arn)
                ))
        ),
    }
}

fn image(f: &Function, resource: &Resource, words: &dyn Words) -> Vec<(String, String)> {
    let json_list = |items: &[String]| serde_json::to_string(items).unwrap_or_default();
    let mut rows = vec![("Image URI".to_owned(), words.value(&f.image_uri))];
    rows.extend(
        words
            .sub_parts(&f.image_uri)
            .into_iter()
            .map(|(name, meaning)| (format!("`${{{name}}}`"), meaning)),
    );
    rows.push((
        "Dockerfile".into(),
        format!(
            "{}, built for {} (the platform follows the architecture)",
            code(&f.source.dockerfile),
            f.architecture.docker_platform()
        ),
    ));
    rows.extend(
        resource
            .metadata
            .iter()
            .filter(|(k, _)| k.starts_with("Docker"))
            .map(|(k, v)| (format!("`sam build` {k}"), words.metadata(v))),
    );
    rows.extend([
        (
            "EntryPoint".into(),
            code(&json_list(f.image_config.entry_point())),
        ),
        ("Command".into(), code(&json_list(f.image_config.command()))),
        (
            "WorkingDirectory".into(),
            code(f.image_config.working_directory()),
        ),
    ]);
    rows
}

fn url(f: &Function) -> Vec<(String, Vec<String>)> {
    let Some(u) = &f.url else {
        return vec![(
            "No Function URL: only AWS principals allowed to invoke the function can call it."
                .into(),
            Vec::new(),
        )];
    };
    let mut items = Vec::new();
    match &u.auth {
        UrlAuth::AwsIam => items
            .push("Function URL, auth type AWS_IAM: callers sign requests with SigV4.".to_owned()),
        UrlAuth::Public(reason) => {
            items.push(
                "Function URL, auth type NONE: anyone on the internet can call it.".to_owned(),
            );
            items.push(format!("Why it is public: {}.", reason.as_str()));
        }
    }
    items.push(format!("Invoke mode {}.", serialized_name(u.invoke_mode)));
    items.push(match &u.cors {
        Some(c) => {
            let list = |items: Vec<String>| {
                if items.is_empty() {
                    "none".to_owned()
                } else {
                    items.join(", ")
                }
            };
            format!(
                "CORS: origins {}; methods {}; request headers {}; exposed headers {}; \
                 credentials {}; preflight cached {} s.",
                list(
                    c.allow_origins
                        .iter()
                        .map(|o| code(&serialized_name(o)))
                        .collect()
                ),
                list(c.allow_methods.iter().map(serialized_name).collect()),
                list(c.allow_headers.iter().map(|h| code(h)).collect()),
                list(c.expose_headers.iter().map(|h| code(h)).collect()),
                if c.allow_credentials {
                    "allowed"
                } else {
                    "not allowed"
                },
                c.max_age
            )
        }
        None => "No CORS: browsers on other origins cannot call it.".into(),
    });
    items.into_iter().map(|i| (i, Vec::new())).collect()
}

fn environment(f: &Function, words: &dyn Words, section: Section) -> Section {
    if f.environment.is_empty() {
        return section.text("None.");
    }
    let rows = f
        .environment
        .iter()
        .map(|e| {
            let source = match &e.value {
                crate::model::Expr::Literal(_) => {
                    "a literal in the template (not shown here; see the template)".to_owned()
                }
                other => words.value(other),
            };
            vec![code(e.name.as_str()), source]
        })
        .collect();
    section
        .text("Names and where the values come from; secret values are never in the environment.")
        .table(&["Name", "Value"], rows)
}
