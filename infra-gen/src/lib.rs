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
    #[error("cannot render {path}: {source}")]
    Render {
        path: String,
        source: minijinja::Error,
    },
}
