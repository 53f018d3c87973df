//! Checks that types cannot express. Each finding names the stack, the resource and the fix.
//!
//! | code | catches |
//! |---|---|
//! | `unresolved-ref` | `Ref`, `GetAtt` or `${}` naming nothing in the template |
//! | `image-platform` | a Dockerfile whose final stage targets another architecture |
//! | `image-config` | ImageConfig that does not match the Dockerfile's ENTRYPOINT/CMD/WORKDIR |
//! | `invoke-mode` | RESPONSE_STREAM on a buffered handler, or BUFFERED on a streaming one |
//! | `secret-in-env` | a secret-looking literal in an environment variable |
//! | `reserved-env` | an environment variable Lambda sets itself and rejects |
//! | `env-size` | environment variables over Lambda's 4 KB limit |
//! | `log-group` | a function not logging to its own log group |
//! | `cors` | CORS that browsers or Lambda reject |
//! | `iam-wildcard` | `*` in a resource, except for APIs that only accept `*` (AWS's data); wildcards in ARN/path condition values |
//! | `iam-scope` | an action on a resource type it does not accept (AWS's data), another stack's log group or secret, another account or region undeclared, a statement without actions or resources |
//! | `iam-bedrock` | Bedrock statements other than exactly what the stack's model map grants, reported difference by difference |
//! | `iam-escalation` | actions that let a role grant itself more, by AWS's access levels and resource types |
//! | `iam-size` | inline policies over IAM's 10,240 characters per role, with ARNs filled in |
//! | `deploy-order` | an import (such as the image repository) not exported by an earlier stack of the same environment |
//! | `image-source` | an ImageUri not imported from a registry stack, or tagged `latest` |
//! | `bedrock-region` | a model whose inference profile does not serve the stack's region |

mod dockerfile;
mod env;
mod iam;
mod refs;
pub(crate) mod resolve;
mod secrets;

use crate::Finding;
use crate::build::{App, Stack};
use crate::model::lambda::{Function, HandlerMode, InvokeMode};
use crate::model::{Expr, Properties};

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
    for stack in app.stacks() {
        let mut sink = Sink {
            app,
            stack,
            out: &mut out,
        };
        refs::check(stack, &mut sink);
        for r in &stack.template.resources {
            let id = r.id.as_str();
            match &r.properties {
                Properties::Function(f) => {
                    dockerfile::check(f, id, &mut sink);
                    env::check(f, id, &mut sink);
                    check_invoke_mode(f, id, &mut sink);
                    check_log_group(stack, f, id, &mut sink);
                    check_cors(f, id, &mut sink);
                }
                Properties::Role(role) => {
                    iam::check(stack, role, id, &mut sink);
                    iam::check_bedrock(stack, role, id, &mut sink);
                }
                _ => {}
            }
        }
    }
    check_deploy_order(app, &mut out);
    out
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

/// Imports must name an export of a stack deployed earlier; a function's image repository
/// must be an ECR repository exported that way.
fn check_deploy_order(app: &App, out: &mut Vec<Finding>) {
    let stacks = app.stacks();
    for (i, stack) in stacks.iter().enumerate() {
        for r in &stack.template.resources {
            if let Properties::Function(f) = &r.properties {
                check_image_uri(stack, &r.id.to_string(), &f.image_uri, out);
            }
            for import in imports(r.properties.exprs()) {
                let exporter = stacks.iter().enumerate().find_map(|(j, s)| {
                    s.template
                        .outputs
                        .iter()
                        .find(|o| o.export.as_deref() == Some(import))
                        .map(|o| (j, s, o))
                });
                let finding = |message: String, fix: String| Finding {
                    code: "deploy-order",
                    stack: stack.name.to_string(),
                    resource: r.id.to_string(),
                    message,
                    fix,
                };
                match exporter {
                    None => out.push(finding(
                        format!("imports {import}, which no stack exports"),
                        "export it from a stack listed before this one, or fix the name".into(),
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
                        if let Properties::Function(f) = &r.properties
                            && imports(vec![&f.image_uri]).contains(&import)
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
        for (k, o) in stack.template.outputs.iter().enumerate() {
            let Some(name) = &o.export else { continue };
            let earlier = stacks[..i]
                .iter()
                .flat_map(|s| &s.template.outputs)
                .chain(&stack.template.outputs[..k]);
            if earlier.clone().any(|p| p.export.as_ref() == Some(name)) {
                out.push(Finding {
                    code: "deploy-order",
                    stack: stack.name.to_string(),
                    resource: format!("Outputs.{}", o.id),
                    message: format!("export {name} is already exported by another output"),
                    fix: "export names are unique per region: rename one".into(),
                });
            }
        }
    }
}

/// A function's image must come from an imported repository at a pinned tag: a literal URI
/// skips the registry stack (and its immutable tags), and `latest` can change under a deploy.
fn check_image_uri(stack: &Stack, id: &str, uri: &Expr, out: &mut Vec<Finding>) {
    let finding = |message: String| {
        Finding {
        code: "image-source",
        stack: stack.name.to_string(),
        resource: id.to_owned(),
        message,
        fix: "build the image URI with Service (a Registry's ImageRepository at the ImageTag parameter)".into(),
    }
    };
    if imports(vec![uri]).is_empty() {
        out.push(finding(
            "the ImageUri imports no registry stack's repository (a literal or hand-built URI)"
                .into(),
        ));
    }
    let mut latest = false;
    uri.walk(&mut |x| {
        if let Expr::Literal(s) | Expr::Sub(s) | Expr::SubWith(s, _) = x
            && (s.ends_with(":latest") || s.contains(":latest@"))
        {
            latest = true;
        }
    });
    if latest {
        out.push(finding("the ImageUri uses the mutable tag latest".into()));
    }
}

fn imports(exprs: Vec<&Expr>) -> Vec<&str> {
    let mut names = Vec::new();
    for e in exprs {
        e.walk(&mut |x| {
            if let Expr::ImportValue(inner) = x
                && let Some(name) = inner.as_literal()
            {
                names.push(name);
            }
        });
    }
    names
}

fn is_repository_uri(stack: &Stack, value: &Expr) -> bool {
    matches!(value, Expr::GetAtt(id, attr)
        if attr == "RepositoryUri"
        && stack.template.resource(id).is_some_and(|r| matches!(r.properties, Properties::EcrRepository(_))))
}
