//! `upstream: "converse"`: Converse / ConverseStream, with the request and the events
//! translated both ways (`crate::converse`).

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::event_stream::EventReceiver;
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ConverseOutput, ConverseStreamOutput, ConverseTokensRequest, CountTokensInput,
};
use bytes::{Bytes, BytesMut};
use serde_json::{Map, Value};

use super::{EventSource, Open, Opening, Whole, truncated};
use crate::converse::{self, StreamTranslator};
use crate::error::{ApiError, Asked};
use crate::handler::{App, Call, new_id, whole_answer};
use crate::sse::{self, Usage};

pub(super) async fn complete(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
    upstream_request_id: &mut Option<String>,
) -> Result<Whole, ApiError> {
    let c = converse::translate_request(&request)?;
    let sent = app
        .bedrock
        .converse()
        .model_id(call.model.invoke_id())
        .set_messages(Some(c.messages))
        .set_system(Some(c.system).filter(|s| !s.is_empty()))
        .inference_config(c.inference)
        .set_tool_config(c.tool_config)
        .set_request_metadata(c.request_metadata)
        .send();
    let out = whole_answer(app, async {
        sent.await.map_err(|e| ApiError::from_sdk(&e, &call.asked))
    })
    .await?;
    *upstream_request_id = out.request_id().map(str::to_owned);
    let usage = converse::usage(out.usage());
    let content = match out.output() {
        Some(ConverseOutput::Message(m)) => m.content.as_slice(),
        _ => &[],
    };
    let message = converse::translate_response(
        &new_id("msg_"),
        &call.model.id,
        content,
        out.stop_reason(),
        &usage,
    );
    Ok(Whole {
        body: Bytes::from(serde_json::to_vec(&message).unwrap_or_default()),
        usage,
    })
}

pub(super) fn open(
    app: &App,
    call: &Call<'_>,
    request: Map<String, Value>,
) -> Result<Opening<Events>, ApiError> {
    let c = converse::translate_request(&request)?;
    let sent = app
        .bedrock
        .converse_stream()
        .model_id(call.model.invoke_id())
        .set_messages(Some(c.messages))
        .set_system(Some(c.system).filter(|s| !s.is_empty()))
        .inference_config(c.inference)
        .set_tool_config(c.tool_config)
        .set_request_metadata(c.request_metadata);
    let tr = StreamTranslator::new(&new_id("msg_"), &call.model.id);
    let asked = call.asked.clone();
    Ok(Box::pin(async move {
        let out = sent
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(&e, &asked))?;
        Ok(Open {
            request_id: out.request_id().map(str::to_owned),
            source: Events {
                rx: out.stream,
                tr,
                asked,
            },
        })
    }))
}

pub(super) fn count_input(
    _: &App,
    _: &Call<'_>,
    request: Map<String, Value>,
) -> Result<CountTokensInput, ApiError> {
    let c = converse::translate_request(&request)?;
    Ok(CountTokensInput::Converse(
        ConverseTokensRequest::builder()
            .set_messages(Some(c.messages))
            .set_system(Some(c.system).filter(|s| !s.is_empty()))
            .set_tool_config(c.tool_config)
            .build(),
    ))
}

/// ConverseStream events, translated into Anthropic SSE.
pub(crate) struct Events {
    rx: EventReceiver<ConverseStreamOutput, ConverseStreamOutputError>,
    tr: StreamTranslator,
    asked: Asked,
}

impl EventSource for Events {
    async fn next(&mut self) -> Result<Option<Bytes>, ApiError> {
        let mut out = Vec::new();
        while out.is_empty() {
            match self.rx.recv().await {
                Ok(Some(event)) => self.tr.on_event(event, &mut out),
                Ok(None) if self.tr.finished => return Ok(None),
                // Converse ends with messageStop then metadata; without them it was cut short.
                Ok(None) => return Err(truncated()),
                Err(e) => return Err(ApiError::from_stream(&e, &self.asked)),
            }
        }
        let mut bytes = BytesMut::new();
        for event in &out {
            bytes.extend_from_slice(&sse::json_event(event));
        }
        Ok(Some(bytes.freeze()))
    }

    fn usage(&self) -> Usage {
        self.tr.usage
    }

    fn error_event(&self) -> Option<&ApiError> {
        None
    }
}
