//! Commands that compare the definitions with what is deployed: `diff --deployed`, `drift`
//! and `plan`. They need the AWS SDK, which only the `aws` feature compiles (run them as
//! `cargo infra-gen-aws <command>`); without it they still parse, so `--help` lists them, and
//! say how to run them.

#[cfg(feature = "aws")]
mod client;
#[cfg(feature = "aws")]
mod diff;
#[cfg(feature = "aws")]
mod drift;
#[cfg(feature = "aws")]
mod plan;
#[cfg(feature = "aws")]
pub mod template;

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::builders::App;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare a deployed stack's template with generated/, ignoring formatting; exit 1 when
    /// they differ. Talks to AWS: run as `cargo infra-gen-aws diff --deployed <STACK>`.
    Diff(DiffArgs),
    /// Ask CloudFormation whether a stack's resources drifted from its template; exit 1 when
    /// they did. Talks to AWS: run as `cargo infra-gen-aws drift <STACK>`.
    Drift(DriftArgs),
    /// Preview a deploy: make a change set from generated/<STACK>.yaml, print what it would
    /// change, delete it. Talks to AWS: run as `cargo infra-gen-aws plan <STACK>`.
    Plan(PlanArgs),
}

/// Where to reach AWS. Credentials come from the standard AWS configuration (environment,
/// profile, SSO, instance role).
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS region [default: the stack's region, from its definition].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The stack whose deployed template to compare.
    #[arg(long, value_name = "STACK")]
    pub deployed: String,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    pub stack: String,
    /// Give up waiting for drift detection after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    pub stack: String,
    /// The image tag (git commit SHA) to preview; required for stacks with an ImageTag parameter.
    #[arg(long, value_name = "SHA")]
    pub image_tag: Option<String>,
    /// Keep the change set (to review in the console or execute) instead of deleting it.
    #[arg(long)]
    pub keep: bool,
    /// Give up waiting for the change set after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    #[command(flatten)]
    pub aws: AwsArgs,
}

impl Command {
    /// The same command, as typed with the alias that builds the `aws` feature.
    pub fn with_aws_alias(&self) -> String {
        match self {
            Self::Diff(a) => format!("cargo infra-gen-aws diff --deployed {}", a.deployed),
            Self::Drift(a) => format!("cargo infra-gen-aws drift {}", a.stack),
            Self::Plan(a) => format!(
                "cargo infra-gen-aws plan {}{}",
                a.stack,
                a.image_tag
                    .as_deref()
                    .map(|t| format!(" --image-tag {t}"))
                    .unwrap_or_default()
            ),
        }
    }
}

/// Runs a deployed-stack command; `generated` is the generated/ directory. Exit codes: 0 no
/// difference (or a plan printed), 1 difference or drift, 2 usage, AWS or I/O errors.
#[cfg(feature = "aws")]
pub fn run(command: Command, app: &App, generated: &Path) -> ExitCode {
    client::run(command, app, generated)
}

/// Without the `aws` feature: explains how to run the command.
#[cfg(not(feature = "aws"))]
pub fn run(command: Command, _app: &App, _generated: &Path) -> ExitCode {
    eprintln!(
        "error: this command talks to AWS, and this build of infra-gen leaves the AWS SDK out \
         (it keeps `cargo infra-gen check` fast). Run it with the `aws` feature:\n  {}",
        command.with_aws_alias()
    );
    ExitCode::from(2)
}
