//! The Lambda path: a small Runtime API client that streams each response (status/headers
//! prelude, 8 NUL bytes, then the body) the way Function URLs in RESPONSE_STREAM mode expect.
//!
//! Why not `lambda_http::run_with_streaming_response`: lambda_runtime's connection to the Runtime
//! API leaves Nagle's algorithm on, and it writes the prelude, the delimiter and the body as
//! separate small chunks, so every streamed response waited for a delayed ACK (~40 ms, measured
//! with tests/lambda_runtime.rs) before its first byte. Here the connection has TCP_NODELAY and
//! the prelude and delimiter are ready at once, so they leave with the first event. They stay
//! separate HTTP chunks: emulators such as `cargo lambda watch` read each as one chunk.
//!
//! As lambda_runtime does, it reports start-up failures to `/runtime/init/error`, turns a panic
//! in the handler into an invocation error and carries on, and passes the invocation's X-Ray
//! trace (`Lambda-Runtime-Trace-Id`) on.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, StatusCode, header};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::json;

use crate::body::Body;
use crate::error::ApiError;
use crate::handler::{App, RequestContext, error_response, handle};

const RUNTIME: &str = "/2018-06-01/runtime";

/// Deadlines below this (epoch ms of 1973) can only be relative timeouts.
const RELATIVE_DEADLINE_BELOW: u64 = 100_000_000_000;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("Runtime API request failed: {0}")]
    Request(#[from] hyper_util::client::legacy::Error),
    #[error("Runtime API answered {status} to {what}")]
    Status {
        status: StatusCode,
        what: &'static str,
    },
    #[error("invalid Runtime API exchange: {0}")]
    Invalid(String),
}

/// The Function URL event (payload format 2.0), as far as the gateway reads it. Optional
/// fields may be absent or `null`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UrlEvent {
    raw_path: Option<String>,
    raw_query_string: Option<String>,
    headers: Option<HashMap<String, String>>,
    body: Option<String>,
    is_base64_encoded: Option<bool>,
    request_context: UrlRequestContext,
}

#[derive(Debug, Deserialize)]
struct UrlRequestContext {
    http: UrlHttp,
}

#[derive(Debug, Deserialize)]
struct UrlHttp {
    method: String,
}

/// The event as the request the shared handler takes.
fn to_request(event: UrlEvent) -> Result<http::Request<Result<Bytes, ApiError>>, ApiError> {
    let path = event.raw_path.unwrap_or_else(|| "/".to_owned());
    let uri = match event.raw_query_string.filter(|q| !q.is_empty()) {
        None => path,
        Some(query) => format!("{path}?{query}"),
    };
    let method = Method::from_bytes(event.request_context.http.method.as_bytes())
        .map_err(|_| ApiError::invalid("unsupported HTTP method"))?;
    let body = match (event.body, event.is_base64_encoded.unwrap_or(false)) {
        (None, _) => Ok(Bytes::new()),
        (Some(text), false) => Ok(Bytes::from(text)),
        (Some(b64), true) => BASE64
            .decode(b64)
            .map(Bytes::from)
            .map_err(|_| ApiError::invalid("the request body is not valid base64")),
    };
    let mut request = http::Request::builder()
        .method(method)
        .uri(uri)
        .body(body)
        .map_err(|_| ApiError::invalid("invalid request path"))?;
    for (name, value) in event.headers.unwrap_or_default() {
        // Function URLs only pass valid headers; anything else could not matter to us.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            request.headers_mut().append(name, value);
        }
    }
    Ok(request)
}

/// The status/headers prelude, which Lambda's streaming integration expects before 8 NUL bytes.
fn prelude(response: &http::Response<Body>) -> Bytes {
    let headers: serde_json::Map<String, serde_json::Value> = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.into())))
        .collect();
    let prelude = json!({
        "statusCode": response.status().as_u16(),
        "headers": headers,
        "cookies": [],
    });
    Bytes::from(serde_json::to_vec(&prelude).unwrap_or_default())
}

const DELIMITER: Bytes = Bytes::from_static(&[0u8; 8]);

/// A Runtime API request body: head chunks (the prelude and its delimiter), then the handler's body.
struct Outgoing {
    head: VecDeque<Bytes>,
    body: Body,
}

impl Outgoing {
    fn plain(body: impl Into<Bytes>) -> Self {
        Self {
            head: VecDeque::new(),
            body: Body::full(body),
        }
    }
}

impl http_body::Body for Outgoing {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        match this.head.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
            None => Pin::new(&mut this.body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.head.is_empty() && self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.head.is_empty() {
            self.body.size_hint()
        } else {
            SizeHint::default()
        }
    }
}

/// Connections to the Runtime API send each write at once (TCP_NODELAY): the prelude, the
/// delimiter and the first event are small writes, which Nagle's algorithm would hold back for
/// the peer's delayed ACK.
fn connector() -> HttpConnector {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector
}

struct RuntimeApi {
    client: Client<HttpConnector, Outgoing>,
    base: String,
}

struct Invocation {
    request_id: String,
    deadline: SystemTime,
    trace_id: Option<String>,
    event: Bytes,
}

impl RuntimeApi {
    /// `address` is `host:port` on Lambda; emulators may pass a URL with a base path.
    fn new(address: &str) -> Self {
        let address = address.trim_end_matches('/');
        let base = if address.contains("://") {
            format!("{address}{RUNTIME}")
        } else {
            format!("http://{address}{RUNTIME}")
        };
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector()),
            base,
        }
    }

    async fn send(
        &self,
        request: http::Request<Outgoing>,
        what: &'static str,
    ) -> Result<http::Response<hyper::body::Incoming>, RuntimeError> {
        let response = self.client.request(request).await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(RuntimeError::Status {
                status: response.status(),
                what,
            })
        }
    }

    async fn next(&self) -> Result<Invocation, RuntimeError> {
        let request = http::Request::get(format!("{}/invocation/next", self.base))
            .body(Outgoing::plain(Bytes::new()))
            .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let response = self.send(request, "invocation/next").await?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| RuntimeError::Invalid(format!("no {name} header")))
        };
        let request_id = header("lambda-runtime-aws-request-id")?;
        let deadline_ms: u64 = header("lambda-runtime-deadline-ms")?
            .parse()
            .map_err(|_| RuntimeError::Invalid("bad lambda-runtime-deadline-ms".into()))?;
        let deadline = deadline_from_header(deadline_ms);
        let trace_id = header("lambda-runtime-trace-id").ok();
        let event = response
            .into_body()
            .collect()
            .await
            .map_err(|e| RuntimeError::Invalid(e.to_string()))?
            .to_bytes();
        Ok(Invocation {
            request_id,
            deadline,
            trace_id,
            event,
        })
    }

    /// Streams the response; returns once the Runtime API has taken all of it.
    async fn respond(
        &self,
        request_id: &str,
        response: http::Response<Body>,
    ) -> Result<(), RuntimeError> {
        let body = Outgoing {
            head: VecDeque::from([prelude(&response), DELIMITER]),
            body: response.into_body(),
        };
        let request =
            http::Request::post(format!("{}/invocation/{request_id}/response", self.base))
                .header("lambda-runtime-function-response-mode", "streaming")
                .header(header::TRANSFER_ENCODING, "chunked")
                .header(
                    header::CONTENT_TYPE,
                    "application/vnd.awslambda.http-integration-response",
                )
                .body(body)
                .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let response = self.send(request, "invocation response").await?;
        // Drain the (empty) answer so the connection is reused.
        let _ = response.into_body().collect().await;
        Ok(())
    }

    /// Reports an invocation that failed: an event the gateway cannot handle, or a panic.
    async fn fail(&self, request_id: &str, error: &FunctionError) -> Result<(), RuntimeError> {
        self.report(
            format!("{}/invocation/{request_id}/error", self.base),
            error,
            "invocation error",
        )
        .await
    }

    /// Sends the Lambda error document with its `Lambda-Runtime-Function-Error-Type`.
    async fn report(
        &self,
        url: String,
        error: &FunctionError,
        what: &'static str,
    ) -> Result<(), RuntimeError> {
        let body = json!({
            "errorType": error.error_type,
            "errorMessage": error.message,
            "stackTrace": [],
        })
        .to_string();
        let request = http::Request::post(url)
            .header(
                "lambda-runtime-function-error-type",
                format!("Runtime.{}", error.error_type),
            )
            .header(header::CONTENT_TYPE, "application/json")
            .body(Outgoing::plain(body))
            .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let response = self.send(request, what).await?;
        let _ = response.into_body().collect().await;
        Ok(())
    }
}

/// An error reported to the Runtime API: `errorType` (also, as `Runtime.<type>`, the
/// `Lambda-Runtime-Function-Error-Type` header) and `errorMessage`.
#[derive(Debug, Clone)]
pub struct FunctionError {
    pub error_type: &'static str,
    pub message: String,
}

/// Reports a failure before the first invocation (e.g. a bad configuration) to
/// `/runtime/init/error`, so Lambda records why the function could not start.
pub async fn report_init_error(address: &str, error: &FunctionError) -> Result<(), RuntimeError> {
    let api = RuntimeApi::new(address);
    let url = format!("{}/init/error", api.base);
    api.report(url, error, "init error").await
}

/// The panic payload's text (`panic!` carries a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the handler panicked".to_owned())
}

/// `Lambda-Runtime-Deadline-Ms`: Lambda sends epoch milliseconds; `cargo lambda watch` sends the
/// timeout itself.
fn deadline_from_header(ms: u64) -> SystemTime {
    if ms < RELATIVE_DEADLINE_BELOW {
        SystemTime::now() + Duration::from_millis(ms)
    } else {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }
}

/// The invocation deadline as an `Instant`, pulled in by `margin` so we can still end cleanly.
fn deadline(deadline: SystemTime, margin: Duration) -> Instant {
    let left = deadline
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    Instant::now() + left.saturating_sub(margin)
}

/// Serves invocations from the Runtime API at `address` (`AWS_LAMBDA_RUNTIME_API`) until it fails.
pub async fn run(app: Arc<App>, address: &str) -> Result<(), RuntimeError> {
    let margin = app.settings().deadline_margin;
    serve_invocations(address, margin, move |request, ctx| {
        app.trace().set(ctx.trace_id.as_deref());
        handle(app.clone(), request, ctx)
    })
    .await
}

/// The invocation loop, for any handler. Each handler future runs as its own task, so a panic
/// in it becomes an invocation error (`Runtime.Panic`) and the loop carries on with the next
/// invocation, as lambda_runtime does.
pub async fn serve_invocations<H, F>(
    address: &str,
    deadline_margin: Duration,
    handler: H,
) -> Result<(), RuntimeError>
where
    H: Fn(http::Request<Result<Bytes, ApiError>>, RequestContext) -> F,
    F: Future<Output = http::Response<Body>> + Send + 'static,
{
    let api = RuntimeApi::new(address);
    loop {
        let invocation = api.next().await?;
        let event: UrlEvent = match serde_json::from_slice(&invocation.event) {
            Ok(event) => event,
            Err(e) => {
                // Only where and what kind: serde's message can quote the event's text.
                tracing::error!(
                    request_id = %invocation.request_id,
                    error = ?e.classify(),
                    line = e.line(),
                    column = e.column(),
                    "not a Function URL event"
                );
                let error = FunctionError {
                    error_type: "InvalidEvent",
                    message: "expected a Function URL (payload 2.0) event".to_owned(),
                };
                api.fail(&invocation.request_id, &error).await?;
                continue;
            }
        };
        tracing::debug!(
            request_id = %invocation.request_id,
            ms_to_deadline = invocation.deadline.duration_since(SystemTime::now()).unwrap_or_default().as_millis() as u64,
            "invocation"
        );
        let ctx = RequestContext {
            request_id: invocation.request_id.clone(),
            deadline: Some(deadline(invocation.deadline, deadline_margin)),
            trace_id: invocation.trace_id,
        };
        let response = match to_request(event) {
            Ok(request) => match tokio::spawn(handler(request, ctx)).await {
                Ok(response) => response,
                Err(e) => {
                    let message = match e.try_into_panic() {
                        Ok(payload) => panic_message(payload.as_ref()),
                        Err(e) => e.to_string(),
                    };
                    tracing::error!(request_id = %invocation.request_id, panic = %message, "the handler panicked");
                    let error = FunctionError {
                        error_type: "Panic",
                        message,
                    };
                    api.fail(&invocation.request_id, &error).await?;
                    continue;
                }
            },
            Err(err) => error_response(&invocation.request_id, &err),
        };
        api.respond(&invocation.request_id, response).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runtime_api_connections_send_small_writes_at_once() {
        use tower_service::Service as _;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let uri: http::Uri = format!("http://{}", listener.local_addr().expect("addr"))
            .parse()
            .expect("uri");
        let io = connector().call(uri).await.expect("connects");
        assert!(io.inner().nodelay().expect("socket option"), "Nagle is off");
    }

    #[test]
    fn deadline_keeps_the_margin_and_never_goes_negative() {
        let in_10s = SystemTime::now() + Duration::from_secs(10);
        let d = deadline(in_10s, Duration::from_secs(2));
        let left = d.saturating_duration_since(Instant::now());
        assert!(
            left <= Duration::from_secs(8) && left > Duration::from_secs(7),
            "{left:?}"
        );
        let past = deadline(
            SystemTime::now() - Duration::from_secs(1),
            Duration::from_secs(2),
        );
        assert!(past <= Instant::now());
    }

    #[test]
    fn deadline_headers_are_epoch_or_relative() {
        let epoch = deadline_from_header(1_795_000_000_000);
        assert_eq!(
            epoch.duration_since(SystemTime::UNIX_EPOCH).ok(),
            Some(Duration::from_millis(1_795_000_000_000))
        );
        let relative = deadline_from_header(600_000);
        let left = relative
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        assert!(
            left > Duration::from_secs(590) && left <= Duration::from_secs(600),
            "{left:?}"
        );
    }

    #[test]
    fn url_events_become_requests() {
        let event: UrlEvent = serde_json::from_value(json!({
            "rawPath": "/v1/models", "rawQueryString": "limit=1",
            "headers": {"x-api-key": "k", "content-type": "application/json"},
            "body": "e30=", "isBase64Encoded": true,
            "requestContext": {"http": {"method": "POST"}}
        }))
        .expect("event");
        let req = to_request(event).expect("request");
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.uri(), "/v1/models?limit=1");
        assert_eq!(req.headers()["x-api-key"], "k");
        assert_eq!(
            req.body().as_ref().expect("body"),
            &Bytes::from_static(b"{}")
        );
    }

    #[test]
    fn null_optional_fields_are_accepted() {
        let event: UrlEvent = serde_json::from_value(json!({
            "rawPath": "/health", "rawQueryString": null, "headers": null, "body": null,
            "isBase64Encoded": null, "cookies": null, "requestContext": {"http": {"method": "GET"}}
        }))
        .expect("event");
        assert_eq!(to_request(event).expect("request").uri(), "/health");
    }

    #[test]
    fn panic_payloads_become_messages() {
        let text: Box<dyn std::any::Any + Send> = Box::new("boom");
        assert_eq!(panic_message(text.as_ref()), "boom");
        let owned: Box<dyn std::any::Any + Send> = Box::new(format!("boom {}", 2));
        assert_eq!(panic_message(owned.as_ref()), "boom 2");
        let other: Box<dyn std::any::Any + Send> = Box::new(7u8);
        assert_eq!(panic_message(other.as_ref()), "the handler panicked");
    }

    #[test]
    fn prelude_is_the_status_and_headers_as_json() {
        let response = http::Response::builder()
            .status(429)
            .header("content-type", "application/json")
            .body(Body::full(Bytes::new()))
            .expect("response");
        let v: serde_json::Value = serde_json::from_slice(&prelude(&response)).expect("json");
        assert_eq!(
            v,
            json!({"statusCode": 429, "headers": {"content-type": "application/json"}, "cookies": []})
        );
    }
}
