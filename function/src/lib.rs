//! A streaming Anthropic Messages API gateway to Amazon Bedrock.
//!
//! One handler ([`handler::handle`]) serves both the Lambda runtime (Function URL in
//! RESPONSE_STREAM mode) and a local HTTP server, so both run the same code.

pub mod anthropic;
pub mod auth;
pub mod body;
pub mod config;
pub mod converse;
pub mod credentials;
pub mod error;
pub mod handler;
pub mod lambda;
pub mod limits;
pub mod messages_api;
pub mod models;
pub mod server;
pub mod sse;
pub mod telemetry;
pub mod upstream;
pub mod user_id;

pub use handler::{App, RequestContext, handle};
