//! `generated/samconfig.toml`: one SAM config-env per stack, so `sam validate`, `sam build`
//! and `sam deploy --config-env <stack>` (run from `generated/`) need no hand-typed settings.
//! Only what cannot be known when generating stays on the command line: template parameters
//! (the image tag is the commit being deployed) and the image repository URI (it contains the
//! account ID).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{GeneratedFile, HEADER_MARK, jinja};
use crate::Error;
use crate::builders::{App, Stack};
use crate::deploy;

pub const PATH: &str = "samconfig.toml";

/// The region each stack is deployed to, as a `samconfig.toml` text records it (its config-env's
/// `deploy.parameters.region`); a stack without one is left out. The TOML parser's message when
/// the text does not parse.
pub fn recorded_regions(text: &str) -> Result<BTreeMap<String, String>, String> {
    let table = toml::from_str::<toml::Table>(text).map_err(|e| e.message().replace('\n', " "))?;
    Ok(table
        .iter()
        .filter_map(|(stack, env)| {
            let region = env.get("deploy")?.get("parameters")?.get("region")?;
            Some((stack.clone(), region.as_str()?.to_owned()))
        })
        .collect())
}
#[derive(Serialize)]
struct Context {
    header: String,
    envs: Vec<ConfigEnv>,
}

#[derive(Serialize)]
struct ConfigEnv {
    name: String,
    stack: String,
    environment: String,
    region: String,
    template_file: String,
    capabilities: Vec<&'static str>,
    /// SAM's `tags` syntax: `key="value"` pairs separated by spaces.
    tags: String,
    after: Vec<String>,
    /// The `sam deploy` command line, one line per flag.
    command: Vec<String>,
    /// What the flags of `command` are for.
    flags: Vec<deploy::Flag>,
    /// The execution role CloudFormation deploys the stack with.
    role_arn: Option<String>,
    /// Whether the stack has a function `sam build` can build an image for.
    builds_image: bool,
    /// Why BuildKit, for this stack's Dockerfile.
    buildkit_why: String,
}

fn config_env(app: &App, links: &deploy::Links<'_>, stack: &Stack) -> ConfigEnv {
    let flags = deploy::command_line(app, stack);
    let function = deploy::image_function(stack);
    let builds_image = function.is_some();
    // Lambda takes a single-platform manifest; BUILDPLATFORM exists only under BuildKit.
    let buildkit_why = match function {
        Some(f) if f.source.dockerfile_text.contains("BUILDPLATFORM") => format!(
            "Lambda needs a single-platform manifest, and {} uses $BUILDPLATFORM",
            f.source.dockerfile
        ),
        _ => "Lambda needs a single-platform manifest".to_owned(),
    };
    let mut command = vec![format!(
        "sam deploy --config-env {}",
        deploy::config_env(stack)
    )];
    command.extend(flags.iter().map(|f| format!("  {} {}", f.flag, f.value)));
    let last = command.len() - 1;
    for line in &mut command[..last] {
        line.push_str(" \\");
    }
    ConfigEnv {
        name: deploy::config_env(stack).to_owned(),
        stack: stack.name.to_string(),
        environment: stack.environment.name().to_owned(),
        region: stack.environment.region().to_owned(),
        template_file: deploy::template_file(stack),
        capabilities: deploy::capabilities(&stack.template),
        tags: deploy::tags(stack)
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect::<Vec<_>>()
            .join(" "),
        after: links
            .depends_on(stack)
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        command,
        flags,
        role_arn: deploy::role_arn(app, stack),
        builds_image,
        buildkit_why,
    }
}

pub fn samconfig_file(app: &App, links: &deploy::Links<'_>) -> Result<GeneratedFile, Error> {
    let mut sources: Vec<&str> = Vec::new();
    for s in app.stacks() {
        if !sources.contains(&s.source) {
            sources.push(s.source);
        }
    }
    let context = Context {
        header: format!("{HEADER_MARK} from {}.", sources.join(", ")),
        envs: app
            .stacks()
            .iter()
            .map(|s| config_env(app, links, s))
            .collect(),
    };
    Ok(GeneratedFile::new(
        PATH.into(),
        jinja::render("samconfig.toml.j2", context, PATH)?,
    ))
}
