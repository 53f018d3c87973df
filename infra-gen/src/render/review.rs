//! `generated/<stack>.md`: the page a reviewer reads instead of the console. It is rendered
//! from the same typed values as the template and drift-checked with it, so it cannot go stale:
//! a change to the definitions that changes the template changes this page in the same diff.

use serde::Serialize;
use serde_json::Value;

use super::{GeneratedFile, MARKDOWN_HEADER_MARK, jinja};
use crate::Error;
use crate::build::{App, Stack};
use crate::deploy;
use crate::model::ecr::{Encryption, Repository, TagMutability};
use crate::model::expr::sub_placeholders;
use crate::model::iam::{Operator, Role, Statement};
use crate::model::lambda::{Function, HandlerMode, Tracing, UrlAuth};
use crate::model::logs::LogGroup;
use crate::model::secrets::Secret;
use crate::model::{DeletionPolicy, Expr, Properties, Resource, Template};

const TEMPLATE: &str = include_str!("../../templates/review.md.j2");

#[derive(Serialize)]
struct Page {
    header: String,
    stack: String,
    description: String,
    environment: String,
    region: String,
    source: String,
    template_file: String,
    config_env: String,
    flags: Vec<deploy::Flag>,
    after: Vec<String>,
    before: Vec<String>,
    capabilities: Vec<&'static str>,
    tags: Vec<(&'static str, String)>,
    parameters: Vec<ParameterView>,
    resources: Vec<ResourceRow>,
    functions: Vec<FunctionView>,
    roles: Vec<RoleView>,
    repositories: Vec<RepositoryView>,
    log_groups: Vec<LogGroupView>,
    secrets: Vec<SecretView>,
    /// Kinds without a section of their own: their `Kind::review` rows.
    others: Vec<OtherView>,
    stateful: Vec<StatefulRow>,
    accepted: Vec<AcceptedFinding>,
    replacements: Vec<(String, String)>,
    outputs: Vec<OutputView>,
}

/// A scanner rule the stack knowingly does not meet, with the written reason.
#[derive(Serialize)]
struct AcceptedFinding {
    resource: String,
    tool: &'static str,
    rule: String,
    reason: String,
}

#[derive(Serialize)]
struct ParameterView {
    name: String,
    description: String,
    pattern: String,
    constraint: String,
}

#[derive(Serialize)]
struct ResourceRow {
    id: String,
    kind: &'static str,
    what: String,
}

#[derive(Serialize)]
struct FunctionView {
    id: String,
    name: String,
    description: String,
    architecture: &'static str,
    platform: &'static str,
    memory_mb: u32,
    timeout_s: u32,
    ephemeral_storage_mb: u32,
    concurrency: String,
    tracing: &'static str,
    handler: &'static str,
    application_log_level: String,
    system_log_level: String,
    log_group: String,
    role: String,
    /// How a deploy reaches traffic.
    deploys: String,
    image: ImageView,
    url: Option<UrlView>,
    environment: Vec<EnvView>,
}

#[derive(Serialize)]
struct ImageView {
    uri: String,
    parts: Vec<(String, String)>,
    dockerfile: String,
    build_metadata: Vec<(String, String)>,
    entry_point: String,
    command: String,
    working_directory: String,
}

#[derive(Serialize)]
struct UrlView {
    auth: &'static str,
    public_reason: Option<String>,
    invoke_mode: String,
    cors: Option<CorsView>,
}

#[derive(Serialize)]
struct CorsView {
    origins: String,
    methods: String,
    allow_headers: String,
    expose_headers: String,
    credentials: bool,
    max_age_s: u32,
}

#[derive(Serialize)]
struct EnvView {
    name: String,
    source: String,
}

#[derive(Serialize)]
struct RoleView {
    id: String,
    description: String,
    used_by: Vec<String>,
    permissions: Vec<Permission>,
}

/// One policy statement in plain words.
#[derive(Serialize)]
struct Permission {
    sid: String,
    policy: String,
    /// "may read secret `x`", or the verb phrase the `items` complete.
    summary: String,
    items: Vec<String>,
    actions: Vec<String>,
}

#[derive(Serialize)]
struct RepositoryView {
    id: String,
    name: String,
    tags: &'static str,
    scan_on_push: bool,
    encryption: String,
    lifecycle: Vec<String>,
}

#[derive(Serialize)]
struct LogGroupView {
    id: String,
    name: String,
    retention_days: u32,
    encryption: String,
}

#[derive(Serialize)]
struct SecretView {
    id: String,
    name: String,
    description: String,
    value: String,
    encryption: String,
}

#[derive(Serialize)]
struct OtherView {
    id: String,
    kind: &'static str,
    what: String,
    rows: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct StatefulRow {
    id: String,
    what: String,
    on_delete: &'static str,
    on_replace: &'static str,
}

#[derive(Serialize)]
struct OutputView {
    id: String,
    description: String,
    value: String,
    export: Option<String>,
    imported_by: Vec<String>,
}

/// "a", "a and b", "a, b and c".
fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The name of a JSON-serialized enum (`INFO`, `RESPONSE_STREAM`, ...).
fn serialized_name(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

/// What a resource is, in a few words a reviewer recognizes (each kind says).
fn resource_phrase(resource: &Resource) -> String {
    resource.properties.phrase(&resource.id)
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn attribute_words(attribute: &str) -> &str {
    match attribute {
        "Arn" => "ARN",
        "RepositoryUri" => "URI",
        other => other,
    }
}

/// Reads expressions back as words, resolving names against the template and the app.
struct Reader<'a> {
    app: &'a App,
    template: &'a Template,
}

impl Reader<'_> {
    fn value(&self, expr: &Expr) -> String {
        match expr {
            Expr::Literal(s) => code(s),
            Expr::Ref(name) => self.reference(name),
            Expr::GetAtt(id, attribute) => match self.template.resource(id) {
                Some(r) => format!("{} of {}", attribute_words(attribute), resource_phrase(r)),
                None => self.sam_generated(id, attribute),
            },
            Expr::Sub(text) => code(text),
            Expr::SubWith(text, _) => code(text),
            Expr::ImportValue(inner) => match inner.as_literal() {
                Some(name) => self.import(name),
                None => format!("the export named by {}", self.value(inner)),
            },
        }
    }

    /// What an expression points at, without saying which attribute: "IAM role `X`".
    fn target(&self, expr: &Expr) -> String {
        match expr {
            Expr::Ref(id) | Expr::GetAtt(id, _) => match self.template.resource(id) {
                Some(r) => resource_phrase(r),
                None => self.value(expr),
            },
            other => self.value(other),
        }
    }

    /// A `Metadata` value: metadata holds intrinsics in their JSON form.
    fn metadata(&self, value: &Value) -> String {
        match value {
            Value::String(s) => code(s),
            Value::Object(m) => match m.get("Ref").and_then(Value::as_str) {
                Some(name) if m.len() == 1 => self.reference(name),
                _ => code(&value.to_string()),
            },
            other => code(&other.to_string()),
        }
    }

    fn reference(&self, name: &str) -> String {
        if let Some(p) = self
            .template
            .parameters
            .iter()
            .find(|p| p.id.as_str() == name)
        {
            return format!("parameter {} ({})", code(p.id.as_str()), p.description);
        }
        match self.template.resource(name) {
            Some(r) => format!("{} of {}", r.properties.ref_returns(), resource_phrase(r)),
            None => code(name),
        }
    }

    /// Resources SAM adds, such as `<Function>Url` for a Function URL.
    fn sam_generated(&self, id: &str, attribute: &str) -> String {
        let implicit = self.template.resources.iter().find_map(|r| {
            r.properties
                .implicit(&r.id)
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| (r, i))
        });
        match implicit {
            Some((r, i)) if attribute == "FunctionUrl" || i.attributes.len() == 1 => {
                format!("{} of {} (added by SAM)", i.what, resource_phrase(r))
            }
            Some((r, i)) => format!(
                "{} of {} of {} (added by SAM)",
                attribute_words(attribute),
                i.what,
                resource_phrase(r)
            ),
            None => format!("{} of {}", attribute_words(attribute), code(id)),
        }
    }

    fn import(&self, export: &str) -> String {
        match deploy::exporter(self.app, export) {
            Some((stack, output)) => {
                let exporting = Reader {
                    app: self.app,
                    template: &stack.template,
                };
                format!(
                    "{}, exported as {} by stack {}",
                    exporting.value(&output.value),
                    code(export),
                    code(stack.name.as_str())
                )
            }
            None => format!("export {}", code(export)),
        }
    }

    /// Each `${...}` of a `Fn::Sub`, with what it stands for.
    fn sub_parts(&self, expr: &Expr) -> Vec<(String, String)> {
        let (text, vars) = match expr {
            Expr::Sub(t) => (t.as_str(), &[][..]),
            Expr::SubWith(t, vars) => (t.as_str(), vars.as_slice()),
            _ => return Vec::new(),
        };
        sub_placeholders(text)
            .into_iter()
            .map(|name| {
                let meaning = match vars.iter().find(|(n, _)| n == name) {
                    Some((_, e)) => self.value(e),
                    None => match name.split_once('.') {
                        Some((id, attribute)) => {
                            self.value(&Expr::GetAtt(id.to_owned(), attribute.to_owned()))
                        }
                        None => self.reference(name),
                    },
                };
                (name.to_owned(), meaning)
            })
            .collect()
    }
}

/// A Bedrock ARN as "inference profile `x` in the stack's region".
fn bedrock_item(arn: &str) -> Option<(String, String, String)> {
    let arn = arn
        .replace("${AWS::Partition}", "PARTITION")
        .replace("${AWS::Region}", "REGION")
        .replace("${AWS::AccountId}", "ACCOUNT");
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, "bedrock", region, _, resource] = parts.as_slice() else {
        return None;
    };
    let (kind, id) = resource.split_once('/')?;
    let kind = match kind {
        "inference-profile" => "inference profile",
        "foundation-model" => "foundation model",
        _ => return None,
    };
    let region = match *region {
        "REGION" => "the stack's region".to_owned(),
        "" => "any region".to_owned(),
        r => (*r).to_owned(),
    };
    Some((kind.to_owned(), id.to_owned(), region))
}

/// Bedrock resources grouped by model, listing the regions each is granted in.
fn bedrock_items(resources: &[Expr]) -> Option<Vec<String>> {
    let mut groups: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in resources {
        let Expr::Sub(arn) = r else { return None };
        let (kind, id, region) = bedrock_item(arn)?;
        match groups.iter_mut().find(|(k, i, _)| *k == kind && *i == id) {
            Some((_, _, regions)) => regions.push(region),
            None => groups.push((kind, id, vec![region])),
        }
    }
    Some(
        groups
            .into_iter()
            .map(|(kind, id, regions)| format!("{kind} {} in {}", code(&id), words(&regions)))
            .collect(),
    )
}

/// The verb phrase for a set of actions; `None` when no phrase fits them all.
fn verb(actions: &[&str]) -> Option<&'static str> {
    let all_in = |set: &[&str]| actions.iter().all(|a| set.contains(a));
    let phrases: [(&[&str], &str); 15] = [
        (
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            "may write logs to",
        ),
        (
            &[
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ],
            "may read",
        ),
        (
            &[
                "bedrock:InvokeModel",
                "bedrock:InvokeModelWithResponseStream",
            ],
            "may invoke models (streaming or not):",
        ),
        (&["bedrock:CountTokens"], "may count tokens with models:"),
        (
            &["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "may send traces to X-Ray, on",
        ),
        (
            &["ecr:GetAuthorizationToken"],
            "may get ECR login tokens, on",
        ),
        (&["s3:GetObject"], "may read the objects"),
        (
            &[
                "s3:GetObject",
                "s3:PutObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            "may read and write the objects",
        ),
        (&["s3:ListBucket"], "may list the keys of"),
        (
            &[
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:ConditionCheckItem",
            ],
            "may read items of",
        ),
        (
            &["sqs:SendMessage", "sqs:GetQueueUrl"],
            "may send messages to",
        ),
        (&["sns:Publish"], "may publish to"),
        (
            &["ssm:GetParametersByPath"],
            "may read the SSM parameters under",
        ),
        (&["kms:Decrypt"], "may decrypt with"),
        (&["lambda:InvokeFunction"], "may invoke"),
    ];
    phrases
        .iter()
        .find(|(set, _)| all_in(set))
        .map(|(_, phrase)| *phrase)
}

fn permission(reader: &Reader<'_>, policy: &str, s: &Statement, own_logs: &[&str]) -> Permission {
    let actions: Vec<&str> = s.actions.iter().map(|a| a.as_str()).collect();
    let items = bedrock_items(&s.resources).unwrap_or_else(|| {
        s.resources
            .iter()
            .map(|r| match r {
                Expr::Literal(star) if star == "*" => {
                    "every resource (these APIs accept no narrower one)".to_owned()
                }
                Expr::GetAtt(id, attribute)
                    if attribute == "Arn" && own_logs.contains(&id.as_str()) =>
                {
                    let name = match reader.template.resource(id).map(|r| &r.properties) {
                        Some(Properties::LogGroup(g)) => code(&g.name),
                        _ => code(id),
                    };
                    format!("its own log group {name}")
                }
                Expr::Ref(id) | Expr::GetAtt(id, _) if reader.template.resource(id).is_some() => {
                    reader
                        .template
                        .resource(id)
                        .map(resource_phrase)
                        .unwrap_or_default()
                }
                other => reader.value(other),
            })
            .collect()
    });
    let summary = match (verb(&actions), items.as_slice()) {
        (Some(v), [one]) if !v.ends_with(':') => format!("{v} {one}"),
        (Some(v), _) => v.trim_end_matches(':').to_owned(),
        (None, _) => format!(
            "may call {}",
            actions
                .iter()
                .map(|a| code(a))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // Conditions narrow what the resources alone say (the Bedrock items already read them).
    let mut summary = summary;
    if !actions.iter().any(|a| a.starts_with("bedrock:")) {
        for c in &s.conditions {
            let how = match c.operator {
                Operator::StringEquals => "is",
                Operator::StringLike => "matches",
            };
            let values: Vec<String> = c.values.iter().map(|v| reader.value(v)).collect();
            summary.push_str(&format!(
                ", only when {} {how} {}",
                code(&c.key),
                values.join(" or ")
            ));
        }
    }
    // A single item already sits in the summary.
    let items = match (verb(&actions), items.len()) {
        (Some(v), 1) if !v.ends_with(':') => Vec::new(),
        _ => items,
    };
    Permission {
        sid: s.sid.clone(),
        policy: policy.to_owned(),
        summary,
        items,
        actions: actions.iter().map(|a| code(a)).collect(),
    }
}

fn role_view(reader: &Reader<'_>, resource: &Resource, role: &Role) -> RoleView {
    let users: Vec<&Function> = reader
        .template
        .resources
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::Function(f) if f.role == Expr::get_att(&resource.id, "Arn") => Some(&**f),
            _ => None,
        })
        .collect();
    let own_logs: Vec<&str> = users
        .iter()
        .filter_map(|f| match &f.logging.log_group {
            Expr::Ref(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    RoleView {
        id: resource.id.to_string(),
        description: role.description.clone(),
        used_by: users
            .iter()
            .map(|f| code(f.function_name.as_str()))
            .collect(),
        permissions: role
            .policies
            .iter()
            .flat_map(|p| {
                p.statements
                    .iter()
                    .map(|s| permission(reader, &p.name, s, &own_logs))
            })
            .collect(),
    }
}

fn function_view(reader: &Reader<'_>, resource: &Resource, f: &Function) -> FunctionView {
    let concurrency = match f.reserved_concurrency {
        Some(n) => format!(
            "{} reserved: at most {} at once, always available to this function",
            n.get(),
            n.get()
        ),
        None => "unreserved: shares the account's pool, with no cap".to_owned(),
    };
    let url = f.url.as_ref().map(|u| {
        let (auth, public_reason) = match &u.auth {
            UrlAuth::AwsIam => ("AWS_IAM: callers sign requests with SigV4", None),
            UrlAuth::Public(reason) => (
                "NONE: anyone on the internet can call it",
                Some(reason.as_str().to_owned()),
            ),
        };
        let list = |items: Vec<String>| {
            if items.is_empty() {
                "none".to_owned()
            } else {
                items.join(", ")
            }
        };
        UrlView {
            auth,
            public_reason,
            invoke_mode: serialized_name(u.invoke_mode),
            cors: u.cors.as_ref().map(|c| CorsView {
                origins: list(
                    c.allow_origins
                        .iter()
                        .map(|o| code(&serialized_name(o)))
                        .collect(),
                ),
                methods: list(c.allow_methods.iter().map(serialized_name).collect()),
                allow_headers: list(c.allow_headers.iter().map(|h| code(h)).collect()),
                expose_headers: list(c.expose_headers.iter().map(|h| code(h)).collect()),
                credentials: c.allow_credentials,
                max_age_s: c.max_age,
            }),
        }
    });
    let json_list = |items: &[String]| serde_json::to_string(items).unwrap_or_default();
    FunctionView {
        id: resource.id.to_string(),
        name: f.function_name.as_str().to_owned(),
        description: f.description.clone(),
        architecture: f.architecture.name(),
        platform: f.architecture.docker_platform(),
        memory_mb: f.memory.get(),
        timeout_s: f.timeout.get(),
        ephemeral_storage_mb: f.ephemeral_storage.get(),
        concurrency,
        tracing: match f.tracing {
            Tracing::Active => "Active: X-Ray traces every request",
            Tracing::PassThrough => {
                "PassThrough: traced only when a caller sends a sampled X-Ray header"
            }
        },
        handler: match f.handler {
            HandlerMode::Streaming => "streams its responses",
            HandlerMode::Buffered => "returns whole responses",
        },
        application_log_level: serialized_name(f.logging.application_level),
        system_log_level: serialized_name(f.logging.system_level),
        log_group: reader.target(&f.logging.log_group),
        role: reader.target(&f.role),
        deploys: match &f.safe_deploy {
            None => "all at once: the stack update switches every call to the new image".into(),
            Some(d) => format!(
                "gradually: each deploy publishes a version, and CodeDeploy moves the alias {} \
                 (which the Function URL is on) to it by {}, rolling back if {} fires",
                code(d.alias.as_str()),
                serialized_name(d.shift),
                words(
                    &d.alarms
                        .iter()
                        .map(|a| reader.target(a))
                        .collect::<Vec<_>>()
                )
                .replace(" and ", " or ")
            ),
        },
        image: ImageView {
            uri: reader.value(&f.image_uri),
            parts: reader.sub_parts(&f.image_uri),
            dockerfile: f.source.dockerfile.clone(),
            build_metadata: resource
                .metadata
                .iter()
                .filter(|(k, _)| k.starts_with("Docker"))
                .map(|(k, v)| (k.clone(), reader.metadata(v)))
                .collect(),
            entry_point: json_list(f.image_config.entry_point()),
            command: json_list(f.image_config.command()),
            working_directory: f.image_config.working_directory().to_owned(),
        },
        url,
        environment: f
            .environment
            .iter()
            .map(|e| EnvView {
                name: e.name.as_str().to_owned(),
                source: match &e.value {
                    Expr::Literal(_) => {
                        "a literal in the template (not shown here; see the template)".to_owned()
                    }
                    other => reader.value(other),
                },
            })
            .collect(),
    }
}

fn repository_view(reader: &Reader<'_>, resource: &Resource, r: &Repository) -> RepositoryView {
    let mut rules: Vec<_> = r.lifecycle.iter().collect();
    // The order ECR applies them in: see `Repository::lifecycle_policy_text`.
    rules.sort_by_key(|rule| rule.tag_status == crate::model::ecr::TagStatus::Any);
    RepositoryView {
        id: resource.id.to_string(),
        name: r.name.as_str().to_owned(),
        tags: match r.tag_mutability {
            TagMutability::Immutable => "immutable: a pushed tag always names the same image",
            TagMutability::Mutable => "MUTABLE: a tag can be moved to another image",
        },
        scan_on_push: r.scan_on_push,
        encryption: match &r.encryption {
            Encryption::Aes256 => "AES-256, keys managed by ECR".to_owned(),
            Encryption::Kms(None) => "KMS, with the AWS-managed key `aws/ecr`".to_owned(),
            Encryption::Kms(Some(key)) => format!("KMS, with key {}", reader.value(key)),
        },
        lifecycle: rules.iter().map(|rule| rule.description.clone()).collect(),
    }
}

fn kms(reader: &Reader<'_>, key: Option<&Expr>, default: &str) -> String {
    match key {
        Some(k) => format!("KMS key {}", reader.value(k)),
        None => default.to_owned(),
    }
}

fn policy_words(p: DeletionPolicy) -> &'static str {
    match p {
        DeletionPolicy::Retain => "Retain",
        DeletionPolicy::Delete => "Delete",
    }
}

pub fn review_file(app: &App, stack: &Stack) -> Result<GeneratedFile, Error> {
    let t = &stack.template;
    let reader = Reader { app, template: t };
    let mut page = Page {
        header: format!(
            "{MARKDOWN_HEADER_MARK} from {} (stack {}, region {}). \
             Do not edit: change the definition, then run `cargo infra-gen generate`. -->",
            stack.source,
            stack.name,
            stack.environment.region()
        ),
        stack: stack.name.to_string(),
        description: t.description.clone(),
        environment: stack.environment.name().to_owned(),
        region: stack.environment.region().to_owned(),
        source: stack.source.to_owned(),
        template_file: deploy::template_file(stack),
        config_env: deploy::config_env(stack).to_owned(),
        flags: deploy::command_line(app, stack),
        after: deploy::depends_on(app, stack)
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        before: deploy::dependents(app, stack)
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        capabilities: deploy::capabilities(t),
        tags: deploy::tags(stack),
        parameters: t
            .parameters
            .iter()
            .map(|p| ParameterView {
                name: p.id.to_string(),
                description: p.description.clone(),
                pattern: p.allowed_pattern.clone(),
                constraint: p.constraint_description.clone(),
            })
            .collect(),
        resources: Vec::new(),
        functions: Vec::new(),
        roles: Vec::new(),
        repositories: Vec::new(),
        log_groups: Vec::new(),
        secrets: Vec::new(),
        others: Vec::new(),
        stateful: Vec::new(),
        accepted: Vec::new(),
        replacements: Vec::new(),
        outputs: Vec::new(),
    };
    for r in &t.resources {
        page.resources.push(ResourceRow {
            id: r.id.to_string(),
            kind: r.properties.type_name(),
            what: resource_phrase(r),
        });
        match &r.properties {
            Properties::EcrRepository(repo) => {
                page.repositories.push(repository_view(&reader, r, repo));
            }
            Properties::LogGroup(g) => page.log_groups.push(log_group_view(&reader, r, g)),
            Properties::Secret(s) => page.secrets.push(secret_view(&reader, r, s)),
            Properties::Function(f) => page.functions.push(function_view(&reader, r, f)),
            Properties::Role(role) => page.roles.push(role_view(&reader, r, role)),
            // A kind without a section of its own shows the rows it chooses.
            other => page.others.push(OtherView {
                id: r.id.to_string(),
                kind: other.type_name(),
                what: capitalized(&resource_phrase(r)),
                rows: other.review(),
            }),
        }
        // Resources that hold data: their fate on delete or replacement matters.
        let stateful = r.properties.is_stateful();
        page.accepted
            .extend(r.suppressions.iter().map(|x| AcceptedFinding {
                resource: r.id.to_string(),
                tool: x.tool().name(),
                rule: x.rule().to_owned(),
                reason: x.reason().to_owned(),
            }));
        if let Some(ack) = &r.replacement_ack {
            page.replacements
                .push((r.id.to_string(), ack.reason().to_owned()));
        }
        if stateful || r.lifecycle.is_some() {
            let default = "Delete (CloudFormation's default)";
            page.stateful.push(StatefulRow {
                id: r.id.to_string(),
                what: resource_phrase(r),
                on_delete: r.lifecycle.map_or(default, |l| policy_words(l.deletion)),
                on_replace: r
                    .lifecycle
                    .map_or(default, |l| policy_words(l.update_replace)),
            });
        }
    }
    page.outputs = t
        .outputs
        .iter()
        .map(|o| OutputView {
            id: o.id.to_string(),
            description: o.description.clone(),
            value: reader.value(&o.value),
            export: o.export.clone(),
            imported_by: o
                .export
                .as_deref()
                .map(|e| {
                    deploy::importers(app, e)
                        .iter()
                        .map(|s| s.name.to_string())
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let path = format!("{}.md", stack.name);
    Ok(GeneratedFile {
        contents: jinja::render("review.md.j2", TEMPLATE, page, &path)?,
        path,
    })
}

fn log_group_view(reader: &Reader<'_>, r: &Resource, g: &LogGroup) -> LogGroupView {
    LogGroupView {
        id: r.id.to_string(),
        name: g.name.clone(),
        retention_days: g.retention.days(),
        encryption: kms(
            reader,
            g.kms_key.as_ref(),
            "CloudWatch Logs' default encryption",
        ),
    }
}

fn secret_view(reader: &Reader<'_>, r: &Resource, s: &Secret) -> SecretView {
    SecretView {
        id: r.id.to_string(),
        name: s.name.clone(),
        description: s.description.clone(),
        value: match &s.generate {
            Some(g) => format!(
                "generated by Secrets Manager at creation: {} characters without punctuation, \
                 under the JSON key {}; no person types or sees it in a template",
                g.length,
                code(&g.json_key)
            ),
            None => "put by an operator after the first deploy".to_owned(),
        },
        encryption: kms(
            reader,
            s.kms_key.as_ref(),
            "the AWS-managed key `aws/secretsmanager`",
        ),
    }
}
