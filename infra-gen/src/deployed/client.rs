//! The CloudFormation client, errors, and the checks every deployed-stack command shares:
//! the stack is one of ours and generated/ matches its definition.

use std::fmt::Debug;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::config::Region;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::Command;
use crate::builders::{App, Stack};
use crate::deploy;
use crate::pipeline;
use crate::render::GeneratedFile;

#[derive(Debug, thiserror::Error)]
pub enum DeployedError {
    #[error("no stack named {0} in the definitions; `cargo infra-gen list` shows them")]
    UnknownStack(String),
    #[error(
        "no AWS credentials: {0}\n  set AWS_PROFILE (after `aws configure sso` or `aws configure`), \
         or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials(String),
    #[error("stack {stack} does not exist in {region}")]
    NoSuchStack { stack: String, region: String },
    #[error("{operation} failed: {message}")]
    Aws {
        operation: &'static str,
        message: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "generated/{0} does not match the definitions: run `cargo infra-gen generate` (and commit) first"
    )]
    StaleGenerated(String),
    #[error("the definitions do not render:\n{0}")]
    Definitions(Box<crate::pipeline::Failure>),
    #[error("cannot parse the {which} template: {message}")]
    Parse { which: String, message: String },
    #[error("{what} did not finish within {seconds} s")]
    Timeout { what: String, seconds: u64 },
    #[error("{0}")]
    Usage(String),
    #[error("CloudFormation answered without {0}")]
    Incomplete(&'static str),
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
}

impl DeployedError {
    /// Errors from the SDK, with CloudFormation's own code and message when it sent them.
    pub fn aws<E, R>(operation: &'static str, e: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: Debug,
    {
        let message = match (e.code(), e.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            _ => DisplayErrorContext(&e).to_string(),
        };
        Self::Aws { operation, message }
    }

    /// CloudFormation says "Stack with id X does not exist" as a ValidationError.
    pub fn is_missing_stack<E, R>(e: &SdkError<E, R>) -> bool
    where
        E: ProvideErrorMetadata,
    {
        e.code() == Some("ValidationError")
            && e.message().is_some_and(|m| m.contains("does not exist"))
    }
}

impl Target<'_> {
    /// Maps an SDK error of a call on this stack: a missing stack gets its own message.
    pub fn stack_error<E, R>(&self, operation: &'static str, e: SdkError<E, R>) -> DeployedError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: Debug,
    {
        if DeployedError::is_missing_stack(&e) {
            DeployedError::NoSuchStack {
                stack: self.stack.name.to_string(),
                region: self.region.clone(),
            }
        } else {
            DeployedError::aws(operation, e)
        }
    }
}

/// A stack of the app, its generated template as committed, and a client for its region.
pub struct Target<'a> {
    pub stack: &'a Stack,
    pub region: String,
    pub template_path: PathBuf,
    pub template_body: String,
    pub client: Client,
    /// The execution role a deploy passes (`deploy::role_arn`), so a preview asks for what a
    /// deploy will.
    pub role_arn: Option<String>,
}

/// Polling delays: 1 s, 1 s, 4 s, then every 5 s; small stacks finish in seconds.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(u64::from(attempt.min(3)).pow(2).clamp(1, 5))
}

async fn client(region: &str) -> Result<Client, DeployedError> {
    // AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_CLOUDFORMATION) are honoured here: tests point
    // the client at moto or a fake.
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .load()
        .await;
    // Without this, missing credentials surface as a "dispatch failure" on the first call.
    let provider = config
        .credentials_provider()
        .ok_or_else(|| DeployedError::NoCredentials("no credentials provider".into()))?;
    provider
        .provide_credentials()
        .await
        .map_err(|e| DeployedError::NoCredentials(DisplayErrorContext(&e).to_string()))?;
    Ok(Client::new(&config))
}

fn generated_template(
    app: &App,
    stack: &Stack,
    generated: &Path,
) -> Result<(PathBuf, String), DeployedError> {
    let file = deploy::template_file(stack);
    let path = generated.join(&file);
    let committed = std::fs::read_to_string(&path).map_err(|source| DeployedError::Read {
        path: path.clone(),
        source,
    })?;
    // What sam deploy sends is the committed file; it must be what the definitions say.
    let rendered: Vec<GeneratedFile> =
        pipeline::validated(app).map_err(|e| DeployedError::Definitions(Box::new(e)))?;
    if !rendered
        .iter()
        .any(|f| f.path == file && f.contents == committed)
    {
        return Err(DeployedError::StaleGenerated(file));
    }
    Ok((path, committed))
}

async fn target<'a>(
    app: &'a App,
    stack_name: &str,
    region: Option<&str>,
    generated: &Path,
) -> Result<Target<'a>, DeployedError> {
    let stack = app
        .stacks()
        .iter()
        .find(|s| s.name.as_str() == stack_name)
        .ok_or_else(|| DeployedError::UnknownStack(stack_name.to_owned()))?;
    let (template_path, template_body) = generated_template(app, stack, generated)?;
    let region = region.unwrap_or(stack.environment.region()).to_owned();
    Ok(Target {
        stack,
        client: client(&region).await?,
        region,
        template_path,
        template_body,
        role_arn: crate::deploy::role_arn(app, stack),
    })
}

pub fn run(command: Command, app: &App, generated: &Path) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {}", DeployedError::Runtime(e));
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match command {
            Command::Diff(a) => {
                let t = target(app, &a.deployed, a.aws.region.as_deref(), generated).await?;
                super::diff::run(&t).await
            }
            Command::Drift(a) => {
                let t = target(app, &a.stack, a.aws.region.as_deref(), generated).await?;
                super::drift::run(&t, a.timeout).await
            }
            Command::Plan(a) => {
                let stack = app
                    .stacks()
                    .iter()
                    .find(|s| s.name.as_str() == a.stack)
                    .ok_or_else(|| DeployedError::UnknownStack(a.stack.clone()))?;
                // Checked before any network call: a missing tag is a usage error.
                let parameters = super::plan::parameters(stack, a.image_tag.as_deref())?;
                let t = target(app, &a.stack, a.aws.region.as_deref(), generated).await?;
                super::plan::run(&t, parameters, a.keep, a.timeout).await
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
