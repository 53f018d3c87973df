//! How a stack is deployed: the settings `sam deploy` reads from `generated/samconfig.toml` and
//! `infra-gen plan` sends with its change set. One source, so a preview asks CloudFormation for
//! exactly what a deploy will.

use serde::Serialize;

use crate::builders::service::IMAGE_TAG_PARAMETER;
use crate::builders::{App, Stack};
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

/// The acknowledgements CloudFormation requires. Service roles have no explicit name, so
/// `CAPABILITY_IAM` suffices; the account roles of the bootstrap stack are named. The SAM transform needs no `CAPABILITY_AUTO_EXPAND` because
/// both `sam deploy` and `infra-gen plan` go through change sets.
pub fn capabilities(template: &Template) -> Vec<&'static str> {
    if template
        .resources
        .iter()
        .any(|r| matches!(r.properties, Properties::AccountRole(_)))
    {
        return vec!["CAPABILITY_NAMED_IAM"];
    }
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

/// The role CloudFormation deploys `stack` with (`--role-arn`): its execution role of the
/// app's bootstrap stack, which holds exactly what the stack's resources need.
pub fn role_arn(app: &App, stack: &Stack) -> Option<String> {
    let side = app.account()?;
    side.execution_role(stack.name.as_str())
        .map(|role| side.role_arn(role))
}

/// Whether `sam deploy` must upload the template to S3 first: CloudFormation takes at most
/// 51,200 bytes inline, which the bootstrap stack's roles exceed.
pub fn uploads_template(app: &App, stack: &Stack) -> bool {
    app.account().is_some_and(|side| side.stack == stack.name)
}

/// Stack tags; CloudFormation copies them to every resource that takes tags. The definition's
/// own tags (app, stack, service) follow infra-gen's two.
pub fn tags(stack: &Stack) -> Vec<(&str, String)> {
    let mut out = vec![
        ("environment", stack.environment.name().to_owned()),
        ("defined-in", stack.source.to_owned()),
    ];
    out.extend(
        stack
            .template
            .tags
            .iter()
            .map(|t| (t.key(), t.value().to_owned())),
    );
    out
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
    exporters(app, &imports(&stack.template))
}

/// The stacks exporting `names`, each once.
fn exporters<'a>(app: &'a App, names: &[&str]) -> Vec<&'a Stack> {
    let mut out: Vec<&Stack> = Vec::new();
    for name in names {
        if let Some((s, _)) = exporter(app, name)
            && !out.iter().any(|o| o.name == s.name)
        {
            out.push(s);
        }
    }
    out
}

/// Which stack imports which exports, worked out once: the review pages ask it of every stack,
/// and each answer would otherwise walk every stack's expressions again.
pub struct Links<'a> {
    app: &'a App,
    imports: Vec<(&'a Stack, Vec<&'a str>)>,
}

impl<'a> Links<'a> {
    pub fn new(app: &'a App) -> Self {
        Self {
            app,
            imports: app
                .stacks()
                .iter()
                .map(|s| (s, imports(&s.template)))
                .collect(),
        }
    }

    /// [`depends_on`].
    pub fn depends_on(&self, stack: &Stack) -> Vec<&'a Stack> {
        let own = self
            .imports
            .iter()
            .find(|(s, _)| s.name == stack.name)
            .map_or(&[][..], |(_, names)| names.as_slice());
        exporters(self.app, own)
    }

    /// Stacks that import from this one: they must be deployed after it.
    pub fn dependents(&self, stack: &Stack) -> Vec<&'a Stack> {
        // Only a stack that exports something can be depended on: most stacks are not read.
        if stack.template.outputs.iter().all(|o| o.export.is_none()) {
            return Vec::new();
        }
        self.imports
            .iter()
            .filter(|(s, _)| self.depends_on(s).iter().any(|d| d.name == stack.name))
            .map(|(s, _)| *s)
            .collect()
    }

    /// Stacks that import `export`.
    pub fn importers(&self, export: &str) -> Vec<&'a Stack> {
        self.imports
            .iter()
            .filter(|(_, names)| names.contains(&export))
            .map(|(s, _)| *s)
            .collect()
    }
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

/// The stack and output the function's image repository URI is imported from.
pub fn image_registry<'a>(
    app: &'a App,
    function: &Function,
) -> Option<(&'a Stack, &'a crate::model::Output)> {
    let mut export = None;
    function.image_uri.walk(&mut |e| {
        if let Expr::ImportValue(inner) = e {
            export = inner.as_literal();
        }
    });
    export.and_then(|name| exporter(app, name))
}

/// A `sam deploy` flag whose value cannot be in samconfig.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub flag: &'static str,
    pub value: String,
    pub why: String,
}

/// What `sam deploy --config-env <stack>` still needs on its command line: a value for each
/// parameter without a default (the image tag is the commit being deployed), and for image
/// functions the repository, whose URI holds the account ID.
pub fn command_line(app: &App, stack: &Stack) -> Vec<Flag> {
    let mut flags: Vec<Flag> = stack
        .template
        .parameters
        .iter()
        .filter(|p| p.default.is_none())
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
        let value = match image_registry(app, function) {
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
    if uploads_template(app, stack) {
        flags.push(Flag {
            flag: "--s3-bucket",
            value: format!(
                "<a bucket of the account in {}>",
                stack.environment.region()
            ),
            why: "the template is over the 51,200 bytes CloudFormation takes inline, so SAM \
                  uploads it there first (or --resolve-s3: SAM's own bucket)"
                .into(),
        });
    }
    flags
}

/// One stack as the deploy and drift workflows need it (`infra-gen list --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub name: String,
    pub environment: String,
    pub region: String,
    /// Position in the app, from 1: deploy in this order.
    pub order: usize,
    /// Stacks to deploy first (they export what this one imports).
    pub after: Vec<String>,
    pub source: String,
    /// Relative to the generated directory; also the samconfig.toml config-env's template.
    pub template: String,
    pub config_env: String,
    pub parameters: Vec<String>,
    pub outputs: Vec<ListedOutput>,
    /// The image to build and push before deploying, for a stack with a function.
    pub image: Option<ListedImage>,
    pub smoke_test: Option<String>,
    /// The role GitHub's deploy jobs of the stack's environment assume (none for the
    /// bootstrap stack, deployed by an administrator, or without an account side).
    pub deploy_role: Option<String>,
    /// The read-only role the drift workflow assumes for this stack.
    pub drift_role: Option<String>,
    /// Whether this is the bootstrap stack (the account side): deployed once by hand.
    pub bootstrap: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedOutput {
    pub id: String,
    pub export: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedImage {
    /// Relative to the repository root, which is the build context.
    pub dockerfile: String,
    /// `docker buildx build --platform` value.
    pub platform: &'static str,
    /// The stack whose output holds the repository URI, and that output.
    pub registry: Option<String>,
    pub repository_output: Option<String>,
}

/// The ARN of the role `pick` chooses among the roles of `stack`'s environment.
fn account_role(
    app: &App,
    stack: &Stack,
    pick: impl Fn(
        &crate::builders::bootstrap::EnvironmentRoles,
    ) -> Option<&crate::model::iam::account::RoleName>,
) -> Option<String> {
    let side = app.account()?;
    let roles = side.roles(stack.environment.name())?;
    pick(roles).map(|r| side.role_arn(r))
}

/// Every stack in deployment order, with what deploying it takes.
pub fn listing(app: &App) -> Vec<Listed> {
    app.stacks()
        .iter()
        .enumerate()
        .map(|(i, stack)| {
            let image = image_function(stack).map(|f| {
                let registry = image_registry(app, f);
                ListedImage {
                    dockerfile: f.source.dockerfile.clone(),
                    platform: f.architecture.docker_platform(),
                    registry: registry.map(|(s, _)| s.name.to_string()),
                    repository_output: registry.map(|(_, o)| o.id.to_string()),
                }
            });
            Listed {
                name: stack.name.to_string(),
                environment: stack.environment.name().to_owned(),
                region: stack.environment.region().to_owned(),
                order: i + 1,
                after: depends_on(app, stack)
                    .iter()
                    .map(|s| s.name.to_string())
                    .collect(),
                source: stack.source.to_owned(),
                template: template_file(stack),
                config_env: config_env(stack).to_owned(),
                parameters: stack
                    .template
                    .parameters
                    .iter()
                    .map(|p| p.id.to_string())
                    .collect(),
                outputs: stack
                    .template
                    .outputs
                    .iter()
                    .map(|o| ListedOutput {
                        id: o.id.to_string(),
                        export: o.export.clone(),
                    })
                    .collect(),
                image,
                smoke_test: stack.smoke_test.clone(),
                deploy_role: account_role(app, stack, |r| r.deploy.as_ref()),
                drift_role: account_role(app, stack, |r| Some(&r.drift)),
                bootstrap: app.account().is_some_and(|a| a.stack == stack.name),
            }
        })
        .collect()
}
