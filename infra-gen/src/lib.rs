//! Typed definitions of container-image Lambda services, rendered to AWS SAM templates.
//!
//! Layers, bottom up: [`model`] is a thin, faithful model of the CloudFormation/SAM resources;
//! [`build`] holds opinionated builders with safe defaults; [`lint`] checks what types cannot;
//! [`render`] turns a checked [`App`] into files; [`validate`] checks templates against
//! CloudFormation's and SAM's resource schemas and guards stateful resources against
//! replacement; [`check`] compares files with what is committed; [`cli`] is the `infra-gen`
//! command line that a repository's own binary runs.
//! [`deploy`] holds the deploy settings `samconfig.toml` and `plan` share; [`deployed`]
//! compares the definitions with deployed stacks (its AWS calls need the `aws` feature).

pub mod build;
pub mod check;
pub mod cli;
pub mod deploy;
pub mod deployed;
pub mod lint;
pub mod model;
pub mod render;
pub mod units;
pub mod validate;

pub use build::{App, Environment, Stack};
pub use lint::Finding;

/// Everything that can go wrong before a template is written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} {value} is out of range: it must be between {min} and {max}")]
    OutOfRange {
        what: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    #[error("invalid {what} {value:?}: expected {expected}")]
    Invalid {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("model map: {0}")]
    ModelMap(String),
    #[error("{} problem(s) in the definitions:\n{}", .0.len(), lint::format_findings(.0))]
    Findings(Vec<Finding>),
    /// An invalid value given to a builder, with the place it was meant for.
    #[error("error[definition]: {stack} › {resource}: {message}\n  fix: {fix}")]
    At {
        stack: String,
        resource: String,
        message: String,
        fix: String,
    },
    #[error("cannot render {path}: {source}")]
    Render {
        path: String,
        source: minijinja::Error,
    },
}

impl Error {
    /// What to change, for a value error reported with its place.
    pub fn fix(&self) -> String {
        match self {
            Self::OutOfRange { what, min, max, .. } => {
                format!("give {what} a value between {min} and {max}")
            }
            Self::Invalid { what, expected, .. } => format!("give {what} {expected}"),
            Self::ModelMap(_) => "correct the entry in the model map file".into(),
            Self::At { fix, .. } => fix.clone(),
            Self::Findings(_) | Self::Render { .. } => "see the messages above".into(),
        }
    }
}

/// A builder argument: a value, or the `Result` of its constructor, so a constructor error
/// surfaces from `build()` naming the stack and resource rather than without a place.
pub trait Checked<T> {
    fn checked(self) -> Result<T, Error>;
}

impl<T> Checked<T> for T {
    fn checked(self) -> Result<T, Error> {
        Ok(self)
    }
}

impl<T> Checked<T> for Result<T, Error> {
    fn checked(self) -> Result<T, Error> {
        self
    }
}
