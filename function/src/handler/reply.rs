//! Responses: JSON bodies and the Anthropic error shape, each with its `request-id`.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use serde_json::Value;

use crate::body::Body;
use crate::error::{ApiError, should_retry};

pub(crate) fn base_response(
    status: StatusCode,
    request_id: &str,
    content_type: &'static str,
) -> http::response::Builder {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(
            "request-id",
            HeaderValue::from_str(request_id).unwrap_or(HeaderValue::from_static("unknown")),
        )
}

pub(crate) fn json_response(status: StatusCode, request_id: &str, body: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    raw_response(status, request_id, Bytes::from(bytes))
}

/// A JSON body that is already serialized.
pub(crate) fn raw_response(status: StatusCode, request_id: &str, bytes: Bytes) -> Response<Body> {
    base_response(status, request_id, "application/json")
        .body(Body::full(bytes))
        .unwrap_or_else(|_| Response::new(Body::full(Bytes::new())))
}

/// The Anthropic error shape, with the retry advice Anthropic's API gives in headers.
pub(crate) fn error_response(request_id: &str, err: &ApiError) -> Response<Body> {
    let mut response = json_response(err.status, request_id, &err.body(request_id));
    let headers = response.headers_mut();
    headers.insert(
        "x-should-retry",
        HeaderValue::from_static(if should_retry(err.status) {
            "true"
        } else {
            "false"
        }),
    );
    if let Some(secs) = err.retry_after() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
