//! Anthropic-shaped errors and the mapping from Bedrock / SDK failures.

use aws_sdk_bedrockruntime::config::http::HttpResponse;
use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::types::error::{ConverseStreamOutputError, ResponseStreamError};
use aws_smithy_types::event_stream::RawMessage;
use http::StatusCode;
use serde_json::json;

/// The `error.type` values of the Anthropic API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    Billing,
    Permission,
    NotFound,
    RequestTooLarge,
    RateLimit,
    Api,
    Timeout,
    Overloaded,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request_error",
            Self::Authentication => "authentication_error",
            Self::Billing => "billing_error",
            Self::Permission => "permission_error",
            Self::NotFound => "not_found_error",
            Self::RequestTooLarge => "request_too_large",
            Self::RateLimit => "rate_limit_error",
            Self::Api => "api_error",
            Self::Timeout => "timeout_error",
            Self::Overloaded => "overloaded_error",
        }
    }

    /// The HTTP status the Anthropic API pairs with this error type.
    pub fn status(self) -> StatusCode {
        let code = match self {
            Self::InvalidRequest => 400,
            Self::Authentication => 401,
            Self::Billing => 402,
            Self::Permission => 403,
            Self::NotFound => 404,
            Self::RequestTooLarge => 413,
            Self::RateLimit => 429,
            Self::Api => 500,
            Self::Timeout => 504,
            Self::Overloaded => 529,
        };
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The kind an Anthropic `error.type` names, if it is one of the documented ones.
    pub fn from_type(name: &str) -> Option<Self> {
        Some(match name {
            "invalid_request_error" => Self::InvalidRequest,
            "authentication_error" => Self::Authentication,
            "billing_error" => Self::Billing,
            "permission_error" => Self::Permission,
            "not_found_error" => Self::NotFound,
            "request_too_large" => Self::RequestTooLarge,
            "rate_limit_error" => Self::RateLimit,
            "api_error" => Self::Api,
            "timeout_error" => Self::Timeout,
            "overloaded_error" => Self::Overloaded,
            _ => return None,
        })
    }

    /// The kind an HTTP error status stands for when nothing more specific is known.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 | 422 => Self::InvalidRequest,
            401 => Self::Authentication,
            402 => Self::Billing,
            403 => Self::Permission,
            404 => Self::NotFound,
            408 | 504 => Self::Timeout,
            413 => Self::RequestTooLarge,
            429 => Self::RateLimit,
            503 | 529 => Self::Overloaded,
            _ => Self::Api,
        }
    }
}

/// `retry-after` on a 429 when Bedrock did not say: long enough for a per-minute quota to refill
/// a little, short enough not to idle a client that retries on its own schedule anyway.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 5;

/// An error that is answered to the client in the Anthropic error shape.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} ({}): {message}", kind.as_str(), status.as_u16())]
pub struct ApiError {
    pub kind: ErrorKind,
    pub status: StatusCode,
    pub message: String,
    /// Seconds the upstream asked clients to wait (its `retry-after`), if it said.
    pub retry_after: Option<u64>,
}

/// Whether a client should retry a response with this status, as the Anthropic API's
/// `x-should-retry` says: yes for 408, 409, 429 and server errors, no for other client errors.
pub fn should_retry(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: kind.status(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// The `retry-after` to send: Bedrock's on a 429 when it gave one, else the default.
    pub fn retry_after(&self) -> Option<u64> {
        (self.status == StatusCode::TOO_MANY_REQUESTS)
            .then(|| self.retry_after.unwrap_or(DEFAULT_RETRY_AFTER_SECS))
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Api, message)
    }

    /// `{"type":"error","error":{...}}`, the `data` of an SSE `error` event.
    pub fn event_json(&self) -> serde_json::Value {
        json!({"type": "error", "error": {"type": self.kind.as_str(), "message": self.message}})
    }

    /// `{"type":"error","error":{...},"request_id":...}` as the Anthropic API sends it.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        json!({
            "type": "error",
            "error": { "type": self.kind.as_str(), "message": self.message },
            "request_id": request_id,
        })
    }

    /// Maps a Bedrock error (the modelled exception name and its message) to the error the
    /// first-party API gives for the same failure, by the [`BEDROCK_ERRORS`] table. An exception
    /// the table does not know is judged by the HTTP status, its message kept.
    pub fn from_bedrock_code(
        code: Option<&str>,
        message: Option<&str>,
        http_status: Option<u16>,
        asked: &Asked,
    ) -> Self {
        let said = bedrock_message(message.unwrap_or("upstream error"));
        let code = code.unwrap_or_default();
        let class = BEDROCK_ERRORS
            .iter()
            .find(|c| c.exceptions.iter().any(|e| e.eq_ignore_ascii_case(code)) && c.says_it(said));
        match class {
            Some(class) => Self::new(class.kind, class.wording.say(said, asked)),
            None => Self::new(
                http_status.map_or(ErrorKind::Api, ErrorKind::from_status),
                said,
            ),
        }
    }

    /// An Anthropic `{"type":"error","error":{"type":…,"message":…}}` object (an HTTP error body
    /// or an SSE `error` event), if `value` is one. A type outside the documented set is judged by
    /// `status`, or else is an `api_error`. A message in Bedrock's words (e.g. "Input is too long
    /// for requested model.") is reworded by the [`BEDROCK_ERRORS`] row of the same type that
    /// recognises it.
    pub fn from_anthropic(
        value: &serde_json::Value,
        status: Option<u16>,
        asked: &Asked,
    ) -> Option<Self> {
        if value.get("type")?.as_str()? != "error" {
            return None;
        }
        let error = value.get("error")?;
        let kind = error
            .get("type")
            .and_then(serde_json::Value::as_str)
            .and_then(ErrorKind::from_type)
            .unwrap_or_else(|| status.map_or(ErrorKind::Api, ErrorKind::from_status));
        let said = bedrock_message(
            error
                .get("message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("upstream error"),
        );
        let reworded = BEDROCK_ERRORS
            .iter()
            .find(|c| c.kind == kind && !c.says.is_empty() && c.says_it(said));
        Some(match reworded {
            Some(class) => Self::new(kind, class.wording.say(said, asked)),
            None => Self::new(kind, said),
        })
    }

    /// A non-success answer of Bedrock's Messages endpoint. An Anthropic error body keeps its
    /// status and type; an AWS one (`x-amzn-errortype` and `{"message": …}`, e.g. from signing or
    /// throttling) is mapped like the SDK operations' errors.
    pub fn from_http(
        status: u16,
        aws_error_type: Option<&str>,
        body: &[u8],
        asked: &Asked,
    ) -> Self {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if let Some(err) = Self::from_anthropic(&value, Some(status), asked) {
            let status = StatusCode::from_u16(status).unwrap_or(err.status);
            return err.with_status(status);
        }
        // `x-amzn-errortype` may carry a namespace after a colon.
        let code = aws_error_type.map(|t| t.split(':').next().unwrap_or(t));
        let message = ["message", "Message"]
            .iter()
            .find_map(|k| value.get(k).and_then(serde_json::Value::as_str));
        Self::from_bedrock_code(code, message, Some(status), asked)
    }

    /// Maps an SDK failure of an HTTP operation: modelled errors by code, transport failures by nature.
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>, asked: &Asked) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut mapped = Self::from_sdk_with(err, |raw| Some(raw.status().as_u16()), asked);
        if let SdkError::ServiceError(ctx) = err {
            mapped.retry_after = ctx
                .raw()
                .headers()
                .get("retry-after")
                .and_then(|v| v.trim().parse().ok());
        }
        mapped
    }

    /// Maps an error received inside an event stream (an exception frame or a broken stream).
    pub fn from_stream<E>(err: &SdkError<E, RawMessage>, asked: &Asked) -> Self
    where
        E: StreamException + ProvideErrorMetadata + std::error::Error + 'static,
    {
        // Exception frames name their type in a header, and the SDK keeps it only as the enum
        // variant: the payload usually has no code for `code()` to return.
        if let SdkError::ServiceError(ctx) = err
            && let Some(name) = ctx.err().exception_name()
        {
            return Self::from_bedrock_code(Some(name), ctx.err().message(), None, asked);
        }
        Self::from_sdk_with(err, |_| None, asked)
    }

    fn from_sdk_with<E, R>(
        err: &SdkError<E, R>,
        status: impl Fn(&R) -> Option<u16>,
        asked: &Asked,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        match err {
            SdkError::ServiceError(ctx) => Self::from_bedrock_code(
                ctx.err().code(),
                ctx.err().message(),
                status(ctx.raw()),
                asked,
            ),
            SdkError::TimeoutError(_) => {
                Self::new(ErrorKind::Timeout, "upstream request timed out")
            }
            SdkError::DispatchFailure(e) if e.is_timeout() => {
                Self::new(ErrorKind::Timeout, "upstream request timed out")
            }
            SdkError::DispatchFailure(_) => {
                Self::internal("could not reach upstream").with_status(StatusCode::BAD_GATEWAY)
            }
            // The read timeout also bounds a body that stalls after its head.
            SdkError::ResponseError(_)
                if std::error::Error::source(err).is_some_and(caused_by_timeout) =>
            {
                Self::new(ErrorKind::Timeout, "upstream request timed out")
            }
            SdkError::ResponseError(_) => {
                Self::internal("malformed upstream response").with_status(StatusCode::BAD_GATEWAY)
            }
            _ => Self::internal("upstream error"),
        }
    }
}

/// What the client asked for that the first-party wording of an error names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    /// The model id the client sees (the map's `id`).
    pub model: String,
    /// The request's `max_tokens`, if it had a whole number there.
    pub max_tokens: Option<u64>,
}

impl Asked {
    /// What a Messages request body asks for, for the model the map resolved it to.
    pub fn from_request(model: &str, request: &serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            model: model.to_owned(),
            max_tokens: request
                .get("max_tokens")
                .and_then(serde_json::Value::as_u64),
        }
    }
}

/// One class of Bedrock error: the exceptions and words that identify it, and the `error.type`
/// and wording the first-party API uses for the same failure. Rows are tried in order.
pub struct BedrockError {
    /// The modelled exception names (compared without case: exception frames use lowerCamel).
    pub exceptions: &'static [&'static str],
    /// Phrases (lowercase) of which Bedrock's message must contain one; empty: any message.
    pub says: &'static [&'static str],
    pub kind: ErrorKind,
    pub wording: Wording,
}

impl BedrockError {
    fn says_it(&self, message: &str) -> bool {
        let message = message.to_ascii_lowercase();
        self.says.is_empty() || self.says.iter().any(|p| message.contains(p))
    }
}

/// How the client's message is worded. Anthropic's words come first, so clients that match on
/// them (Claude Code compacts on "prompt is too long", lowers `max_tokens` on
/// "max_tokens: N > M") recognise the failure; Bedrock's own message follows in parentheses
/// where it adds something and names nothing of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    /// Bedrock's message as it is: already Anthropic's words, or nothing better is known.
    AsSaid,
    /// `prompt is too long: …`, without token counts, which Bedrock does not give (Claude Code
    /// matches the phrase; the counts it parses out are optional).
    PromptTooLong,
    /// `max_tokens: <asked> > <limit>, which is the maximum allowed number of output tokens for
    /// <model>`, the limit read from Bedrock's message ("… exceeds the model limit of <limit>").
    MaxTokens,
    /// `model: <id>`, as the first-party 404 names the model.
    Model,
    /// Anthropic's sentence, then Bedrock's message in parentheses.
    Then(&'static str),
    /// Anthropic's sentence alone (Bedrock's message would name the account's role or ARNs).
    Only(&'static str),
}

impl Wording {
    fn say(self, said: &str, asked: &Asked) -> String {
        match self {
            Self::AsSaid => said.to_owned(),
            Self::PromptTooLong => format!(
                "prompt is too long: the input exceeds the model's context window; Amazon Bedrock \
                 reports no token counts (Amazon Bedrock: {said})"
            ),
            Self::MaxTokens => match (asked.max_tokens, number_after(said, "limit of")) {
                (Some(max_tokens), Some(limit)) => format!(
                    "max_tokens: {max_tokens} > {limit}, which is the maximum allowed number of \
                     output tokens for {}",
                    asked.model
                ),
                _ => said.to_owned(),
            },
            Self::Model => format!("model: {} (Amazon Bedrock: {said})", asked.model),
            Self::Then(sentence) => format!("{sentence} (Amazon Bedrock: {said})"),
            Self::Only(sentence) => sentence.to_owned(),
        }
    }
}

/// Every Bedrock error class the gateway words the first-party way, on every upstream (the
/// Messages endpoint's AWS-shaped errors, InvokeModel and Converse, their exception frames).
/// Messages and statuses as Bedrock documents them (API reference of bedrock-runtime and the
/// "Troubleshooting Amazon Bedrock API Error Codes" user-guide page).
pub const BEDROCK_ERRORS: &[BedrockError] = &[
    // The model's own validation, which Bedrock passes on: already the first-party words.
    BedrockError {
        exceptions: &["ValidationException"],
        says: &["prompt is too long", "exceed context limit"],
        kind: ErrorKind::InvalidRequest,
        wording: Wording::AsSaid,
    },
    // "Input is too long for requested model." (Claude); Converse wraps it, Nova words it its way.
    BedrockError {
        exceptions: &["ValidationException"],
        says: &[
            "input is too long",
            "input tokens exceeded",
            "too many input tokens",
        ],
        kind: ErrorKind::InvalidRequest,
        wording: Wording::PromptTooLong,
    },
    // "The maximum tokens you requested exceeds the model limit of 4096. Try again with …"
    BedrockError {
        exceptions: &["ValidationException"],
        says: &["maximum tokens you requested exceeds"],
        kind: ErrorKind::InvalidRequest,
        wording: Wording::MaxTokens,
    },
    BedrockError {
        exceptions: &["ValidationException"],
        says: &[],
        kind: ErrorKind::InvalidRequest,
        wording: Wording::AsSaid,
    },
    // "Too many tokens, please wait before trying again."
    BedrockError {
        exceptions: &["ThrottlingException"],
        says: &["too many tokens"],
        kind: ErrorKind::RateLimit,
        wording: Wording::Then(
            "Number of request tokens has exceeded your per-minute rate limit; please try again later",
        ),
    },
    // "Too many requests, please wait before trying again."
    BedrockError {
        exceptions: &["ThrottlingException", "TooManyRequestsException"],
        says: &[],
        kind: ErrorKind::RateLimit,
        wording: Wording::Then(
            "Number of requests has exceeded your per-minute rate limit; please try again later",
        ),
    },
    BedrockError {
        exceptions: &["ServiceQuotaExceededException"],
        says: &[],
        kind: ErrorKind::RateLimit,
        wording: Wording::Then("Your account has hit a rate limit"),
    },
    // Bedrock answers these with 429 and 503; the first-party API calls both "Overloaded" (529).
    BedrockError {
        exceptions: &["ModelNotReadyException", "ServiceUnavailableException"],
        says: &[],
        kind: ErrorKind::Overloaded,
        wording: Wording::Then("Overloaded"),
    },
    // Bedrock's message may name the gateway's role and account: the client gets none of it.
    BedrockError {
        exceptions: &["AccessDeniedException"],
        says: &[],
        kind: ErrorKind::Permission,
        wording: Wording::Only(
            "Your API key does not have permission to use the specified resource: Amazon \
             Bedrock refused the gateway access to this model",
        ),
    },
    // The gateway's own AWS credentials or signature: the message says which.
    BedrockError {
        exceptions: &[
            "UnrecognizedClientException",
            "ExpiredTokenException",
            "InvalidSignatureException",
            "IncompleteSignature",
        ],
        says: &[],
        kind: ErrorKind::Permission,
        wording: Wording::AsSaid,
    },
    BedrockError {
        exceptions: &["ResourceNotFoundException"],
        says: &[],
        kind: ErrorKind::NotFound,
        wording: Wording::Model,
    },
    BedrockError {
        exceptions: &["ModelTimeoutException"],
        says: &[],
        kind: ErrorKind::Timeout,
        wording: Wording::Then("Request timed out"),
    },
    BedrockError {
        exceptions: &[
            "InternalServerException",
            "ModelErrorException",
            "ModelStreamErrorException",
        ],
        says: &[],
        kind: ErrorKind::Api,
        wording: Wording::Then("Internal server error"),
    },
];

/// Bedrock's message without the wrapper Converse puts around the model's own words.
fn bedrock_message(message: &str) -> &str {
    message
        .strip_prefix("The model returned the following errors: ")
        .unwrap_or(message)
}

/// The whole number that follows `marker` in `text`, if one does.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let at = text.find(marker)? + marker.len();
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Whether a transport failure was a timeout somewhere down its chain of causes: the SDK's
/// connector marks its own, hyper-util's connect timeout is an `io::Error` of kind `TimedOut`.
pub(crate) fn caused_by_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(err) = cause {
        let timeout = err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            || err
                .downcast_ref::<aws_smithy_runtime_api::client::result::ConnectorError>()
                .is_some_and(|c| c.is_timeout())
            || err
                .downcast_ref::<hyper::Error>()
                .is_some_and(hyper::Error::is_timeout);
        if timeout {
            return true;
        }
        cause = err.source();
    }
    false
}

/// The modelled exception an event-stream error enum variant stands for.
pub trait StreamException {
    fn exception_name(&self) -> Option<&'static str>;
}

impl StreamException for ResponseStreamError {
    fn exception_name(&self) -> Option<&'static str> {
        Some(match self {
            Self::InternalServerException(_) => "InternalServerException",
            Self::ModelStreamErrorException(_) => "ModelStreamErrorException",
            Self::ValidationException(_) => "ValidationException",
            Self::ThrottlingException(_) => "ThrottlingException",
            Self::ModelTimeoutException(_) => "ModelTimeoutException",
            Self::ServiceUnavailableException(_) => "ServiceUnavailableException",
            _ => return None,
        })
    }
}

impl StreamException for ConverseStreamOutputError {
    fn exception_name(&self) -> Option<&'static str> {
        Some(match self {
            Self::InternalServerException(_) => "InternalServerException",
            Self::ModelStreamErrorException(_) => "ModelStreamErrorException",
            Self::ValidationException(_) => "ValidationException",
            Self::ThrottlingException(_) => "ThrottlingException",
            Self::ServiceUnavailableException(_) => "ServiceUnavailableException",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked() -> Asked {
        Asked {
            model: "claude-opus-5-5".into(),
            max_tokens: Some(128_000),
        }
    }

    /// Exception frames name the exception in lowerCamel (`throttlingException`).
    fn lower_camel(name: &str) -> String {
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
            .unwrap_or_default()
    }

    #[test]
    fn every_row_of_the_bedrock_table_decides_the_errors_it_describes() {
        // For each row, each exception in each spelling, with each phrase it recognises (or an
        // unrelated message for a row that takes any): that row answers, not an earlier one.
        for (i, row) in BEDROCK_ERRORS.iter().enumerate() {
            let messages: Vec<String> = if row.says.is_empty() {
                vec!["something Bedrock said".into()]
            } else {
                row.says
                    .iter()
                    .map(|p| {
                        format!(
                            "The model returned the following errors: {}.",
                            p.to_uppercase()
                        )
                    })
                    .collect()
            };
            for exception in row.exceptions {
                for code in [exception.to_string(), lower_camel(exception)] {
                    for message in &messages {
                        let e =
                            ApiError::from_bedrock_code(Some(&code), Some(message), None, &asked());
                        let said = bedrock_message(message);
                        assert_eq!(
                            (e.kind, e.status, e.message.as_str()),
                            (
                                row.kind,
                                row.kind.status(),
                                row.wording.say(said, &asked()).as_str()
                            ),
                            "row {i}: {code} {message:?}"
                        );
                    }
                }
            }
        }
        let unknown = ApiError::from_bedrock_code(Some("SomethingNew"), None, Some(429), &asked());
        assert_eq!(unknown.kind, ErrorKind::RateLimit);
    }

    #[test]
    fn context_and_max_tokens_errors_carry_the_words_clients_match() {
        let overflow = ApiError::from_bedrock_code(
            Some("ValidationException"),
            Some("Input is too long for requested model."),
            Some(400),
            &asked(),
        );
        assert!(
            overflow.message.starts_with("prompt is too long: "),
            "{}",
            overflow.message
        );
        // No "<n> tokens > <m>" made up: Bedrock gave no counts.
        assert!(!overflow.message.contains(" > "), "{}", overflow.message);
        let max = ApiError::from_bedrock_code(
            Some("ValidationException"),
            Some(
                "The maximum tokens you requested exceeds the model limit of 64000. Try again with a maximum tokens value that is lower than 64000.",
            ),
            Some(400),
            &asked(),
        );
        assert_eq!(
            max.message,
            "max_tokens: 128000 > 64000, which is the maximum allowed number of output tokens for claude-opus-5-5"
        );
        // Without the request's own figure the first-party sentence cannot be written.
        let unknown = Asked {
            max_tokens: None,
            ..asked()
        };
        let max = ApiError::from_bedrock_code(
            Some("ValidationException"),
            Some("The maximum tokens you requested exceeds the model limit of 64000."),
            Some(400),
            &unknown,
        );
        assert!(
            max.message.starts_with("The maximum tokens"),
            "{}",
            max.message
        );
    }

    #[test]
    fn messages_endpoint_errors_keep_anthropic_status_and_type_and_map_aws_ones() {
        let anthropic =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let e = ApiError::from_http(529, None, anthropic, &asked());
        assert_eq!((e.status.as_u16(), e.kind), (529, ErrorKind::Overloaded));
        assert_eq!(e.message, "Overloaded");
        let odd = br#"{"type":"error","error":{"type":"invalid_request_error","message":"m"}}"#;
        let e = ApiError::from_http(422, None, odd, &asked());
        assert_eq!(
            (e.status.as_u16(), e.kind),
            (422, ErrorKind::InvalidRequest)
        );
        let unknown = br#"{"type":"error","error":{"type":"brand_new_error","message":"m"}}"#;
        assert_eq!(
            ApiError::from_http(429, None, unknown, &asked()).kind,
            ErrorKind::RateLimit
        );
        let aws = br#"{"message":"The security token included in the request is invalid."}"#;
        let e = ApiError::from_http(
            403,
            Some("UnrecognizedClientException:http://internal.amazon.com/coral/"),
            aws,
            &asked(),
        );
        assert_eq!((e.status.as_u16(), e.kind), (403, ErrorKind::Permission));
        assert!(e.message.contains("security token"));
        let e = ApiError::from_http(503, Some("ServiceUnavailableException"), b"{}", &asked());
        assert_eq!((e.status.as_u16(), e.kind), (529, ErrorKind::Overloaded));
        let e = ApiError::from_http(500, None, b"<html>", &asked());
        assert_eq!((e.status.as_u16(), e.kind), (500, ErrorKind::Api));
    }

    #[test]
    fn retry_advice_follows_the_anthropic_api() {
        for code in [400, 401, 403, 404, 405, 413, 414, 431] {
            assert!(
                !should_retry(StatusCode::from_u16(code).expect("status")),
                "{code}"
            );
        }
        for code in [408, 409, 429, 500, 502, 503, 504, 529] {
            assert!(
                should_retry(StatusCode::from_u16(code).expect("status")),
                "{code}"
            );
        }
        let throttled = ApiError::new(ErrorKind::RateLimit, "slow down");
        assert_eq!(throttled.retry_after(), Some(DEFAULT_RETRY_AFTER_SECS));
        let told = ApiError {
            retry_after: Some(12),
            ..throttled
        };
        assert_eq!(told.retry_after(), Some(12));
        assert_eq!(ApiError::internal("x").retry_after(), None);
    }

    #[test]
    fn error_body_has_the_anthropic_shape() {
        let body = ApiError::new(ErrorKind::Overloaded, "busy").body("req_1");
        assert_eq!(
            body,
            serde_json::json!({
                "type": "error", "error": {"type": "overloaded_error", "message": "busy"}, "request_id": "req_1"
            })
        );
    }
}
