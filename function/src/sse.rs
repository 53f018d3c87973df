//! Server-sent events as the Anthropic API writes them, and the usage figures we log.

use bytes::{BufMut, Bytes, BytesMut};
use serde::Deserialize;
use serde_json::Value;

/// `event: <name>\ndata: <json>\n\n`; `data` must be one line of JSON.
pub fn event(name: &str, data: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(name.len() + data.len() + 16);
    out.put_slice(b"event: ");
    out.put_slice(name.as_bytes());
    out.put_slice(b"\ndata: ");
    out.put_slice(data);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// An event whose payload is a JSON value; the `type` field doubles as the event name.
pub fn json_event(value: &Value) -> Bytes {
    let name = value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("message");
    // Serializing a Value cannot fail: all keys are strings.
    event(name, &serde_json::to_vec(value).unwrap_or_default())
}

pub fn ping() -> Bytes {
    Bytes::from_static(b"event: ping\ndata: {\"type\": \"ping\"}\n\n")
}

/// Token counts of one request, taken from the Anthropic `usage` objects as they pass by.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Usage {
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub cache_read_input_tokens: Option<u64>,
    pub cache_creation_input_tokens: Option<u64>,
    /// The cache writes by time to live (Anthropic's `usage.cache_creation`), priced apart.
    pub cache_creation: Option<CacheCreation>,
}

/// `usage.cache_creation`: how many of the cache-write tokens were written for 5 minutes and
/// how many for an hour (the two are priced differently).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct CacheCreation {
    pub ephemeral_5m_input_tokens: Option<u64>,
    pub ephemeral_1h_input_tokens: Option<u64>,
}

impl Usage {
    /// Later figures win; message_delta carries the final output count.
    pub fn merge(&mut self, other: &Usage) {
        self.input_tokens = other.input_tokens.or(self.input_tokens);
        self.output_tokens = other.output_tokens.or(self.output_tokens);
        self.cache_read_input_tokens = other
            .cache_read_input_tokens
            .or(self.cache_read_input_tokens);
        self.cache_creation_input_tokens = other
            .cache_creation_input_tokens
            .or(self.cache_creation_input_tokens);
        self.cache_creation = other.cache_creation.or(self.cache_creation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_framed_as_anthropic_sse() {
        let v = serde_json::json!({"type": "message_stop"});
        assert_eq!(
            &json_event(&v)[..],
            b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        );
        assert!(ping().starts_with(b"event: ping\n"));
    }

    #[test]
    fn usage_merge_keeps_earlier_counts_and_takes_later_ones() {
        let mut u = Usage {
            input_tokens: Some(10),
            output_tokens: Some(1),
            ..Usage::default()
        };
        u.merge(&Usage {
            output_tokens: Some(42),
            ..Usage::default()
        });
        assert_eq!(
            u,
            Usage {
                input_tokens: Some(10),
                output_tokens: Some(42),
                ..Usage::default()
            }
        );
    }
}
