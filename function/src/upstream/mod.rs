//! The upstreams: one module per Bedrock API a model can be served by (`models.json`'s
//! `upstream`), each a unit with the same three functions, and one line per unit in
//! [`upstreams!`] that routes a model to it.
//!
//! A unit's functions (all take the [`Call`] the layers before it admitted, and the request body):
//!
//! - `complete(app, call, request, upstream_request_id) -> Result<Whole, ApiError>`: a
//!   non-streaming answer, whole. It records Bedrock's request id (also on errors where Bedrock
//!   sent one) in `upstream_request_id`.
//! - `open(app, call, request) -> Result<Opening<S>, ApiError>`: the stream's opening (which owns
//!   all it needs), for an `S:` [`EventSource`]; errors found before anything is sent (a request
//!   Converse cannot carry) come back at once.
//! - `count_input(app, call, request) -> Result<CountTokensInput, ApiError>`: the CountTokens input.
//!
//! Deadlines, pings, idle timeouts and the client leaving are the handler's (`handler::stream`),
//! the same for every unit.

mod converse;
mod invoke;
mod messages;

use std::future::Future;
use std::pin::Pin;

use aws_sdk_bedrockruntime::types::CountTokensInput;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::handler::{App, Call, Started, Streaming};
use crate::models::Upstream;
use crate::sse::Usage;

/// A non-streaming answer: the Anthropic message as the client gets it, and its usage.
pub(crate) struct Whole {
    pub body: Bytes,
    pub usage: Usage,
}

/// Opens an upstream stream. The SDK may wait for the first frame before it returns, so the
/// call itself is part of the silence that pings must cover. Boxed once per request, so the
/// futures around it stay small.
pub(crate) type Opening<S> = Pin<Box<dyn Future<Output = Result<Open<S>, ApiError>> + Send>>;

/// An upstream stream as it opened: Bedrock's request id and the source of its events.
pub(crate) struct Open<S> {
    pub request_id: Option<String>,
    pub source: S,
}

/// An open upstream stream, seen as a source of ready-to-send Anthropic SSE bytes.
pub(crate) trait EventSource: Send + 'static {
    /// The next SSE bytes; `Ok(None)` once the message is complete. Cancel-safe: the readers
    /// keep partial frames in their own buffers.
    fn next(&mut self) -> impl Future<Output = Result<Option<Bytes>, ApiError>> + Send;
    /// The usage figures seen so far.
    fn usage(&self) -> Usage;
    /// The Anthropic `error` event the upstream sent, if any.
    fn error_event(&self) -> Option<&ApiError>;
}

fn truncated() -> ApiError {
    ApiError::internal("the upstream stream ended before the message was complete")
}

/// The routing table from `Upstream` to its unit: a variant without a line here does not compile.
macro_rules! upstreams {
    ($($variant:ident => $unit:ident),* $(,)?) => {
        /// A whole answer from the model's upstream.
        pub(crate) async fn complete(
            app: &App,
            call: &Call<'_>,
            request: Map<String, Value>,
            upstream_request_id: &mut Option<String>,
        ) -> Result<Whole, ApiError> {
            match call.model.upstream {
                $(Upstream::$variant => $unit::complete(app, call, request, upstream_request_id).await,)*
            }
        }

        /// Opens the model's upstream stream and starts streaming it (generic over the unit's
        /// event source, so no event is boxed).
        pub(crate) async fn stream(
            app: &App,
            call: &Call<'_>,
            request: Map<String, Value>,
            streaming: Streaming<'_>,
        ) -> Result<Started, ApiError> {
            match call.model.upstream {
                $(Upstream::$variant => streaming.start($unit::open(app, call, request)?).await,)*
            }
        }

        /// The CountTokens input for the model's upstream.
        pub(crate) fn count_input(
            app: &App,
            call: &Call<'_>,
            request: Map<String, Value>,
        ) -> Result<CountTokensInput, ApiError> {
            match call.model.upstream {
                $(Upstream::$variant => $unit::count_input(app, call, request),)*
            }
        }
    };
}

upstreams! {
    Messages => messages,
    Invoke => invoke,
    Converse => converse,
}
