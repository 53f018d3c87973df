//! `upstream: "messages"`: Bedrock's native Messages endpoint (`messages_api.rs`), Anthropic body
//! and SSE; the model id is rewritten on the way in and out.

use aws_sdk_bedrockruntime::types::CountTokensInput;
use serde_json::{Map, Value};

use super::{EventSource, Open, Opening, Whole, truncated};
use crate::anthropic::{self, StreamRewriter};
use crate::error::ApiError;
use crate::handler::{App, Call};
use crate::messages_api::{self, Forward, SseReader};

fn forward<'a>(app: &App, call: &'a Call<'_>) -> Forward<'a> {
    Forward {
        query: call.query(),
        anthropic_version: call.header("anthropic-version"),
        betas: &call.betas,
        trace: app.trace.get(),
    }
}

pub(super) async fn complete(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
    upstream_request_id: &mut Option<String>,
) -> Result<Whole, ApiError> {
    let body = anthropic::messages_body(request, call.model.invoke_id());
    let response = app.messages.send(&forward(app, call), body).await?;
    *upstream_request_id = messages_api::request_id(&response);
    if !response.status().is_success() {
        return Err(messages_api::error(response, &call.asked).await);
    }
    let bytes = app.messages.body(response).await?;
    let (body, usage) = anthropic::rewrite_message(&bytes, &call.model.id)?;
    Ok(Whole { body, usage })
}

pub(super) fn open(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
) -> Result<Opening<Sse>, ApiError> {
    let body = anthropic::messages_body(request, call.model.invoke_id());
    let asked = call.asked.clone();
    let query = call.query().map(str::to_owned);
    let version = call.header("anthropic-version").cloned();
    let betas = call.betas.clone();
    let api = app.messages.clone();
    let trace = app.trace.get();
    Ok(Box::pin(async move {
        let forward = Forward {
            query: query.as_deref(),
            anthropic_version: version.as_ref(),
            betas: &betas,
            trace,
        };
        let response = api.send(&forward, body).await?;
        let request_id = messages_api::request_id(&response);
        if !response.status().is_success() {
            return Err(messages_api::error(response, &asked).await);
        }
        Ok(Open {
            request_id,
            source: Sse {
                rx: SseReader::new(response.into_body()),
                rw: StreamRewriter::new(asked),
            },
        })
    }))
}

/// Bedrock's Messages endpoint has no count_tokens; CountTokens takes an InvokeModel body.
pub(super) fn count_input(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
) -> Result<CountTokensInput, ApiError> {
    super::invoke::count_input(app, call, request)
}

/// The Messages endpoint's SSE.
pub(crate) struct Sse {
    rx: SseReader,
    rw: StreamRewriter,
}

impl EventSource for Sse {
    async fn next(&mut self) -> Result<Option<bytes::Bytes>, ApiError> {
        match self.rx.next().await? {
            Some(data) => self.rw.rewrite(&data).map(Some),
            None if self.rw.finished || self.rw.error.is_some() => Ok(None),
            None => Err(truncated()),
        }
    }

    fn usage(&self) -> crate::sse::Usage {
        self.rw.usage
    }

    fn error_event(&self) -> Option<&ApiError> {
        self.rw.error.as_ref()
    }
}
