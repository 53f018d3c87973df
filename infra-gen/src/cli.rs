//! The `infra-gen` command line. A repository's own binary calls [`main`] with its stacks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::builders::{App, Date};
use crate::model::Lifecycle;
use crate::pipeline::{self, Failure, Rendered};
use crate::render::GeneratedFile;
use crate::{Error, Finding, check, deploy, format_findings};

#[derive(Debug, Parser)]
#[command(
    name = "infra-gen",
    about = "Render typed service definitions to AWS SAM templates and check them for drift"
)]
struct Cli {
    /// Repository root holding generated/ (default: the workspace this binary was built from).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write generated/ from the definitions, removing files no stack produces. Refuses
    /// templates that fail validation and unacknowledged replacements of stateful resources.
    Generate,
    /// Validate, then exit 1 with a unified diff when generated/ does not match the definitions.
    Check,
    /// Validate every template against CloudFormation's and SAM's resource schemas (offline).
    Validate,
    /// List stacks in deployment order, with their environment and resources.
    List {
        /// Print JSON for workflows: per stack its environment, region, order, the stacks to
        /// deploy first, parameters, outputs, the image to build and the smoke test.
        #[arg(long)]
        json: bool,
    },
    /// Say what the change since a git ref does in AWS: resources, permissions (widening or
    /// narrowing), exposure, stateful replacements, environment, operations. Exit 3 when it
    /// needs an explicit approval, 2 on bad input.
    Review(crate::review::Args),
    #[command(flatten)]
    Deployed(crate::deployed::Command),
}

const GENERATED: &str = "generated";
/// Resources that passed the schemas in earlier runs (see `validate::validate_cached`).
const SCHEMA_CACHE: &str = "target/infra-gen/schema-cache";

/// Parses the process arguments and runs the command. Exit codes: 0 success, 1 drift or
/// findings, 2 usage or I/O errors.
pub fn main(app: fn() -> Result<App, Error>, default_root: &Path) -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(|| default_root.to_owned());
    let dir = root.join(GENERATED);
    let app = match app() {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if matches!(cli.command, Command::Check | Command::Generate) {
        for warning in crate::builders::retirement_warnings(&app, today()) {
            eprintln!("{warning}");
        }
    }
    let code = match cli.command {
        Command::List { json: false } => {
            print!("{}", list(&app));
            ExitCode::SUCCESS
        }
        Command::List { json: true } => {
            let listing = serde_json::json!({ "stacks": deploy::listing(&app) });
            println!("{listing:#}");
            ExitCode::SUCCESS
        }
        Command::Deployed(command) => crate::deployed::run(command, &app, &dir),
        Command::Review(args) => crate::review::run(&args, &app, &root, &root.join(SCHEMA_CACHE)),
        Command::Validate => match pipeline::validated(&app) {
            Ok(_) => {
                println!(
                    "ok: {} template(s) match their resource schemas",
                    app.stacks().len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => failed(&e),
        },
        Command::Generate => match pipeline::run(&app, &dir, Some(&root.join(SCHEMA_CACHE))) {
            Ok(rendered) => {
                notes(&rendered);
                generate(&rendered)
            }
            Err(e) => failed(&e),
        },
        Command::Check => match pipeline::run(&app, &dir, Some(&root.join(SCHEMA_CACHE))) {
            Ok(rendered) => {
                notes(&rendered);
                let compared = check::compare_rendered(&rendered, GENERATED);
                let code = drift(compared, rendered.files(), None);
                std::mem::forget(rendered);
                code
            }
            Err(Failure::Replacement { refused, files }) => drift(
                check::compare(&dir, GENERATED, &files),
                &files,
                Some(&refused),
            ),
            Err(e) => failed(&e),
        },
    };
    // The process ends here: freeing the definitions and the rendered files one allocation at
    // a time would cost `check` more than any of its steps, and the OS reclaims them at once.
    std::mem::forget(app);
    code
}

/// The day the freshness warnings are judged on: `INFRA_GEN_TODAY` (`YYYY-MM-DD`), so a test
/// or a reviewer can ask what `check` will say on a given day, else the system clock.
fn today() -> Date {
    std::env::var("INFRA_GEN_TODAY")
        .ok()
        .and_then(|text| {
            let day = Date::parse(&text);
            if day.is_none() {
                eprintln!("warning: INFRA_GEN_TODAY={text:?} is not YYYY-MM-DD; using the clock");
            }
            day
        })
        .unwrap_or_else(Date::today)
}

/// Exit 1 for findings in the definitions, 2 for I/O.
fn failed(e: &Failure) -> ExitCode {
    match e {
        Failure::Read { .. } => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn notes(rendered: &Rendered) {
    for r in rendered.acknowledged() {
        eprintln!("note: {r}");
    }
    for r in rendered.removed() {
        eprintln!("note: {r}");
    }
    for (path, e) in rendered.unreadable() {
        // A hand-edited file that no longer parses: the diff will show it.
        eprintln!("warning: cannot read {GENERATED}/{path} to check for replacements: {e}");
    }
}

fn generate(rendered: &Rendered) -> ExitCode {
    match check::write(rendered) {
        Ok(w) => {
            for p in &w.updated {
                println!("wrote {GENERATED}/{p}");
            }
            for p in &w.removed {
                println!("removed {GENERATED}/{p}");
            }
            for p in &w.kept {
                eprintln!(
                    "warning: {GENERATED}/{p} is not produced by any stack and was not written by infra-gen; delete it if it is stale"
                );
            }
            println!(
                "{} file(s) up to date in {GENERATED}/",
                rendered.files().len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reports `compared`, the drift of `files`; `refused` are replacements `generate` would refuse.
fn drift(
    compared: Result<Vec<check::Drift>, check::IoError>,
    files: &[GeneratedFile],
    refused: Option<&[Finding]>,
) -> ExitCode {
    match compared {
        Ok(drift) if drift.is_empty() => {
            println!(
                "ok: {} file(s) in {GENERATED}/ match their definitions",
                files.len()
            );
            ExitCode::SUCCESS
        }
        Ok(drift) => {
            for d in &drift {
                println!("{d}");
            }
            eprintln!(
                "{} file(s) drifted: run `cargo infra-gen generate` and commit {GENERATED}/",
                drift.len()
            );
            if let Some(refused) = refused {
                eprintln!(
                    "and `generate` will refuse this:\n{}",
                    format_findings(refused)
                );
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn list(app: &App) -> String {
    let mut out = String::new();
    for (i, stack) in app.stacks().iter().enumerate() {
        let t = &stack.template;
        out.push_str(&format!(
            "{}. {} [{} {}] {GENERATED}/{}.yaml, defined in {}\n",
            i + 1,
            stack.name,
            stack.environment.name(),
            stack.environment.region(),
            stack.name,
            stack.source
        ));
        for p in &t.parameters {
            out.push_str(&format!("     parameter {}\n", p.id));
        }
        for r in &t.resources {
            // What happens to it on delete and replace, as the template says: a lifecycle
            // set to `Delete` by a model edit is no retained resource.
            let retained = match r.lifecycle {
                None => String::new(),
                Some(l) if l == Lifecycle::RETAIN => " (retained)".to_owned(),
                Some(l) => format!(
                    " (DeletionPolicy {:?}, UpdateReplacePolicy {:?})",
                    l.deletion, l.update_replace
                ),
            };
            out.push_str(&format!(
                "     resource  {} {}{retained}\n",
                r.id,
                r.properties.type_name()
            ));
            for i in r.properties.implicit(&r.id) {
                out.push_str(&format!(
                    "     resource  {} {} (added by SAM)\n",
                    i.id, i.type_name
                ));
            }
        }
        for o in &t.outputs {
            let export = o
                .export
                .as_deref()
                .map(|e| format!(" exported as {e}"))
                .unwrap_or_default();
            out.push_str(&format!("     output    {}{export}\n", o.id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Environment;
    use crate::builders::Registry;
    use crate::model::DeletionPolicy;

    /// `list` says what the template does with a resource on delete and on replace: retained
    /// only when both are `Retain`, and each policy as it is otherwise.
    #[test]
    fn list_says_retained_only_for_a_resource_the_template_retains() {
        let env = Environment::new("test", "us-west-2").expect("valid");
        let (registry, _) = Registry::new("demo", &env, "test").build().expect("builds");
        let policies = [
            DeletionPolicy::Delete,
            DeletionPolicy::Retain,
            DeletionPolicy::Snapshot,
        ];
        for deletion in policies {
            for update_replace in policies {
                let mut app = App::new();
                let mut stack = registry.clone();
                for r in &mut stack.template.resources {
                    r.lifecycle = Some(Lifecycle {
                        deletion,
                        update_replace,
                    });
                }
                app.push(stack);
                let listed = list(&app);
                let retained =
                    deletion == DeletionPolicy::Retain && update_replace == DeletionPolicy::Retain;
                assert_eq!(listed.contains("(retained)"), retained, "{listed}");
                if !retained {
                    assert!(
                        listed.contains(&format!(
                            "DeletionPolicy {deletion:?}, UpdateReplacePolicy {update_replace:?}"
                        )),
                        "{listed}"
                    );
                }
            }
        }
    }
}
