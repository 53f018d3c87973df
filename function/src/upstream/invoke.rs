//! `upstream: "invoke"`: InvokeModel / InvokeModelWithResponseStream with the Anthropic body in
//! Bedrock's envelope (`anthropic.rs`), answered with Anthropic JSON in `chunk`s.

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::primitives::event_stream::EventReceiver;
use aws_sdk_bedrockruntime::types::error::ResponseStreamError;
use aws_sdk_bedrockruntime::types::{CountTokensInput, InvokeModelTokensRequest, ResponseStream};
use bytes::Bytes;
use serde_json::{Map, Value};

use super::{EventSource, Open, Opening, Whole, truncated};
use crate::anthropic::{self, StreamRewriter};
use crate::error::ApiError;
use crate::handler::{App, Call, whole_answer};
use crate::sse::Usage;

pub(super) async fn complete(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
    upstream_request_id: &mut Option<String>,
) -> Result<Whole, ApiError> {
    let body = anthropic::invoke_body(request, &call.betas);
    let sent = app
        .bedrock
        .invoke_model()
        .model_id(call.model.invoke_id())
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(body))
        .send();
    let out = whole_answer(app, async {
        sent.await.map_err(|e| ApiError::from_sdk(&e, &call.asked))
    })
    .await?;
    *upstream_request_id = out.request_id().map(str::to_owned);
    let (body, usage) = anthropic::rewrite_message(out.body.as_ref(), &call.model.id)?;
    Ok(Whole { body, usage })
}

pub(super) fn open(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
) -> Result<Opening<Chunks>, ApiError> {
    let body = anthropic::invoke_body(request, &call.betas);
    let sent = app
        .bedrock
        .invoke_model_with_response_stream()
        .model_id(call.model.invoke_id())
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(body));
    let asked = call.asked.clone();
    Ok(Box::pin(async move {
        let out = sent
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(&e, &asked))?;
        Ok(Open {
            request_id: out.request_id().map(str::to_owned),
            source: Chunks {
                rx: out.body,
                rw: StreamRewriter::new(asked),
            },
        })
    }))
}

pub(super) fn count_input(
    _: &App,
    call: &Call<'_>,
    mut request: Map<String, Value>,
) -> Result<CountTokensInput, ApiError> {
    // count_tokens takes no max_tokens, but the InvokeModel body CountTokens wraps needs one.
    request.entry("max_tokens").or_insert(Value::from(1));
    let body = anthropic::invoke_body(request, &call.betas);
    let tokens = InvokeModelTokensRequest::builder()
        .body(Blob::new(body))
        .build()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(CountTokensInput::InvokeModel(tokens))
}

/// InvokeModelWithResponseStream `chunk`s.
pub(crate) struct Chunks {
    rx: EventReceiver<ResponseStream, ResponseStreamError>,
    rw: StreamRewriter,
}

impl EventSource for Chunks {
    async fn next(&mut self) -> Result<Option<Bytes>, ApiError> {
        loop {
            match self.rx.recv().await {
                Ok(Some(ResponseStream::Chunk(part))) => {
                    if let Some(bytes) = part.bytes {
                        return self.rw.rewrite(bytes.as_ref()).map(Some);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) if self.rw.finished || self.rw.error.is_some() => return Ok(None),
                Ok(None) => return Err(truncated()),
                Err(e) => return Err(ApiError::from_stream(&e, self.rw.asked())),
            }
        }
    }

    fn usage(&self) -> Usage {
        self.rw.usage
    }

    fn error_event(&self) -> Option<&ApiError> {
        self.rw.error.as_ref()
    }
}
