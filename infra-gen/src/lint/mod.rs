//! Checks that types cannot express. Each finding names the stack, the resource and the fix.
//!
//! | code | catches |
//! |---|---|
//! | `unresolved-ref` | `Ref`, `GetAtt` or `${}` naming nothing in the template |
//! | `dependency` | a `DependsOn` naming nothing in the stack or a name twice, references and `DependsOn` that form a cycle, an S3 bucket that may be created before the permission its notification's destination needs |
//! | `image-platform` | a Dockerfile whose final stage targets, starts from or copies another architecture, or cannot be resolved |
//! | `image-config` | ImageConfig that does not match (or cannot be matched with) the Dockerfile's ENTRYPOINT/CMD/WORKDIR |
//! | `image-streaming` | a streaming handler on an AWS Lambda base image whose runtime cannot stream |
//! | `invoke-mode` | RESPONSE_STREAM on a buffered handler, or BUFFERED on a streaming one |
//! | `secret-in-env` | a secret in an environment variable or the Dockerfile's final `ENV`: by shape, by name, joined across variables, or from a parameter or dynamic reference |
//! | `reserved-env` | an environment variable Lambda sets itself and rejects |
//! | `env-size` | environment variables over Lambda's 4 KB limit, measured as the JSON object Lambda measures |
//! | `log-group` | a function not logging to its own log group |
//! | `cors` | CORS that browsers or Lambda reject |
//! | `iam-wildcard` | `*` in a resource, except for APIs that only accept `*` (AWS's data); wildcards in ARN/path condition values |
//! | `iam-scope` | an action on a resource type it does not accept (AWS's data), another stack's log group or secret, another account or region undeclared, a statement without actions or resources |
//! | `iam-bedrock` | Bedrock statements other than exactly what the stack's model map grants, reported difference by difference |
//! | `iam-escalation` | actions that let a role grant itself more, by AWS's access levels and resource types |
//! | `iam-account` | an account role (deploy, execution, drift) other than what the stacks derive, an inexact GitHub subject, `*` or a pattern without a widening, an action on a type it does not accept |
//! | `iam-size` | inline policies over IAM's 10,240 characters per role, with ARNs filled in |
//! | `deploy-order` | an import (such as the image repository) not exported by an earlier stack of the same environment |
//! | `image-source` | an ImageUri other than an imported repository URI at `${ImageTag}` or a `@sha256:` digest, however spelled (`image.rs`) |
//! | `duplicate` | two env vars, logical IDs (SAM's too), Sids, policies, condition keys, `Sub` variables, dimensions, outputs, exports (per region) or stacks of one name |
//! | `region` | an import from another region, an alarm action, dead-letter queue, Kinesis stream or KMS key outside the resource's region, two resources of one physical name in a region |
//! | `fifo` | a queue redriving to a dead-letter queue of the other kind (FIFO, standard), a FIFO queue or topic as a function's asynchronous destination |
//! | `dead-letter` | a standard queue whose dead-letter queue keeps messages for less time than it does (SQS keeps a moved message's enqueue time) |
//! | `stateful-policy` | a stateful resource without `DeletionPolicy` and `UpdateReplacePolicy` `Retain` |
//! | `bedrock-region` | a model whose inference profile does not serve the stack's region |
//! | `iam-public` | a raw resource's policy allowing every principal |
//! | `iam-raw` | a raw resource's policy document that is not literal JSON, an `Effect` not literally `Allow` or `Deny`, a resource that is not a string |
//! | `tags` | a tag key twice on a stack, or more tags than a resource can take |
//! | `policy` | a log group or ECR repository below its environment kind's `Policy` (retention, immutable tags, scanning, lifecycle), an exception it does not need, or a plain suppression of a scanner rule the policy judges |
//! | `public-url` | a public URL reason (metadata, scanner suppressions) that names no authentication, defers or denies it, or stands on a function without a public URL |

mod account;
mod dependency;
mod dockerfile;
mod duplicates;
mod env;
mod fifo;
mod iam;
mod image;
mod policy;
mod public_url;
mod raw;
mod refs;
mod regions;
pub(crate) mod resolve;
mod secrets;
mod stateful;
mod vpc;

use crate::Finding;
use crate::builders::{App, Stack};
use crate::model::lambda::{Function, HandlerMode, InvokeMode};
use crate::model::raw::RawValue;
use crate::model::{Expr, Kind, Properties};

/// The app's own account, when its account side names it (`App::bootstrap`): an ARN or a
/// principal naming it literally names the stack's own account, as `${AWS::AccountId}` does.
pub(crate) fn own_account(app: &App) -> Option<&str> {
    app.account().map(|side| side.account.as_str())
}

/// Collects findings for one stack and resource.
pub(crate) struct Sink<'a> {
    app: &'a App,
    stack: &'a Stack,
    out: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    /// Resolves values as deployed in this stack (imports from the app's other stacks).
    pub(crate) fn scope(&self) -> resolve::Scope<'a> {
        resolve::Scope::new(self.stack, Some(self.app))
    }

    pub(crate) fn push(
        &mut self,
        code: &'static str,
        resource: &str,
        message: String,
        fix: impl Into<String>,
    ) {
        self.out.push(Finding {
            code,
            stack: self.stack.name.to_string(),
            resource: resource.to_owned(),
            message,
            fix: fix.into(),
        });
    }
}

/// Runs every lint over every stack; an empty result means the app may be rendered.
pub fn lint(app: &App) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut prose = env::Prose::new();
    for stack in app.stacks() {
        let mut sink = Sink {
            app,
            stack,
            out: &mut out,
        };
        refs::check(stack, &mut sink);
        dependency::check(stack, &mut sink);
        account::check(app, stack, &mut sink);
        check_tags(stack, &mut sink);
        fifo::check(stack, &mut sink);
        env::check_template(stack, &mut prose, &mut sink);
        for r in &stack.template.resources {
            let id = r.id.as_str();
            stateful::check(r, &mut sink);
            policy::check(stack, r, &mut sink);
            public_url::check(stack, r, &mut sink);
            match &r.properties {
                Properties::Function(f) => {
                    dockerfile::check(f, id, &mut sink);
                    env::check(f, id, &mut sink);
                    check_invoke_mode(f, id, &mut sink);
                    check_log_group(stack, f, id, &mut sink);
                    check_cors(f, id, &mut sink);
                }
                Properties::Role(role) => {
                    for st in role.policies.iter().flat_map(|p| &p.statements) {
                        iam::check_iam_sid(&st.sid, "a statement", id, &mut sink);
                    }
                    iam::check(stack, role, id, &mut sink);
                    iam::check_bedrock(stack, role, id, &mut sink);
                }
                Properties::Raw(r) => raw::check(stack, r, id, &mut sink),
                _ => {}
            }
        }
    }
    check_deploy_order(app, &mut out);
    image::check_shared(app, &mut out);
    duplicates::check(app, &mut out);
    regions::check(app, &mut out);
    out
}

fn check_tags(stack: &Stack, sink: &mut Sink<'_>) {
    use crate::model::tags::MAX_TAGS;
    use crate::model::tags::{TagFormat, folds_key_case};
    let tags = &stack.template.tags;
    // The stack's tags are written on its IAM role too, where IAM keeps one key regardless of
    // case: `Team` and `team` are one tag there, the later replacing the earlier.
    let folded_by = stack.template.resources.iter().find(|r| {
        r.properties.tag_format() != TagFormat::None && folds_key_case(r.properties.type_name())
    });
    for (i, t) in tags.iter().enumerate() {
        if tags[..i].iter().any(|earlier| earlier.key() == t.key()) {
            sink.push(
                "tags",
                "Tags",
                format!("tag key {} is set twice", t.key()),
                "set each tag once (App::tag, Service::tag and Registry::tag merge levels by key)",
            );
        } else if let Some(role) = folded_by
            && let Some(earlier) = tags[..i]
                .iter()
                .find(|earlier| earlier.key().eq_ignore_ascii_case(t.key()))
        {
            sink.push(
                "tags",
                "Tags",
                format!(
                    "tag keys {} and {} differ only in case, and IAM keeps one key regardless of case on {} ({}): the later would silently replace the earlier",
                    earlier.key(),
                    t.key(),
                    role.id.as_str(),
                    role.properties.type_name()
                ),
                "spell the key one way at every level (App::tag, Service::tag, Registry::tag)",
            );
        }
    }
    if tags.len() > MAX_TAGS {
        sink.push(
            "tags",
            "Tags",
            format!(
                "{} tags; a resource takes 50, and infra-gen and SAM set 3 of them",
                tags.len()
            ),
            format!("keep at most {MAX_TAGS} tags per stack"),
        );
    }
}

fn check_invoke_mode(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let Some(url) = &f.url else { return };
    match (f.handler, url.invoke_mode) {
        (HandlerMode::Buffered, InvokeMode::ResponseStream) => sink.push(
            "invoke-mode",
            id,
            "the Function URL streams (RESPONSE_STREAM) but the handler is declared buffered".into(),
            "declare HandlerMode::Streaming if the handler streams, or drop the invoke_mode override",
        ),
        (HandlerMode::Streaming, InvokeMode::Buffered) => sink.push(
            "invoke-mode",
            id,
            "the handler streams but the Function URL is BUFFERED: clients would get an empty or truncated body".into(),
            "drop the invoke_mode override so the URL uses RESPONSE_STREAM",
        ),
        _ => {}
    }
}

fn check_log_group(stack: &Stack, f: &Function, id: &str, sink: &mut Sink<'_>) {
    let expected = crate::model::logs::LogGroup::name_for_function(f.function_name.as_str());
    let group = match &f.logging.log_group {
        Expr::Ref(target) => stack
            .template
            .resource(target)
            .and_then(|r| match &r.properties {
                Properties::LogGroup(g) => Some(g),
                _ => None,
            }),
        _ => None,
    };
    match group {
        None => sink.push(
            "log-group",
            id,
            "LoggingConfig.LogGroup is not a Ref to a log group in this stack, so Lambda would create one without retention".into(),
            format!("add a log group named {expected} with a retention to this stack and Ref it"),
        ),
        Some(g) if g.name != expected => sink.push(
            "log-group",
            id,
            format!("logs go to {} instead of the function's own {expected}", g.name),
            format!("name the log group {expected}"),
        ),
        Some(_) => {}
    }
}

fn check_cors(f: &Function, id: &str, sink: &mut Sink<'_>) {
    let Some(cors) = f.url.as_ref().and_then(|u| u.cors.as_ref()) else {
        return;
    };
    if cors.allow_credentials && cors.allow_origins.iter().any(|o| o.is_any()) {
        sink.push(
            "cors",
            id,
            "CORS allows credentials from any origin (*), which browsers reject".into(),
            "list the allowed origins, or set allow_credentials to false",
        );
    }
    if cors.max_age > 86_400 {
        sink.push(
            "cors",
            id,
            format!(
                "CORS max_age {} exceeds Lambda's limit of 86400 seconds",
                cors.max_age
            ),
            "set max_age to at most 86400",
        );
    }
}

/// Imports must name an export of a stack deployed earlier — in a resource or in an output,
/// whose value CloudFormation resolves as it creates the stack, so an output importing its own
/// stack's export names one that does not exist yet —; a function's image repository must be
/// an ECR repository exported that way.
fn check_deploy_order(app: &App, out: &mut Vec<Finding>) {
    let stacks = app.stacks();
    let mut patterns = image::Patterns::default();
    for (i, stack) in stacks.iter().enumerate() {
        let resources = stack
            .template
            .resources
            .iter()
            .map(|r| (&r.id, r.properties.exprs(), image_uri(&r.properties)));
        let outputs = stack
            .template
            .outputs
            .iter()
            .map(|o| (&o.id, vec![&o.value], None));
        for (id, exprs, image_uri) in resources.chain(outputs) {
            if let Some(uri) = image_uri {
                image::check(stack, id.as_str(), uri, &mut patterns, out);
            }
            for import in imports(stack, exprs) {
                let import = import.as_str();
                // Exports resolve in the importing stack's region; lint `region` names an
                // export that exists only elsewhere.
                let exporter = regions::exporter(app, stack.environment.region(), import);
                let finding = |message: String, fix: String| Finding {
                    code: "deploy-order",
                    stack: stack.name.to_string(),
                    resource: id.to_string(),
                    message,
                    fix,
                };
                match exporter {
                    None if exported_elsewhere(app, import) => {}
                    None => out.push(finding(
                        format!("imports {import}, which no stack exports"),
                        "export it from a stack listed before this one, or fix the name".into(),
                    )),
                    Some((j, _, _)) if j == i => out.push(finding(
                        format!(
                            "imports {import}, an export of this stack itself, which does not exist until the stack is created"
                        ),
                        "use the value itself (Ref/GetAtt) inside the stack; import only other stacks' exports".into(),
                    )),
                    Some((j, s, _)) if j >= i => out.push(finding(
                        format!(
                            "imports {import} from {}, which deploys after this stack",
                            s.name
                        ),
                        format!("push {} to the App before {}", s.name, stack.name),
                    )),
                    Some((_, s, _)) if s.environment.name() != stack.environment.name() => {
                        out.push(finding(
                            format!(
                                "imports {import} from {}, a stack of environment {}, into environment {}",
                                s.name,
                                s.environment.name(),
                                stack.environment.name()
                            ),
                            format!(
                                "import from the {} environment's own stacks, so environments share nothing",
                                stack.environment.name()
                            ),
                        ));
                    }
                    Some((_, s, o)) => {
                        if let Some(uri) = image_uri
                            && imports(stack, vec![uri]).iter().any(|i| i == import)
                            && !is_repository_uri(s, &o.value)
                        {
                            out.push(finding(
                                format!("the image comes from {import}, which is not an ECR repository's URI"),
                                "build the image URI from a Registry's ImageRepository".into(),
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn exported_elsewhere(app: &App, name: &str) -> bool {
    app.stacks()
        .iter()
        .flat_map(|s| &s.template.outputs)
        .any(|o| o.export.as_deref() == Some(name))
}

/// The exports `exprs` import, with names built by `Fn::Sub`/`Fn::Join` resolved.
fn imports(stack: &Stack, exprs: Vec<&Expr>) -> Vec<String> {
    let mut names = Vec::new();
    for e in exprs {
        e.walk(&mut |x| {
            if let Expr::ImportValue(inner) = x
                && let Some(name) = resolve::import_name(stack, inner)
            {
                names.push(name);
            }
        });
    }
    names
}

/// The image a function runs: a modelled function's, or a raw `AWS::Lambda::Function`'s
/// `Code.ImageUri`.
fn image_uri(properties: &Properties) -> Option<&Expr> {
    match properties {
        Properties::Function(f) => Some(&f.image_uri),
        Properties::Raw(raw) if raw.type_name() == "AWS::Lambda::Function" => raw
            .properties()
            .get("Code")
            .and_then(|c| c.get("ImageUri"))
            .and_then(RawValue::expr),
        _ => None,
    }
}

/// Whether an export's value is an ECR repository's `RepositoryUri` attribute, however
/// spelled: `GetAtt`, a `Sub` of `${Repository.RepositoryUri}` alone (or of a variable
/// holding it), a `Join` of it alone.
fn is_repository_uri(stack: &Stack, value: &Expr) -> bool {
    let whole = |template: &str| {
        template
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .filter(|t| !t.contains(['$', '{', '}']))
            .map(str::to_owned)
    };
    match value {
        Expr::GetAtt(id, attr) => {
            attr == "RepositoryUri"
                && stack
                    .template
                    .resource(id)
                    .is_some_and(|r| matches!(r.properties, Properties::EcrRepository(_)))
        }
        Expr::Sub(template) | Expr::SubWith(template, _) => {
            let vars = match value {
                Expr::SubWith(_, vars) => vars.as_slice(),
                _ => &[],
            };
            match whole(template) {
                Some(name) => match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, var)) => is_repository_uri(stack, var),
                    None => name.split_once('.').is_some_and(|(id, attr)| {
                        is_repository_uri(stack, &Expr::GetAtt(id.into(), attr.into()))
                    }),
                },
                None => false,
            }
        }
        Expr::Join(_, parts) => matches!(parts.as_slice(), [one] if is_repository_uri(stack, one)),
        _ => false,
    }
}
