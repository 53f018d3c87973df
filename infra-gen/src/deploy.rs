//! How a stack is deployed: the settings `sam deploy` reads from `generated/samconfig.toml` and
//! `infra-gen plan` sends with its change set. One source, so a preview asks CloudFormation for
//! exactly what a deploy will.

use serde::Serialize;

use crate::build::service::IMAGE_TAG_PARAMETER;
use crate::build::{App, Stack};
use crate::model::lambda::Function;
use crate::model::{Expr, Properties, Template};

/// The samconfig.toml config-env of a stack: its name, which is unique in an app and says
/// which environment it belongs to.
pub fn config_env(stack: &Stack) -> &str {
    stack.name.as_str()
}

/// The template's file name inside `generated/`.
pub fn template_file(stack: &Stack) -> String {
    format!("{}.yaml", stack.name)
}

/// The acknowledgements CloudFormation requires. Roles have no explicit name in the model, so
/// `CAPABILITY_IAM` suffices. The SAM transform needs no `CAPABILITY_AUTO_EXPAND` because
/// both `sam deploy` and `infra-gen plan` go through change sets.
pub fn capabilities(template: &Template) -> Vec<&'static str> {
    if template
        .resources
        .iter()
        .any(|r| matches!(r.properties, Properties::Role(_)))
    {
        vec!["CAPABILITY_IAM"]
    } else {
        Vec::new()
    }
}

/// Stack tags; CloudFormation copies them to every resource that takes tags.
pub fn tags(stack: &Stack) -> Vec<(&'static str, String)> {
    vec![
        ("environment", stack.environment.name().to_owned()),
        ("defined-in", stack.source.to_owned()),
    ]
}

/// Export names imported anywhere in the template.
fn imports(template: &Template) -> Vec<&str> {
    let mut names = Vec::new();
    for r in &template.resources {
        for e in r.properties.exprs() {
            e.walk(&mut |x| {
                if let Expr::ImportValue(inner) = x
                    && let Some(name) = inner.as_literal()
                    && !names.contains(&name)
                {
                    names.push(name);
                }
            });
        }
    }
    names
}

/// The stack that exports `export`, and the output that does.
pub fn exporter<'a>(app: &'a App, export: &str) -> Option<(&'a Stack, &'a crate::model::Output)> {
    app.stacks().iter().find_map(|s| {
        s.template
            .outputs
            .iter()
            .find(|o| o.export.as_deref() == Some(export))
            .map(|o| (s, o))
    })
}

/// Stacks this one imports from: they must be deployed first.
pub fn depends_on<'a>(app: &'a App, stack: &Stack) -> Vec<&'a Stack> {
    let mut out: Vec<&Stack> = Vec::new();
    for name in imports(&stack.template) {
        if let Some((s, _)) = exporter(app, name)
            && !out.iter().any(|o| o.name == s.name)
        {
            out.push(s);
        }
    }
    out
}

/// Stacks that import from this one: they must be deployed after it.
pub fn dependents<'a>(app: &'a App, stack: &Stack) -> Vec<&'a Stack> {
    app.stacks()
        .iter()
        .filter(|s| depends_on(app, s).iter().any(|d| d.name == stack.name))
        .collect()
}

/// Stacks that import `export`.
pub fn importers<'a>(app: &'a App, export: &str) -> Vec<&'a Stack> {
    app.stacks()
        .iter()
        .filter(|s| imports(&s.template).contains(&export))
        .collect()
}

/// The stack's container-image function, if it has one.
pub fn image_function(stack: &Stack) -> Option<&Function> {
    stack
        .template
        .resources
        .iter()
        .find_map(|r| match &r.properties {
            Properties::Function(f) => Some(&**f),
            _ => None,
        })
}

/// A `sam deploy` flag whose value cannot be in samconfig.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub flag: &'static str,
    pub value: String,
    pub why: String,
}

/// What `sam deploy --config-env <stack>` still needs on its command line: a value for each
/// parameter (the image tag is the commit being deployed), and for image functions the
/// repository, whose URI holds the account ID.
pub fn command_line(app: &App, stack: &Stack) -> Vec<Flag> {
    let mut flags: Vec<Flag> = stack
        .template
        .parameters
        .iter()
        .map(|p| {
            let (value, why) = if p.id.as_str() == IMAGE_TAG_PARAMETER {
                (
                    "$(git rev-parse HEAD)".to_owned(),
                    format!(
                        "{}: {}; the image must be pushed under this tag first",
                        p.id, p.description
                    ),
                )
            } else {
                ("<value>".to_owned(), format!("{}: {}", p.id, p.description))
            };
            Flag {
                flag: "--parameter-overrides",
                value: format!("{}={value}", p.id),
                why,
            }
        })
        .collect();
    if let Some(function) = image_function(stack) {
        let mut export = None;
        function.image_uri.walk(&mut |e| {
            if let Expr::ImportValue(inner) = e {
                export = inner.as_literal();
            }
        });
        let value = match export.and_then(|name| exporter(app, name)) {
            Some((s, output)) => format!("<{} output of {}>", output.id, s.name),
            None => "<ECR repository URI>".to_owned(),
        };
        flags.push(Flag {
            flag: "--image-repository",
            value,
            why: "SAM requires one for image functions but pushes nothing to it: the template \
                  sets ImageUri from the ImageTag parameter"
                .into(),
        });
    }
    flags
}
