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

    /// `{"type":"error","error":{...},"request_id":...}` as the Anthropic API sends it.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        json!({
            "type": "error",
            "error": { "type": self.kind.as_str(), "message": self.message },
            "request_id": request_id,
        })
    }

    /// Maps a Bedrock error code (the modelled exception name) to the Anthropic error.
    pub fn from_bedrock_code(
        code: Option<&str>,
        message: Option<&str>,
        http_status: Option<u16>,
    ) -> Self {
        let message = message.unwrap_or("upstream error").to_owned();
        let kind = match code.unwrap_or_default() {
            "ThrottlingException"
            | "ServiceQuotaExceededException"
            | "TooManyRequestsException" => ErrorKind::RateLimit,
            "ValidationException" => ErrorKind::InvalidRequest,
            "AccessDeniedException" | "UnrecognizedClientException" | "ExpiredTokenException" => {
                ErrorKind::Permission
            }
            "ResourceNotFoundException" => ErrorKind::NotFound,
            "ModelNotReadyException" | "ServiceUnavailableException" => ErrorKind::Overloaded,
            "ModelTimeoutException" => ErrorKind::Timeout,
            "InternalServerException" | "ModelErrorException" | "ModelStreamErrorException" => {
                ErrorKind::Api
            }
            _ => http_status.map_or(ErrorKind::Api, ErrorKind::from_status),
        };
        Self::new(kind, message)
    }

    /// An Anthropic `{"type":"error","error":{"type":…,"message":…}}` object (an HTTP error body
    /// or an SSE `error` event), if `value` is one. A type outside the documented set is judged by
    /// `status`, or else is an `api_error`.
    pub fn from_anthropic(value: &serde_json::Value, status: Option<u16>) -> Option<Self> {
        if value.get("type")?.as_str()? != "error" {
            return None;
        }
        let error = value.get("error")?;
        let kind = error
            .get("type")
            .and_then(serde_json::Value::as_str)
            .and_then(ErrorKind::from_type)
            .unwrap_or_else(|| status.map_or(ErrorKind::Api, ErrorKind::from_status));
        let message = error
            .get("message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("upstream error");
        Some(Self::new(kind, message))
    }

    /// A non-success answer of Bedrock's Messages endpoint. An Anthropic error body keeps its
    /// status and type; an AWS one (`x-amzn-errortype` and `{"message": …}`, e.g. from signing or
    /// throttling) is mapped like the SDK operations' errors.
    pub fn from_http(status: u16, aws_error_type: Option<&str>, body: &[u8]) -> Self {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if let Some(err) = Self::from_anthropic(&value, Some(status)) {
            let status = StatusCode::from_u16(status).unwrap_or(err.status);
            return err.with_status(status);
        }
        // `x-amzn-errortype` may carry a namespace after a colon.
        let code = aws_error_type.map(|t| t.split(':').next().unwrap_or(t));
        let message = ["message", "Message"]
            .iter()
            .find_map(|k| value.get(k).and_then(serde_json::Value::as_str));
        Self::from_bedrock_code(code, message, Some(status))
    }

    /// Maps an SDK failure of an HTTP operation: modelled errors by code, transport failures by nature.
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut mapped = Self::from_sdk_with(err, |raw| Some(raw.status().as_u16()));
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
    pub fn from_stream<E>(err: &SdkError<E, RawMessage>) -> Self
    where
        E: StreamException + ProvideErrorMetadata + std::error::Error + 'static,
    {
        // Exception frames name their type in a header, and the SDK keeps it only as the enum
        // variant: the payload usually has no code for `code()` to return.
        if let SdkError::ServiceError(ctx) = err
            && let Some(name) = ctx.err().exception_name()
        {
            return Self::from_bedrock_code(Some(name), ctx.err().message(), None);
        }
        Self::from_sdk_with(err, |_| None)
    }

    fn from_sdk_with<E, R>(err: &SdkError<E, R>, status: impl Fn(&R) -> Option<u16>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        match err {
            SdkError::ServiceError(ctx) => {
                Self::from_bedrock_code(ctx.err().code(), ctx.err().message(), status(ctx.raw()))
            }
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

    #[test]
    fn bedrock_exceptions_map_to_anthropic_errors() {
        let cases = [
            ("ThrottlingException", 429, "rate_limit_error"),
            ("ServiceQuotaExceededException", 429, "rate_limit_error"),
            ("ValidationException", 400, "invalid_request_error"),
            ("AccessDeniedException", 403, "permission_error"),
            ("ResourceNotFoundException", 404, "not_found_error"),
            ("ModelNotReadyException", 529, "overloaded_error"),
            ("ServiceUnavailableException", 529, "overloaded_error"),
            ("ModelTimeoutException", 504, "timeout_error"),
            ("InternalServerException", 500, "api_error"),
            ("ModelErrorException", 500, "api_error"),
            ("ModelStreamErrorException", 500, "api_error"),
        ];
        for (code, status, kind) in cases {
            let e = ApiError::from_bedrock_code(Some(code), Some("m"), None);
            assert_eq!(
                (e.status.as_u16(), e.kind.as_str()),
                (status, kind),
                "{code}"
            );
        }
        let unknown = ApiError::from_bedrock_code(Some("SomethingNew"), None, Some(429));
        assert_eq!(unknown.kind, ErrorKind::RateLimit);
    }

    #[test]
    fn messages_endpoint_errors_keep_anthropic_status_and_type_and_map_aws_ones() {
        let anthropic =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let e = ApiError::from_http(529, None, anthropic);
        assert_eq!((e.status.as_u16(), e.kind), (529, ErrorKind::Overloaded));
        assert_eq!(e.message, "Overloaded");
        let odd = br#"{"type":"error","error":{"type":"invalid_request_error","message":"m"}}"#;
        let e = ApiError::from_http(422, None, odd);
        assert_eq!(
            (e.status.as_u16(), e.kind),
            (422, ErrorKind::InvalidRequest)
        );
        let unknown = br#"{"type":"error","error":{"type":"brand_new_error","message":"m"}}"#;
        assert_eq!(
            ApiError::from_http(429, None, unknown).kind,
            ErrorKind::RateLimit
        );
        let aws = br#"{"message":"The security token included in the request is invalid."}"#;
        let e = ApiError::from_http(
            403,
            Some("UnrecognizedClientException:http://internal.amazon.com/coral/"),
            aws,
        );
        assert_eq!((e.status.as_u16(), e.kind), (403, ErrorKind::Permission));
        assert!(e.message.contains("security token"));
        let e = ApiError::from_http(503, Some("ServiceUnavailableException"), b"{}");
        assert_eq!((e.status.as_u16(), e.kind), (529, ErrorKind::Overloaded));
        let e = ApiError::from_http(500, None, b"<html>");
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
