//! The Converse path (api = "converse"): Anthropic requests become Converse requests, and
//! Converse output becomes Anthropic messages / SSE events. README.md lists what maps and what
//! is dropped.

use std::collections::HashMap;

use aws_sdk_bedrockruntime::error::BuildError;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, AutoToolChoice, CachePointBlock, CachePointType, ContentBlock,
    ContentBlockDelta, ContentBlockStart, ConversationRole, ConverseStreamOutput, DocumentBlock,
    DocumentFormat, DocumentSource, ImageBlock, ImageFormat, ImageSource, InferenceConfiguration,
    Message, ReasoningContentBlock, ReasoningContentBlockDelta, ReasoningTextBlock,
    SpecificToolChoice, StopReason, SystemContentBlock, TokenUsage, Tool, ToolChoice,
    ToolConfiguration, ToolInputSchema, ToolResultBlock, ToolResultContentBlock, ToolResultStatus,
    ToolSpecification, ToolUseBlock,
};
use aws_smithy_types::{Document, Number};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::sse::Usage;
use crate::user_id;

fn built(e: BuildError) -> ApiError {
    ApiError::internal(format!("could not build the Converse request: {e}"))
}

fn invalid(path: &str, what: &str) -> ApiError {
    ApiError::invalid(format!("{path}: {what}"))
}

fn str_field<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a str, ApiError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(&format!("{path}.{key}"), "Field required (string)"))
}

pub fn to_document(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(to_document).collect()),
        Value::Object(o) => {
            Document::Object(o.iter().map(|(k, v)| (k.clone(), to_document(v))).collect())
        }
    }
}

pub fn from_document(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => Value::from(*f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(from_document).collect()),
        Document::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), from_document(v)))
                .collect(),
        ),
    }
}

/// Decodes a base64 `source.data`; the error names the JSON path so the client can find it.
pub fn decode_base64(data: &str, path: &str) -> Result<Vec<u8>, ApiError> {
    BASE64
        .decode(data.trim())
        .map_err(|_| invalid(path, "invalid base64 data"))
}

fn cache_point() -> Result<CachePointBlock, ApiError> {
    CachePointBlock::builder()
        .r#type(CachePointType::Default)
        .build()
        .map_err(built)
}

fn image_block(b: &Value, path: &str) -> Result<ImageBlock, ApiError> {
    let source = b
        .get("source")
        .ok_or_else(|| invalid(&format!("{path}.source"), "Field required"))?;
    let spath = format!("{path}.source");
    match str_field(source, "type", &spath)? {
        "base64" => {}
        other => {
            return Err(invalid(
                &spath,
                &format!("image source type {other:?} is not supported for this model"),
            ));
        }
    }
    let format = match str_field(source, "media_type", &spath)? {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/gif" => ImageFormat::Gif,
        "image/webp" => ImageFormat::Webp,
        other => {
            return Err(invalid(
                &format!("{spath}.media_type"),
                &format!("unsupported image type {other:?}"),
            ));
        }
    };
    let bytes = decode_base64(str_field(source, "data", &spath)?, &format!("{spath}.data"))?;
    ImageBlock::builder()
        .format(format)
        .source(ImageSource::Bytes(Blob::new(bytes)))
        .build()
        .map_err(built)
}

/// Converse document names allow only letters, digits, single spaces, hyphens, parentheses, brackets.
fn document_name(title: Option<&str>, fallback: &str) -> String {
    let cleaned: String = title
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " -()[]".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        fallback.to_owned()
    } else {
        name
    }
}

fn document_block(b: &Value, path: &str, n: usize) -> Result<DocumentBlock, ApiError> {
    let spath = format!("{path}.source");
    let source = b
        .get("source")
        .ok_or_else(|| invalid(&spath, "Field required"))?;
    let (format, bytes) = match str_field(source, "type", &spath)? {
        "base64" => {
            let format = match str_field(source, "media_type", &spath)? {
                "application/pdf" => DocumentFormat::Pdf,
                other => {
                    return Err(invalid(
                        &format!("{spath}.media_type"),
                        &format!("unsupported document type {other:?}"),
                    ));
                }
            };
            (
                format,
                decode_base64(str_field(source, "data", &spath)?, &format!("{spath}.data"))?,
            )
        }
        "text" => (
            DocumentFormat::Txt,
            str_field(source, "data", &spath)?.as_bytes().to_vec(),
        ),
        other => {
            return Err(invalid(
                &spath,
                &format!("document source type {other:?} is not supported for this model"),
            ));
        }
    };
    DocumentBlock::builder()
        .format(format)
        .name(document_name(
            b.get("title").and_then(Value::as_str),
            &format!("document-{n}"),
        ))
        .source(DocumentSource::Bytes(Blob::new(bytes)))
        .build()
        .map_err(built)
}

fn tool_result_content(
    content: Option<&Value>,
    path: &str,
) -> Result<Vec<ToolResultContentBlock>, ApiError> {
    match content {
        None | Some(Value::Null) => Ok(vec![ToolResultContentBlock::Text(String::new())]),
        Some(Value::String(s)) => Ok(vec![ToolResultContentBlock::Text(s.clone())]),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let bpath = format!("{path}.{i}");
                match str_field(b, "type", &bpath)? {
                    "text" => Ok(ToolResultContentBlock::Text(
                        str_field(b, "text", &bpath)?.to_owned(),
                    )),
                    "image" => Ok(ToolResultContentBlock::Image(image_block(b, &bpath)?)),
                    "document" => Ok(ToolResultContentBlock::Document(document_block(
                        b, &bpath, i,
                    )?)),
                    other => Err(invalid(
                        &format!("{bpath}.type"),
                        &format!("tool_result content {other:?} is not supported for this model"),
                    )),
                }
            })
            .collect(),
        Some(_) => Err(invalid(
            path,
            "must be a string or an array of content blocks",
        )),
    }
}

fn content_block(
    b: &Value,
    path: &str,
    index: usize,
    out: &mut Vec<ContentBlock>,
) -> Result<(), ApiError> {
    let block = match str_field(b, "type", path)? {
        "text" => ContentBlock::Text(str_field(b, "text", path)?.to_owned()),
        "image" => ContentBlock::Image(image_block(b, path)?),
        "document" => ContentBlock::Document(document_block(b, path, index)?),
        "tool_use" => ContentBlock::ToolUse(
            ToolUseBlock::builder()
                .tool_use_id(str_field(b, "id", path)?)
                .name(str_field(b, "name", path)?)
                .input(to_document(
                    b.get("input").unwrap_or(&Value::Object(Map::new())),
                ))
                .build()
                .map_err(built)?,
        ),
        "tool_result" => ContentBlock::ToolResult(
            ToolResultBlock::builder()
                .tool_use_id(str_field(b, "tool_use_id", path)?)
                .set_content(Some(tool_result_content(
                    b.get("content"),
                    &format!("{path}.content"),
                )?))
                .status(
                    if b.get("is_error").and_then(Value::as_bool).unwrap_or(false) {
                        ToolResultStatus::Error
                    } else {
                        ToolResultStatus::Success
                    },
                )
                .build()
                .map_err(built)?,
        ),
        "thinking" => ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(
            ReasoningTextBlock::builder()
                .text(str_field(b, "thinking", path)?)
                .set_signature(
                    b.get("signature")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                )
                .build()
                .map_err(built)?,
        )),
        "redacted_thinking" => {
            // We hand redacted content out base64-encoded; take it back the same way.
            let data = str_field(b, "data", path)?;
            let bytes = BASE64
                .decode(data)
                .unwrap_or_else(|_| data.as_bytes().to_vec());
            ContentBlock::ReasoningContent(ReasoningContentBlock::RedactedContent(Blob::new(bytes)))
        }
        other => {
            return Err(invalid(
                &format!("{path}.type"),
                &format!("content block type {other:?} is not supported for this model"),
            ));
        }
    };
    out.push(block);
    if b.get("cache_control").is_some_and(|c| !c.is_null()) {
        out.push(ContentBlock::CachePoint(cache_point()?));
    }
    Ok(())
}

fn message(m: &Value, path: &str) -> Result<Message, ApiError> {
    let role = match str_field(m, "role", path)? {
        "user" => ConversationRole::User,
        "assistant" => ConversationRole::Assistant,
        other => {
            return Err(invalid(
                &format!("{path}.role"),
                &format!("unexpected role {other:?}"),
            ));
        }
    };
    let cpath = format!("{path}.content");
    let mut content = Vec::new();
    match m.get("content") {
        Some(Value::String(s)) => content.push(ContentBlock::Text(s.clone())),
        Some(Value::Array(blocks)) => {
            for (i, b) in blocks.iter().enumerate() {
                content_block(b, &format!("{cpath}.{i}"), i, &mut content)?;
            }
        }
        _ => {
            return Err(invalid(
                &cpath,
                "must be a string or an array of content blocks",
            ));
        }
    }
    Message::builder()
        .role(role)
        .set_content(Some(content))
        .build()
        .map_err(built)
}

fn system(v: Option<&Value>) -> Result<Vec<SystemContentBlock>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![SystemContentBlock::Text(s.clone())]),
        Some(Value::Array(blocks)) => {
            let mut out = Vec::new();
            for (i, b) in blocks.iter().enumerate() {
                let path = format!("system.{i}");
                match str_field(b, "type", &path)? {
                    "text" => out.push(SystemContentBlock::Text(
                        str_field(b, "text", &path)?.to_owned(),
                    )),
                    other => {
                        return Err(invalid(
                            &format!("{path}.type"),
                            &format!("system block type {other:?} is not supported"),
                        ));
                    }
                }
                if b.get("cache_control").is_some_and(|c| !c.is_null()) {
                    out.push(SystemContentBlock::CachePoint(cache_point()?));
                }
            }
            Ok(out)
        }
        Some(_) => Err(invalid(
            "system",
            "must be a string or an array of text blocks",
        )),
    }
}

fn uses_tools(messages: &[Message]) -> bool {
    messages
        .iter()
        .flat_map(|m| &m.content)
        .any(|c| matches!(c, ContentBlock::ToolUse(_) | ContentBlock::ToolResult(_)))
}

fn tool_config(
    request: &Map<String, Value>,
    messages: &[Message],
) -> Result<Option<ToolConfiguration>, ApiError> {
    let Some(tools) = request.get("tools").filter(|t| !t.is_null()) else {
        return Ok(None);
    };
    let tools = tools
        .as_array()
        .ok_or_else(|| invalid("tools", "must be an array"))?;
    if tools.is_empty() {
        return Ok(None);
    }
    let mut specs = Vec::with_capacity(tools.len());
    for (i, t) in tools.iter().enumerate() {
        let path = format!("tools.{i}");
        let Some(schema) = t.get("input_schema") else {
            return Err(invalid(
                &path,
                "server tools are not supported for this model; only custom tools with input_schema",
            ));
        };
        specs.push(Tool::ToolSpec(
            ToolSpecification::builder()
                .name(str_field(t, "name", &path)?)
                .set_description(
                    t.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                )
                .input_schema(ToolInputSchema::Json(to_document(schema)))
                .build()
                .map_err(built)?,
        ));
        if t.get("cache_control").is_some_and(|c| !c.is_null()) {
            specs.push(Tool::CachePoint(cache_point()?));
        }
    }
    let choice = match request.get("tool_choice").filter(|c| !c.is_null()) {
        None => None,
        Some(c) => match str_field(c, "type", "tool_choice")? {
            "auto" => Some(ToolChoice::Auto(AutoToolChoice::builder().build())),
            "any" => Some(ToolChoice::Any(AnyToolChoice::builder().build())),
            "tool" => Some(ToolChoice::Tool(
                SpecificToolChoice::builder()
                    .name(str_field(c, "name", "tool_choice")?)
                    .build()
                    .map_err(built)?,
            )),
            // Converse has no "none"; leave the tools out unless the history needs them declared.
            "none" if !uses_tools(messages) => return Ok(None),
            "none" => None,
            other => {
                return Err(invalid(
                    "tool_choice.type",
                    &format!("unexpected value {other:?}"),
                ));
            }
        },
    };
    ToolConfiguration::builder()
        .set_tools(Some(specs))
        .set_tool_choice(choice)
        .build()
        .map(Some)
        .map_err(built)
}

/// Everything a Converse / ConverseStream / CountTokens(converse) call needs.
#[derive(Debug)]
pub struct ConverseRequest {
    pub messages: Vec<Message>,
    pub system: Vec<SystemContentBlock>,
    pub inference: InferenceConfiguration,
    pub tool_config: Option<ToolConfiguration>,
    /// `requestMetadata`: the client's `metadata.user_id` in the form Bedrock accepts there.
    pub request_metadata: Option<HashMap<String, String>>,
}

pub fn translate_request(request: &Map<String, Value>) -> Result<ConverseRequest, ApiError> {
    let messages = request
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("messages", "Field required (array)"))?
        .iter()
        .enumerate()
        .map(|(i, m)| message(m, &format!("messages.{i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let float = |key: &str| request.get(key).and_then(Value::as_f64).map(|f| f as f32);
    let stop_sequences = request
        .get("stop_sequences")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        });
    let max_tokens = request
        .get("max_tokens")
        .and_then(Value::as_i64)
        .map(|n| i32::try_from(n).unwrap_or(i32::MAX));
    let inference = InferenceConfiguration::builder()
        .set_max_tokens(max_tokens)
        .set_temperature(float("temperature"))
        .set_top_p(float("top_p"))
        .set_stop_sequences(stop_sequences)
        .build();
    let tool_config = tool_config(request, &messages)?;
    let request_metadata = request
        .get("metadata")
        .and_then(|m| m.get("user_id"))
        .and_then(Value::as_str)
        .map(|user| {
            HashMap::from([(
                user_id::REQUEST_METADATA_KEY.to_owned(),
                user_id::for_request_metadata(user),
            )])
        });
    Ok(ConverseRequest {
        system: system(request.get("system"))?,
        messages,
        inference,
        tool_config,
        request_metadata,
    })
}

pub fn stop_reason(r: &StopReason) -> &'static str {
    match r {
        StopReason::EndTurn => "end_turn",
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
        StopReason::ToolUse => "tool_use",
        StopReason::ContentFiltered | StopReason::GuardrailIntervened => "refusal",
        StopReason::ModelContextWindowExceeded => "model_context_window_exceeded",
        _ => "end_turn",
    }
}

pub fn usage(u: Option<&TokenUsage>) -> Usage {
    let n = |v: i32| Some(u64::try_from(v).unwrap_or_default());
    match u {
        None => Usage::default(),
        Some(u) => Usage {
            input_tokens: n(u.input_tokens),
            output_tokens: n(u.output_tokens),
            cache_read_input_tokens: u.cache_read_input_tokens.and_then(n),
            cache_creation_input_tokens: u.cache_write_input_tokens.and_then(n),
            cache_creation: None,
        },
    }
}

fn usage_json(u: &Usage) -> Value {
    json!({
        "input_tokens": u.input_tokens.unwrap_or_default(),
        "output_tokens": u.output_tokens.unwrap_or_default(),
        "cache_creation_input_tokens": u.cache_creation_input_tokens.unwrap_or_default(),
        "cache_read_input_tokens": u.cache_read_input_tokens.unwrap_or_default(),
    })
}

/// A non-streaming Converse answer as an Anthropic message.
pub fn translate_response(
    id: &str,
    model: &str,
    content: &[ContentBlock],
    stop: &StopReason,
    usage: &Usage,
) -> Value {
    let blocks: Vec<Value> = content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Text(t) => Some(json!({"type": "text", "text": t})),
            ContentBlock::ToolUse(t) => Some(json!({
                "type": "tool_use", "id": t.tool_use_id, "name": t.name, "input": from_document(&t.input)
            })),
            ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(r)) => Some(json!({
                "type": "thinking", "thinking": r.text, "signature": r.signature.clone().unwrap_or_default()
            })),
            ContentBlock::ReasoningContent(ReasoningContentBlock::RedactedContent(b)) => {
                Some(json!({"type": "redacted_thinking", "data": BASE64.encode(b.as_ref())}))
            }
            _ => None,
        })
        .collect();
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop_reason(stop),
        "stop_sequence": null,
        "usage": usage_json(usage),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    ToolUse,
    Thinking,
    Redacted,
}

/// ConverseStream events in, Anthropic SSE event payloads out.
///
/// Converse sends no start event for text or reasoning blocks and reports usage only after
/// `messageStop`, so blocks are opened on their first delta and `message_delta` waits for
/// `metadata`.
#[derive(Debug)]
pub struct StreamTranslator {
    id: String,
    model: String,
    /// Converse block index -> (Anthropic index, kind, still open).
    blocks: HashMap<i32, (usize, BlockKind, bool)>,
    stop_reason: Option<&'static str>,
    pub usage: Usage,
    pub finished: bool,
}

impl StreamTranslator {
    pub fn new(id: &str, model: &str) -> Self {
        Self {
            id: id.to_owned(),
            model: model.to_owned(),
            blocks: HashMap::new(),
            stop_reason: None,
            usage: Usage::default(),
            finished: false,
        }
    }

    fn open(
        &mut self,
        converse_index: i32,
        kind: BlockKind,
        block: Value,
        out: &mut Vec<Value>,
    ) -> usize {
        if let Some((index, _, _)) = self.blocks.get(&converse_index) {
            return *index;
        }
        let index = self.blocks.len();
        self.blocks.insert(converse_index, (index, kind, true));
        out.push(json!({"type": "content_block_start", "index": index, "content_block": block}));
        index
    }

    pub fn on_event(&mut self, event: ConverseStreamOutput, out: &mut Vec<Value>) {
        match event {
            ConverseStreamOutput::MessageStart(_) => out.push(json!({
                "type": "message_start",
                "message": {
                    "id": self.id, "type": "message", "role": "assistant", "model": self.model,
                    "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": 0, "output_tokens": 0},
                }
            })),
            ConverseStreamOutput::ContentBlockStart(e) => {
                if let Some(ContentBlockStart::ToolUse(t)) = e.start {
                    let block = json!({"type": "tool_use", "id": t.tool_use_id, "name": t.name, "input": {}});
                    self.open(e.content_block_index, BlockKind::ToolUse, block, out);
                }
            }
            ConverseStreamOutput::ContentBlockDelta(e) => {
                let i = e.content_block_index;
                let (kind, start, delta) = match e.delta {
                    Some(ContentBlockDelta::Text(text)) => (
                        BlockKind::Text,
                        json!({"type": "text", "text": ""}),
                        json!({"type": "text_delta", "text": text}),
                    ),
                    Some(ContentBlockDelta::ToolUse(t)) => (
                        BlockKind::ToolUse,
                        json!({"type": "tool_use", "id": "", "name": "", "input": {}}),
                        json!({"type": "input_json_delta", "partial_json": t.input}),
                    ),
                    Some(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::Text(text),
                    )) => (
                        BlockKind::Thinking,
                        json!({"type": "thinking", "thinking": "", "signature": ""}),
                        json!({"type": "thinking_delta", "thinking": text}),
                    ),
                    Some(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::Signature(sig),
                    )) => (
                        BlockKind::Thinking,
                        json!({"type": "thinking", "thinking": "", "signature": ""}),
                        json!({"type": "signature_delta", "signature": sig}),
                    ),
                    Some(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::RedactedContent(b),
                    )) => {
                        // Anthropic carries redacted thinking whole in the start event; it has no delta.
                        let block =
                            json!({"type": "redacted_thinking", "data": BASE64.encode(b.as_ref())});
                        self.open(i, BlockKind::Redacted, block, out);
                        return;
                    }
                    _ => return,
                };
                let index = self.open(i, kind, start, out);
                out.push(json!({"type": "content_block_delta", "index": index, "delta": delta}));
            }
            ConverseStreamOutput::ContentBlockStop(e) => {
                if let Some((index, _, open)) = self.blocks.get_mut(&e.content_block_index)
                    && *open
                {
                    *open = false;
                    out.push(json!({"type": "content_block_stop", "index": *index}));
                }
            }
            ConverseStreamOutput::MessageStop(e) => {
                self.stop_reason = Some(stop_reason(&e.stop_reason))
            }
            ConverseStreamOutput::Metadata(e) => {
                self.usage = usage(e.usage.as_ref());
                self.finish(out);
            }
            _ => {}
        }
    }

    /// Closes whatever is open and ends the message; idempotent.
    pub fn finish(&mut self, out: &mut Vec<Value>) {
        if self.finished {
            return;
        }
        self.finished = true;
        let mut open: Vec<usize> = self
            .blocks
            .values_mut()
            .filter(|(_, _, open)| *open)
            .map(|(i, _, open)| {
                *open = false;
                *i
            })
            .collect();
        open.sort_unstable();
        out.extend(
            open.into_iter()
                .map(|i| json!({"type": "content_block_stop", "index": i})),
        );
        out.push(json!({
            "type": "message_delta",
            "delta": {"stop_reason": self.stop_reason.unwrap_or("end_turn"), "stop_sequence": null},
            "usage": usage_json(&self.usage),
        }));
        out.push(json!({"type": "message_stop"}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{
        ContentBlockDeltaEvent, ContentBlockStartEvent, ContentBlockStopEvent,
        ConverseStreamMetadataEvent, MessageStartEvent, MessageStopEvent, ToolUseBlockDelta,
        ToolUseBlockStart,
    };

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn request_maps_messages_system_tools_and_inference() {
        let req = obj(json!({
            "model": "m", "max_tokens": 100, "temperature": 0.5, "top_p": 0.9, "top_k": 5,
            "stop_sequences": ["END"], "system": [{"type": "text", "text": "be brief", "cache_control": {"type": "ephemeral"}}],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "hi"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "aGVsbG8="}}]},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "get", "input": {"q": 1}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "42", "is_error": true}]}
            ],
            "tools": [{"name": "get", "description": "d", "input_schema": {"type": "object"}}],
            "tool_choice": {"type": "tool", "name": "get"}
        }));
        let c = translate_request(&req).expect("translates");
        assert_eq!(c.messages.len(), 3);
        assert!(
            matches!(&c.messages[0].content[1], ContentBlock::Image(i) if i.format == ImageFormat::Png)
        );
        assert!(matches!(&c.messages[1].content[0], ContentBlock::ToolUse(t) if t.name == "get"));
        assert!(
            matches!(&c.messages[2].content[0], ContentBlock::ToolResult(r) if r.status == Some(ToolResultStatus::Error))
        );
        assert_eq!(c.system.len(), 2, "text plus cache point");
        assert_eq!(c.inference.max_tokens, Some(100));
        assert_eq!(c.inference.stop_sequences, Some(vec!["END".to_owned()]));
        let tools = c.tool_config.expect("tools");
        assert!(matches!(tools.tool_choice, Some(ToolChoice::Tool(ref t)) if t.name == "get"));
    }

    #[test]
    fn request_rejects_what_converse_cannot_carry() {
        let bad_b64 = obj(json!({"messages": [{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "@@@"}}]}]}));
        let err = translate_request(&bad_b64).expect_err("bad base64");
        assert!(
            err.message.contains("messages.0.content.0.source.data"),
            "{}",
            err.message
        );
        let server_tool = obj(
            json!({"messages": [], "tools": [{"type": "web_search_20250305", "name": "web_search"}]}),
        );
        assert!(translate_request(&server_tool).is_err());
        let odd_block =
            obj(json!({"messages": [{"role": "user", "content": [{"type": "container_upload"}]}]}));
        assert!(translate_request(&odd_block).is_err());
    }

    #[test]
    fn tool_choice_none_drops_tools_unless_history_uses_them() {
        let req = obj(json!({"messages": [{"role": "user", "content": "x"}],
            "tools": [{"name": "t", "input_schema": {}}], "tool_choice": {"type": "none"}}));
        assert!(translate_request(&req).expect("ok").tool_config.is_none());
    }

    #[test]
    fn documents_get_valid_converse_names() {
        assert_eq!(
            document_name(Some("report_2024.pdf  (final)"), "d"),
            "report 2024 pdf (final)"
        );
        assert_eq!(document_name(Some("!!!"), "document-0"), "document-0");
    }

    #[test]
    fn stream_events_become_anthropic_events_in_order() {
        let mut t = StreamTranslator::new("msg_1", "amazon-nova-pro");
        let mut out = Vec::new();
        let events = vec![
            ConverseStreamOutput::MessageStart(
                MessageStartEvent::builder()
                    .role(ConversationRole::Assistant)
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::ContentBlockDelta(
                ContentBlockDeltaEvent::builder()
                    .content_block_index(0)
                    .delta(ContentBlockDelta::Text("Hel".into()))
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::ContentBlockStop(
                ContentBlockStopEvent::builder()
                    .content_block_index(0)
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::ContentBlockStart(
                ContentBlockStartEvent::builder()
                    .content_block_index(1)
                    .start(ContentBlockStart::ToolUse(
                        ToolUseBlockStart::builder()
                            .tool_use_id("t1")
                            .name("get")
                            .build()
                            .expect("ok"),
                    ))
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::ContentBlockDelta(
                ContentBlockDeltaEvent::builder()
                    .content_block_index(1)
                    .delta(ContentBlockDelta::ToolUse(
                        ToolUseBlockDelta::builder()
                            .input("{\"q\":")
                            .build()
                            .expect("ok"),
                    ))
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::ContentBlockStop(
                ContentBlockStopEvent::builder()
                    .content_block_index(1)
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::MessageStop(
                MessageStopEvent::builder()
                    .stop_reason(StopReason::ToolUse)
                    .build()
                    .expect("ok"),
            ),
            ConverseStreamOutput::Metadata(
                ConverseStreamMetadataEvent::builder()
                    .usage(
                        TokenUsage::builder()
                            .input_tokens(7)
                            .output_tokens(3)
                            .total_tokens(10)
                            .build()
                            .expect("ok"),
                    )
                    .build(),
            ),
        ];
        for e in events {
            t.on_event(e, &mut out);
        }
        let types: Vec<&str> = out.iter().filter_map(|v| v["type"].as_str()).collect();
        assert_eq!(
            types,
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        assert_eq!(out[4]["content_block"]["id"], "t1");
        assert_eq!(out[4]["index"], 1);
        assert_eq!(out[5]["delta"]["partial_json"], "{\"q\":");
        assert_eq!(out[7]["delta"]["stop_reason"], "tool_use");
        assert_eq!(out[7]["usage"]["output_tokens"], 3);
        assert!(t.finished);
        let mut more = Vec::new();
        t.finish(&mut more);
        assert!(more.is_empty(), "finish is idempotent");
    }

    #[test]
    fn unfinished_stream_is_closed_by_finish() {
        let mut t = StreamTranslator::new("msg_1", "m");
        let mut out = Vec::new();
        t.on_event(
            ConverseStreamOutput::ContentBlockDelta(
                ContentBlockDeltaEvent::builder()
                    .content_block_index(0)
                    .delta(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::Text("hm".into()),
                    ))
                    .build()
                    .expect("ok"),
            ),
            &mut out,
        );
        t.finish(&mut out);
        let types: Vec<&str> = out.iter().filter_map(|v| v["type"].as_str()).collect();
        assert_eq!(
            types,
            [
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        assert_eq!(out[0]["content_block"]["type"], "thinking");
    }

    #[test]
    fn documents_round_trip_through_json() {
        let v = json!({"a": [1, -2, 1.5, "s", true, null], "b": {}});
        assert_eq!(from_document(&to_document(&v)), v);
    }
}
