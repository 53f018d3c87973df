//! The Anthropic-body upstreams (`messages` and `invoke`): Bedrock takes and returns Anthropic
//! JSON, so the gateway only adjusts the envelope and leaves everything else untouched.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::error::{ApiError, Asked, ErrorKind};
use crate::sse::{self, Usage};

pub const BEDROCK_ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";
const INVOCATION_METRICS: &str = "amazon-bedrock-invocationMetrics";

/// The Messages endpoint body: the client's request with `model` naming the Bedrock model. The
/// endpoint takes `metadata.user_id` as the first-party API does, Claude Code's JSON string too.
pub fn messages_body(mut request: Map<String, Value>, bedrock_model: &str) -> Vec<u8> {
    request.insert("model".into(), Value::from(bedrock_model));
    serde_json::to_vec(&request).unwrap_or_default()
}

/// The InvokeModel body: the client's request minus `model` and `stream`, plus the Bedrock
/// version, with `anthropic-beta` header values moved into `anthropic_beta`.
pub fn invoke_body(mut request: Map<String, Value>, betas: &[String]) -> Vec<u8> {
    request.remove("model");
    request.remove("stream");
    request.insert(
        "anthropic_version".into(),
        Value::from(BEDROCK_ANTHROPIC_VERSION),
    );
    let mut all: Vec<Value> = match request.remove("anthropic_beta") {
        Some(Value::Array(existing)) => existing,
        Some(Value::String(one)) => vec![Value::String(one)],
        _ => Vec::new(),
    };
    for beta in betas {
        if !all.iter().any(|b| b.as_str() == Some(beta)) {
            all.push(Value::from(beta.as_str()));
        }
    }
    if !all.is_empty() {
        request.insert("anthropic_beta".into(), Value::Array(all));
    }
    serde_json::to_vec(&request).unwrap_or_default()
}

/// Rewrites a non-streaming response: the model id becomes the one the client used.
pub fn rewrite_message(body: &[u8], model: &str) -> Result<(Bytes, Usage), ApiError> {
    let mut message: Map<String, Value> = serde_json::from_slice(body).map_err(|_| {
        ApiError::internal("upstream returned a body that is not a JSON object")
            .with_status(http::StatusCode::BAD_GATEWAY)
    })?;
    let usage = message
        .get("usage")
        .and_then(|u| Usage::deserialize(u).ok())
        .unwrap_or_default();
    if message.contains_key("model") {
        message.insert("model".into(), Value::from(model));
    }
    message.remove(INVOCATION_METRICS);
    Ok((
        Bytes::from(serde_json::to_vec(&message).unwrap_or_default()),
        usage,
    ))
}

/// The fields of a stream event the gateway looks at; everything else is passed through as is.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    message: Option<PeekMessage>,
    usage: Option<Usage>,
    #[serde(rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct PeekMessage {
    usage: Option<Usage>,
}

/// Turns Anthropic stream events (InvokeModelWithResponseStream chunks, or the `data` of the
/// Messages endpoint's SSE events) into the client's SSE.
#[derive(Debug)]
pub struct StreamRewriter {
    asked: Asked,
    pub usage: Usage,
    /// `message_stop` was seen: the stream is complete.
    pub finished: bool,
    /// The upstream sent an Anthropic `error` event of its own.
    pub error: Option<ApiError>,
}

impl StreamRewriter {
    pub fn new(asked: Asked) -> Self {
        Self {
            asked,
            usage: Usage::default(),
            finished: false,
            error: None,
        }
    }

    /// What the client asked for, for wording upstream errors.
    pub fn asked(&self) -> &Asked {
        &self.asked
    }

    pub fn rewrite(&mut self, chunk: &[u8]) -> Result<Bytes, ApiError> {
        let bad = || ApiError::internal("upstream sent a malformed stream event");
        let peek: Peek = serde_json::from_slice(chunk).map_err(|_| bad())?;
        if let Some(u) = peek.message.as_ref().and_then(|m| m.usage.as_ref()) {
            self.usage.merge(u);
        }
        if let Some(u) = &peek.usage {
            self.usage.merge(u);
        }
        match peek.kind.as_ref() {
            "message_stop" => self.finished = true,
            "error" => {
                let value: Value = serde_json::from_slice(chunk).map_err(|_| bad())?;
                let err = ApiError::from_anthropic(&value, None, &self.asked)
                    .unwrap_or_else(|| ApiError::new(ErrorKind::Api, "upstream error"));
                // Sent as mapped, so Bedrock's wording reaches the client in Anthropic's.
                let event = sse::json_event(&err.event_json());
                self.error = Some(err);
                return Ok(event);
            }
            _ => {}
        }
        let needs_edit = peek.kind == "message_start" || peek.metrics.is_some();
        // SSE data must be one line; Bedrock sends compact JSON, but do not bet the stream on it.
        if !needs_edit && !chunk.contains(&b'\n') {
            return Ok(sse::event(&peek.kind, chunk));
        }
        let kind = peek.kind.into_owned();
        let mut value: Map<String, Value> = serde_json::from_slice(chunk).map_err(|_| bad())?;
        value.remove(INVOCATION_METRICS);
        if let Some(Value::Object(message)) = value.get_mut("message")
            && message.contains_key("model")
        {
            message.insert("model".into(), Value::from(self.asked.model.as_str()));
        }
        Ok(sse::event(
            &kind,
            &serde_json::to_vec(&value).unwrap_or_default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asked(model: &str) -> Asked {
        Asked {
            model: model.to_owned(),
            max_tokens: None,
        }
    }

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn messages_body_only_renames_the_model() {
        let claude_code = r#"{"device_id":"abc","account_uuid":"","session_id":"s-1"}"#;
        let req = obj(
            json!({"model": "claude-x", "stream": true, "max_tokens": 5, "metadata": {"user_id": claude_code}}),
        );
        let body: Value =
            serde_json::from_slice(&messages_body(req, "global.anthropic.x")).expect("json");
        assert_eq!(
            body,
            json!({"model": "global.anthropic.x", "stream": true, "max_tokens": 5, "metadata": {"user_id": claude_code}})
        );
    }

    #[test]
    fn an_error_event_is_remembered_with_its_type() {
        let mut rw = StreamRewriter::new(asked("m"));
        let out = rw
            .rewrite(
                br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#,
            )
            .expect("ok");
        assert!(out.starts_with(b"event: error\n"));
        let err = rw.error.expect("error seen");
        assert_eq!(
            (err.kind, err.message.as_str()),
            (ErrorKind::RateLimit, "slow down")
        );
    }

    #[test]
    fn invoke_body_drops_model_and_stream_and_adds_version_and_betas() {
        let req = obj(json!({
            "model": "claude-x", "stream": true, "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}],
            "anthropic_beta": ["a"], "thinking": {"type": "enabled", "budget_tokens": 1024}
        }));
        let body: Value =
            serde_json::from_slice(&invoke_body(req, &["a".into(), "b".into()])).expect("json");
        assert_eq!(body["anthropic_version"], BEDROCK_ANTHROPIC_VERSION);
        assert!(body.get("model").is_none() && body.get("stream").is_none());
        assert_eq!(body["anthropic_beta"], json!(["a", "b"]));
        assert_eq!(body["thinking"]["budget_tokens"], 1024);
        let plain: Value =
            serde_json::from_slice(&invoke_body(obj(json!({"max_tokens": 1})), &[])).expect("json");
        assert!(plain.get("anthropic_beta").is_none());
    }

    #[test]
    fn message_start_gets_the_client_model_and_metrics_are_stripped() {
        let mut rw = StreamRewriter::new(asked("claude-sonnet-4-5-20250929"));
        let start = json!({"type": "message_start", "message": {"id": "msg_1", "model": "us.anthropic.x",
            "usage": {"input_tokens": 12, "cache_read_input_tokens": 3, "output_tokens": 1}}});
        let out = rw
            .rewrite(&serde_json::to_vec(&start).expect("json"))
            .expect("ok");
        let text = std::str::from_utf8(&out).expect("utf8");
        assert!(text.starts_with("event: message_start\ndata: "));
        assert!(text.contains("\"model\":\"claude-sonnet-4-5-20250929\""));
        let stop =
            br#"{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":12}}"#;
        let out = rw.rewrite(stop).expect("ok");
        assert_eq!(
            &out[..],
            b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        );
        assert!(rw.finished);
        assert_eq!(rw.usage.input_tokens, Some(12));
        assert_eq!(rw.usage.cache_read_input_tokens, Some(3));
    }

    #[test]
    fn other_events_pass_through_byte_for_byte() {
        let mut rw = StreamRewriter::new(asked("m"));
        let delta = br#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}"#;
        let out = rw.rewrite(delta).expect("ok");
        assert_eq!(&out[7..26], b"content_block_delta");
        assert!(out.windows(delta.len()).any(|w| w == delta));
        assert!(rw.rewrite(b"not json").is_err());
    }

    #[test]
    fn non_streaming_message_model_is_rewritten() {
        let body = br#"{"id":"msg","type":"message","model":"us.anthropic.x","content":[],"usage":{"input_tokens":4,"output_tokens":2}}"#;
        let (out, usage) = rewrite_message(body, "claude-haiku-4-5-20251001").expect("ok");
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["model"], "claude-haiku-4-5-20251001");
        assert_eq!(usage.output_tokens, Some(2));
        assert!(rewrite_message(b"[1]", "m").is_err());
    }
}
