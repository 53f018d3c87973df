//! The `infra-gen` command line. A repository's own binary calls [`main`] with its stacks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::{App, Day};
use crate::model::Properties;
use crate::render::{self, GeneratedFile};
use crate::{Error, Finding, check, validate};

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
    List,
    #[command(flatten)]
    Deployed(crate::deployed::Command),
}

const GENERATED: &str = "generated";

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
        for warning in crate::build::retirement_warnings(&app, today()) {
            eprintln!("{warning}");
        }
    }
    match cli.command {
        Command::List => {
            print!("{}", list(&app));
            ExitCode::SUCCESS
        }
        Command::Deployed(command) => crate::deployed::run(command, &app, &dir),
        Command::Validate => with_files(&app, |_| {
            invalid(&app).unwrap_or_else(|| {
                println!(
                    "ok: {} template(s) match their resource schemas",
                    app.stacks().len()
                );
                ExitCode::SUCCESS
            })
        }),
        Command::Generate => with_files(&app, |files| {
            if let Some(code) = invalid(&app) {
                return code;
            }
            match replaced(&app, files, &dir) {
                Ok(refused) if refused.is_empty() => {}
                Ok(refused) => {
                    eprintln!("{}", Error::Findings(refused));
                    return ExitCode::from(1);
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
            generate(&dir, files)
        }),
        Command::Check => with_files(&app, |files| {
            if let Some(code) = invalid(&app) {
                return code;
            }
            drift(&app, files, &dir)
        }),
    }
}

/// The day the freshness warnings are judged on: `INFRA_GEN_TODAY` (`YYYY-MM-DD`), so a test
/// or a reviewer can ask what `check` will say on a given day, else the system clock.
fn today() -> Day {
    std::env::var("INFRA_GEN_TODAY")
        .ok()
        .and_then(|text| {
            let day = Day::parse(&text);
            if day.is_none() {
                eprintln!("warning: INFRA_GEN_TODAY={text:?} is not YYYY-MM-DD; using the clock");
            }
            day
        })
        .unwrap_or_else(Day::today)
}

/// Prints schema findings; `None` when every template passes.
fn invalid(app: &App) -> Option<ExitCode> {
    let findings = validate::validate(app);
    if findings.is_empty() {
        return None;
    }
    eprintln!("{}", Error::Findings(findings));
    Some(ExitCode::from(1))
}

/// Unacknowledged replacements of stateful resources, comparing each rendered stack with its
/// committed file; acknowledged ones are printed as notes. Unchanged files are not parsed.
fn replaced(app: &App, files: &[GeneratedFile], dir: &Path) -> Result<Vec<Finding>, String> {
    let mut refused = Vec::new();
    for (stack, file) in app.stacks().iter().zip(files) {
        let path = dir.join(&file.path);
        let committed = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        if committed == file.contents {
            continue;
        }
        let found = match validate::replacements(stack, &committed) {
            Ok(found) => found,
            Err(e) => {
                // A hand-edited file that no longer parses: the diff will show it.
                eprintln!(
                    "warning: cannot read {GENERATED}/{} to check for replacements: {e}",
                    file.path
                );
                continue;
            }
        };
        for r in found {
            match &r.acknowledged {
                Some(reason) => eprintln!(
                    "note: {} › {}: {} changes and replaces it, as acknowledged: {reason}",
                    r.stack,
                    r.resource,
                    r.properties.join(", ")
                ),
                None => refused.push(r.to_finding()),
            }
        }
    }
    Ok(refused)
}

fn generate(dir: &Path, files: &[GeneratedFile]) -> ExitCode {
    match check::write(dir, files) {
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
            println!("{} file(s) up to date in {GENERATED}/", files.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn drift(app: &App, files: &[GeneratedFile], dir: &Path) -> ExitCode {
    match check::compare(dir, GENERATED, files) {
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
            match replaced(app, files, dir) {
                Ok(refused) if refused.is_empty() => {}
                Ok(refused) => eprintln!(
                    "and `generate` will refuse this:\n{}",
                    Error::Findings(refused)
                ),
                Err(e) => eprintln!("error: {e}"),
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn with_files(app: &App, f: impl FnOnce(&[GeneratedFile]) -> ExitCode) -> ExitCode {
    match render::render(app) {
        Ok(files) => f(&files),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
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
            let retained = if r.lifecycle.is_some() {
                " (retained)"
            } else {
                ""
            };
            out.push_str(&format!(
                "     resource  {} {}{retained}\n",
                r.id,
                r.properties.type_name()
            ));
            if let Properties::Function(f) = &r.properties
                && f.url.is_some()
            {
                out.push_str(&format!(
                    "     resource  {}Url AWS::Lambda::Url (added by SAM)\n",
                    r.id
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
