//! The `infra-gen` command line. A repository's own binary calls [`main`] with its stacks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::App;
use crate::model::Properties;
use crate::render::{self, GeneratedFile};
use crate::{Error, check};

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
    /// Write generated/ from the definitions, removing files no stack produces.
    Generate,
    /// Exit 1 with a unified diff when generated/ does not match the definitions.
    Check,
    /// List stacks in deployment order, with their environment and resources.
    List,
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
    match cli.command {
        Command::List => {
            print!("{}", list(&app));
            ExitCode::SUCCESS
        }
        Command::Generate => with_files(&app, |files| match check::write(&dir, files) {
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
        }),
        Command::Check => with_files(&app, |files| match check::compare(&dir, GENERATED, files) {
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
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        }),
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
