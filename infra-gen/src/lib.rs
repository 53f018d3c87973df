//! Typed definitions of container-image Lambda services, rendered to AWS SAM templates.
//!
//! Layers, bottom up (a module uses only lower ones; ARCHITECTURE.md's table, enforced by
//! `tests/layers.rs`): the crate's `Error` and [`Finding`]; [`units`], validated values;
//! [`model`], a thin, faithful model of the CloudFormation/SAM resources; [`build`],
//! opinionated builders with safe defaults; [`deploy`], the deploy settings `samconfig.toml`
//! and `plan` share; [`lint`], what types cannot check; [`render`], a linted [`App`] as files;
//! [`validate`], the resource schemas and the replacement guard; [`pipeline`], all of these as
//! one call; [`check`], comparing with and writing `generated/`; [`deployed`], the deployed
//! stacks (its AWS calls need the `aws` feature), and [`review`], what a change since a git ref
//! does in AWS; [`cli`], the command line a repository's own binary runs.

pub mod builders;
pub mod check;
pub mod cli;
pub mod deploy;
pub mod deployed;
mod error;
pub mod lint;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod review;
pub mod units;
pub mod validate;

pub use builders::{App, Environment, EnvironmentKind, Stack};
pub use error::{Checked, Error, Finding, format_findings};
