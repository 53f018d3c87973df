//! A wire-level fake of Bedrock Runtime (and of Secrets Manager's GetSecretValue), for tests.
//!
//! It speaks the real protocols: REST-JSON for InvokeModel / Converse / CountTokens, the AWS
//! event-stream binary framing for InvokeModelWithResponseStream (`chunk` events carrying
//! base64 Anthropic event JSON) and ConverseStream, and Bedrock's native Messages endpoint
//! (`POST /anthropic/v1/messages`: Anthropic JSON in, Anthropic JSON or SSE out). The real SDK
//! client talks to it through an endpoint override, so nothing in the gateway is mocked.
//!
//! Every Bedrock request's SigV4 signature is checked against the test credentials (`test` /
//! `test`, `us-east-1`, service `bedrock`) by [`sigv4`], written from the specification. On the
//! Messages endpoint a request that is unsigned or wrongly signed gets Bedrock's 403; on the SDK
//! operations the verdict is only recorded (`signature` in `/__fake/requests`), so benchmarks
//! may call them unsigned. Like Bedrock, the Messages endpoint wants an inference-profile id as
//! `model` and judges `max_tokens` and `messages` itself (400 `invalid_request_error`).
//!
//! The scenario comes from the request itself: a `scenario:<name>` token anywhere in the text of
//! the last user turn. A separate `delay:<pause>` token makes any operation wait before answering
//! at all. A `<pause>` is either milliseconds (`delay:450`) or the name of a gate, starting with a
//! letter (`delay:g7`): the fake then waits until the test calls [`FakeBedrock::open`] with that
//! name, so a test can hold Bedrock silent until it has seen what the silence must cause (pings)
//! instead of hoping a clock is fast enough.
//!
//! | scenario                      | behaviour                                                        |
//! |-------------------------------|------------------------------------------------------------------|
//! | (none)                        | a short text answer                                              |
//! | `tool_use`                    | text, then a tool_use block (the first offered tool) streamed as input_json deltas |
//! | `bash_tool`                   | if a tool named `Bash` is offered: a tool_use block for it with input `{"command":"echo tool-ran-<n>","description":"print a marker"}` (`<n>` counts such answers), stop_reason `tool_use` |
//! | `thinking`                    | a thinking block with signature, then text                       |
//! | `http-<status>-<Exception>`   | an HTTP error before any stream, e.g. `http-429-ThrottlingException`; on the Messages endpoint a name ending in `_error` is answered in Anthropic's shape (`http-529-overloaded_error`), others in AWS's |
//! | `midstream-<exception>`       | two events, then an exception frame (an SSE `error` event on the Messages endpoint), e.g. `midstream-throttlingException` |
//! | `early-<exception>`           | an exception frame (SSE `error` event) as the very first frame   |
//! | `bedrock-<name>`              | the [`DOCUMENTED_ERRORS`] row `<name>` as Bedrock answers it: its HTTP status, `x-amzn-errortype` and `{"message": …}` |
//! | `bedrockframe-<name>`         | the row as the first frame of the stream: an exception frame, or an SSE `error` event on the Messages endpoint |
//! | `silent-<pause>`              | message_start, then silence for the pause, then the rest         |
//! | `silentfirst-<pause>`         | silence for the pause before the first frame                     |
//! | `big-<bytes>`                 | a text answer of about `<bytes>` bytes                           |
//! | `endless`                     | a text delta every 20 ms for up to 60 s (for disconnect tests)   |
//! | `truncated`                   | the stream ends without message_stop                             |
//! | `overloaded_event`            | Anthropic-body upstreams: message_start, then an Anthropic `error` event |
//!
//! Whatever the scenario, a request whose last user turn carries a `tool_result` block is
//! answered with the text `tool result: <the result's text>`, so a client's final output proves
//! that its tool ran.
//!
//! Control endpoints: `GET /__fake/requests` (what was received), `GET /__fake/stats`
//! (`cancelled_streams`, `secret_fetches`), `POST /__fake/reset`, `POST /__fake/open/<gate>`
//! ([`FakeBedrock::open`] for a test in another process).

#![allow(dead_code)] // each test binary uses a different part of this module

#[path = "sigv4.rs"]
pub mod sigv4;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};

const USAGE: (u64, u64, u64, u64) = (25, 12, 5, 3); // input, output, cache read, cache write

/// The credentials, region and service every test signs with.
pub const CREDENTIALS: sigv4::Expected<'static> = sigv4::Expected {
    access_key: "test",
    secret_key: "test",
    region: "us-east-1",
    service: "bedrock",
};

/// A response body: all at once, or frames written over time by a task.
pub struct FakeBody(Option<Bytes>, Option<mpsc::Receiver<Bytes>>);

impl hyper::body::Body for FakeBody {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(b) = this.0.take() {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        match &mut this.1 {
            Some(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
            None => Poll::Ready(None),
        }
    }
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Value>>,
    secret: Mutex<Option<String>>,
    cancelled_streams: AtomicUsize,
    secret_fetches: AtomicUsize,
    /// Tool calls made for `scenario:bash_tool`, numbering the markers.
    bash_calls: AtomicUsize,
    /// Named gates for pauses: a semaphore without permits blocks until it is closed (opened).
    gates: Mutex<std::collections::HashMap<String, Arc<Semaphore>>>,
}

impl State {
    fn gate(&self, name: &str) -> Arc<Semaphore> {
        self.gates
            .lock()
            .expect("lock")
            .entry(name.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(0)))
            .clone()
    }
}

/// How long a scenario stays silent: a time, or until the test opens a gate.
#[derive(Clone)]
enum Pause {
    For(Duration),
    Until(Arc<Semaphore>),
}

impl Pause {
    /// `450` is milliseconds; a name starting with a letter is a gate.
    fn parse(state: &State, arg: &str) -> Option<Self> {
        match arg.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => Some(Self::Until(state.gate(arg))),
            Some(_) => arg
                .parse()
                .ok()
                .map(|ms| Self::For(Duration::from_millis(ms))),
            None => None,
        }
    }

    async fn wait(&self) {
        match self {
            Self::For(d) => tokio::time::sleep(*d).await,
            // Opening closes the semaphore, which releases every waiter, now and later.
            Self::Until(gate) => drop(gate.acquire().await),
        }
    }
}

pub struct FakeBedrock {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeBedrock {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeBedrock {
    /// Listens on 127.0.0.1 at `port` (0 = any free port).
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        let st = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // Like a real service: small event frames leave at once (no Nagle delay).
                let _ = stream.set_nodelay(true);
                let st = st.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let st = st.clone();
                        async move { Ok::<_, Infallible>(route(st, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Ok(Self { addr, state, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What GetSecretValue returns; `None` answers ResourceNotFoundException.
    pub fn set_secret(&self, secret: Option<&str>) {
        *self.state.secret.lock().expect("lock") = secret.map(str::to_owned);
    }

    pub fn requests(&self) -> Vec<Value> {
        self.state.requests.lock().expect("lock").clone()
    }

    pub fn cancelled_streams(&self) -> usize {
        self.state.cancelled_streams.load(Ordering::SeqCst)
    }

    pub fn secret_fetches(&self) -> usize {
        self.state.secret_fetches.load(Ordering::SeqCst)
    }

    /// Ends every pause on the gate `name` (`delay:<name>`, `silent-<name>`, …), for good.
    pub fn open(&self, name: &str) {
        self.state.gate(name).close();
    }
}

fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> hyper::Response<FakeBody> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-amzn-requestid", "fake-request-id")
        .body(FakeBody(Some(body.into()), None))
        .expect("valid response")
}

fn json_response(status: u16, body: &Value) -> hyper::Response<FakeBody> {
    response(
        status,
        "application/json",
        serde_json::to_vec(body).expect("json"),
    )
}

fn aws_error(status: u16, code: &str, message: &str) -> hyper::Response<FakeBody> {
    let mut r = json_response(status, &json!({ "message": message }));
    r.headers_mut()
        .insert("x-amzn-errortype", code.parse().expect("header"));
    r
}

async fn route(state: Arc<State>, req: hyper::Request<Incoming>) -> hyper::Response<FakeBody> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    match (parts.method.as_str(), path.as_str()) {
        ("GET", "/__fake/requests") => {
            return json_response(
                200,
                &Value::Array(state.requests.lock().expect("lock").clone()),
            );
        }
        ("GET", "/__fake/stats") => {
            return json_response(
                200,
                &json!({
                    "cancelled_streams": state.cancelled_streams.load(Ordering::SeqCst),
                    "secret_fetches": state.secret_fetches.load(Ordering::SeqCst),
                }),
            );
        }
        ("POST", p) if p.starts_with("/__fake/open/") => {
            state.gate(&p["/__fake/open/".len()..]).close();
            return json_response(200, &json!({}));
        }
        ("POST", "/__fake/reset") => {
            state.requests.lock().expect("lock").clear();
            state.cancelled_streams.store(0, Ordering::SeqCst);
            state.secret_fetches.store(0, Ordering::SeqCst);
            return json_response(200, &json!({}));
        }
        _ => {}
    }
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let bedrock = path.starts_with("/model/") || path.starts_with("/anthropic/");
    let signature = bedrock.then(|| {
        sigv4::verify(
            parts.method.as_str(),
            &parts.uri,
            &parts.headers,
            &body,
            &CREDENTIALS,
        )
    });
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    state.requests.lock().expect("lock").push(json!({
        "path": path,
        "query": parts.uri.query(),
        "target": target,
        "headers": {
            "anthropic-version": header("anthropic-version"),
            "anthropic-beta": header("anthropic-beta"),
            "content-type": header("content-type"),
        },
        "signature": match &signature {
            None => Value::Null,
            Some(Ok(())) => json!("valid"),
            Some(Err(rejection)) => json!(format!("{rejection:?}")),
        },
        "body": parsed,
    }));
    if target == "secretsmanager.GetSecretValue" {
        state.secret_fetches.fetch_add(1, Ordering::SeqCst);
        let secret = state.secret.lock().expect("lock").clone();
        return match secret {
            Some(s) => {
                let mut r = json_response(
                    200,
                    &json!({
                        "ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:fake",
                        "Name": parsed.get("SecretId").cloned().unwrap_or(Value::Null),
                        "SecretString": s, "VersionId": "v1", "VersionStages": ["AWSCURRENT"],
                    }),
                );
                r.headers_mut().insert(
                    "content-type",
                    "application/x-amz-json-1.1".parse().expect("header"),
                );
                r
            }
            None => aws_error(
                400,
                "ResourceNotFoundException",
                "Secrets Manager can't find the specified secret.",
            ),
        };
    }
    if path.starts_with("/anthropic/") {
        if let Some(Err(rejection)) = &signature {
            let (code, message) = rejection.aws_error();
            return aws_error(403, code, &message);
        }
        return messages_endpoint(state, &parts.method, &path, &body, &parsed).await;
    }
    let Some(rest) = path.strip_prefix("/model/") else {
        return aws_error(404, "UnknownOperationException", "unknown path");
    };
    let Some((_model, op)) = rest.rsplit_once('/') else {
        return aws_error(404, "UnknownOperationException", "unknown path");
    };
    if op == "count-tokens" {
        return json_response(200, &json!({"inputTokens": 42}));
    }
    if op.starts_with("converse") && !request_metadata_valid(&parsed) {
        return aws_error(
            400,
            "ValidationException",
            "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}]",
        );
    }
    let script = Script::from_request(&state, &parsed);
    if let Some(pause) = &script.delay {
        pause.wait().await;
    }
    if let Some((status, code, message)) = &script.http_error {
        return aws_error(*status, code, message);
    }
    match op {
        "invoke" => json_response(200, &script.native_message()),
        "converse" => json_response(200, &script.converse_response()),
        "invoke-with-response-stream" | "converse-stream" => {
            let (tx, rx) = mpsc::channel(8);
            let framing = if op == "converse-stream" {
                Framing::Converse
            } else {
                Framing::Invoke
            };
            tokio::spawn(write_stream(state, script, framing, tx));
            hyper::Response::builder()
                .status(200)
                .header("content-type", "application/vnd.amazon.eventstream")
                .header("x-amzn-requestid", "fake-request-id")
                .body(FakeBody(None, Some(rx)))
                .expect("valid response")
        }
        _ => aws_error(404, "UnknownOperationException", "unknown operation"),
    }
}

/// Converse's `requestMetadata`: every key and value within `[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}`
/// (keys at least one character), as Bedrock's API reference constrains it.
fn request_metadata_valid(body: &Value) -> bool {
    let allowed = |s: &str| {
        s.chars().count() <= 256
            && s.chars().all(|c| {
                c.is_ascii_alphanumeric() || c.is_whitespace() || ":_@$#=/+,-.".contains(c)
            })
    };
    match body.get("requestMetadata") {
        None => true,
        Some(Value::Object(map)) => map
            .iter()
            .all(|(k, v)| !k.is_empty() && allowed(k) && v.as_str().is_some_and(allowed)),
        Some(_) => false,
    }
}

/// Bedrock's native Messages endpoint: only `POST /anthropic/v1/messages` exists (other paths get
/// the HTTP 200 + `UnknownOperationException` body third parties measured on Bedrock).
async fn messages_endpoint(
    state: Arc<State>,
    method: &hyper::Method,
    path: &str,
    raw: &[u8],
    body: &Value,
) -> hyper::Response<FakeBody> {
    if method != hyper::Method::POST || path != "/anthropic/v1/messages" {
        return json_response(
            200,
            &json!({"Output": {"__type": "com.amazon.coral.service#UnknownOperationException"}, "Version": "1.0"}),
        );
    }
    let invalid = |message: &str| {
        json_response(
            400,
            &json!({"type": "error", "error": {"type": "invalid_request_error", "message": message}}),
        )
    };
    if serde_json::from_slice::<serde_json::Map<String, Value>>(raw).is_err() {
        return invalid("The request body is not a JSON object");
    }
    match body.get("model").and_then(Value::as_str) {
        Some(m)
            if ["global.", "us.", "eu.", "jp.", "au.", "apac."]
                .iter()
                .any(|p| m.starts_with(p)) => {}
        _ => {
            return aws_error(
                400,
                "ValidationException",
                "Invocation of model ID with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
            );
        }
    }
    if !body.get("max_tokens").is_some_and(Value::is_u64) {
        return invalid("max_tokens: Field required");
    }
    // The first-party API's only constraint on `metadata.user_id`: at most 256 characters.
    if body
        .pointer("/metadata/user_id")
        .and_then(Value::as_str)
        .is_some_and(|user| user.chars().count() > 256)
    {
        return invalid("metadata.user_id: String should have at most 256 characters");
    }
    if !body.get("messages").is_some_and(Value::is_array) {
        return invalid("messages: Field required");
    }
    let script = Script::from_request(&state, body);
    if let Some(pause) = &script.delay {
        pause.wait().await;
    }
    if let Some((status, name, message)) = &script.http_error {
        return if name.ends_with("_error") {
            json_response(
                *status,
                &json!({"type": "error", "error": {"type": name, "message": message}}),
            )
        } else {
            aws_error(*status, name, message)
        };
    }
    if body.get("stream").and_then(Value::as_bool) != Some(true) {
        return json_response(200, &script.native_message());
    }
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(write_stream(state, script, Framing::Sse, tx));
    hyper::Response::builder()
        .status(200)
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("x-amzn-requestid", "fake-request-id")
        .body(FakeBody(None, Some(rx)))
        .expect("valid response")
}

/// One Anthropic event as the Messages endpoint sends it.
fn sse_event(event: &Value) -> Bytes {
    let name = event["type"].as_str().unwrap_or("message");
    Bytes::from(format!(
        "event: {name}\ndata: {}\n\n",
        serde_json::to_string(event).expect("json")
    ))
}

/// The Anthropic error type an exception scenario stands for on the Messages endpoint.
fn anthropic_error_type(exception: &str) -> &str {
    match exception.to_ascii_lowercase().as_str() {
        "throttlingexception" | "servicequotaexceededexception" => "rate_limit_error",
        "validationexception" => "invalid_request_error",
        "serviceunavailableexception" | "modelnotreadyexception" => "overloaded_error",
        "modeltimeoutexception" => "timeout_error",
        "accessdeniedexception" => "permission_error",
        _ if exception.ends_with("_error") => exception,
        _ => "api_error",
    }
}

fn sse_error(exception: &str, message: &str) -> Bytes {
    sse_event(&json!({"type": "error", "error": {
        "type": anthropic_error_type(exception), "message": message}}))
}

fn frame(headers: Vec<Header>, payload: Vec<u8>) -> Bytes {
    let mut buf = Vec::new();
    write_message_to(&Message::new_from_parts(headers, payload), &mut buf).expect("frame");
    Bytes::from(buf)
}

fn event_frame(event_type: &str, payload: &Value) -> Bytes {
    frame(
        vec![
            Header::new(
                ":event-type",
                HeaderValue::String(event_type.to_owned().into()),
            ),
            Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            ),
            Header::new(":message-type", HeaderValue::String("event".into())),
        ],
        serde_json::to_vec(payload).expect("json"),
    )
}

fn exception_frame(exception_type: &str, message: &str) -> Bytes {
    frame(
        vec![
            Header::new(
                ":exception-type",
                HeaderValue::String(exception_type.to_owned().into()),
            ),
            Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            ),
            Header::new(":message-type", HeaderValue::String("exception".into())),
        ],
        serde_json::to_vec(&json!({ "message": message })).expect("json"),
    )
}

/// One Anthropic event as an InvokeModelWithResponseStream `chunk`.
fn chunk_frame(event: &Value) -> Bytes {
    event_frame(
        "chunk",
        &json!({"bytes": BASE64.encode(serde_json::to_vec(event).expect("json"))}),
    )
}

/// A Bedrock error as Bedrock documents it, and what the first-party API answers for the same
/// failure: the gateway's contract for it, on every upstream. Statuses and exceptions from the
/// bedrock-runtime API reference and the user guide's "Troubleshooting Amazon Bedrock API Error
/// Codes"; messages as Bedrock sends them (seen in its answers quoted in public issue reports).
pub struct DocumentedError {
    /// The scenario's name for it (`scenario:bedrock-<name>`).
    pub name: &'static str,
    pub exception: &'static str,
    /// Bedrock's HTTP status for it.
    pub status: u16,
    pub message: &'static str,
    /// The first-party `error.type` and status for the same failure.
    pub first_party: &'static str,
    pub first_party_status: u16,
    /// How the client's message must begin: the words clients match on (`{max_tokens}` and
    /// `{model}` stand for the request's). Bedrock's own words may follow.
    pub begins: &'static str,
}

pub const DOCUMENTED_ERRORS: &[DocumentedError] = &[
    DocumentedError {
        name: "context",
        exception: "ValidationException",
        status: 400,
        message: "Input is too long for requested model.",
        first_party: "invalid_request_error",
        first_party_status: 400,
        begins: "prompt is too long: ",
    },
    DocumentedError {
        name: "context_converse",
        exception: "ValidationException",
        status: 400,
        message: "The model returned the following errors: Input is too long for requested model.",
        first_party: "invalid_request_error",
        first_party_status: 400,
        begins: "prompt is too long: ",
    },
    DocumentedError {
        name: "context_counted",
        exception: "ValidationException",
        status: 400,
        message: "The model returned the following errors: prompt is too long: 200049 tokens > 200000 maximum",
        first_party: "invalid_request_error",
        first_party_status: 400,
        begins: "prompt is too long: 200049 tokens > 200000 maximum",
    },
    DocumentedError {
        name: "max_tokens",
        exception: "ValidationException",
        status: 400,
        message: "The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096.",
        first_party: "invalid_request_error",
        first_party_status: 400,
        begins: "max_tokens: {max_tokens} > 4096, which is the maximum allowed number of output tokens for {model}",
    },
    DocumentedError {
        name: "throttling",
        exception: "ThrottlingException",
        status: 429,
        message: "Too many requests, please wait before trying again.",
        first_party: "rate_limit_error",
        first_party_status: 429,
        begins: "Number of requests has exceeded your per-minute rate limit",
    },
    DocumentedError {
        name: "tokens",
        exception: "ThrottlingException",
        status: 429,
        message: "Too many tokens, please wait before trying again.",
        first_party: "rate_limit_error",
        first_party_status: 429,
        begins: "Number of request tokens has exceeded your per-minute rate limit",
    },
    DocumentedError {
        name: "quota",
        exception: "ServiceQuotaExceededException",
        status: 400,
        message: "Your request exceeds the service quota for your account. You can resubmit your request later.",
        first_party: "rate_limit_error",
        first_party_status: 429,
        begins: "Your account has hit a rate limit",
    },
    DocumentedError {
        name: "not_ready",
        exception: "ModelNotReadyException",
        status: 429,
        message: "The model specified in the request is not ready to serve inference requests.",
        first_party: "overloaded_error",
        first_party_status: 529,
        begins: "Overloaded",
    },
    DocumentedError {
        name: "unavailable",
        exception: "ServiceUnavailableException",
        status: 503,
        message: "Bedrock is unable to process your request.",
        first_party: "overloaded_error",
        first_party_status: 529,
        begins: "Overloaded",
    },
    DocumentedError {
        name: "access",
        exception: "AccessDeniedException",
        status: 403,
        message: "You don't have access to the model with the specified model ID.",
        first_party: "permission_error",
        first_party_status: 403,
        begins: "Your API key does not have permission to use the specified resource",
    },
    DocumentedError {
        name: "not_found",
        exception: "ResourceNotFoundException",
        status: 404,
        message: "The specified resource ARN was not found. Check the ARN and try your request again.",
        first_party: "not_found_error",
        first_party_status: 404,
        begins: "model: {model}",
    },
    DocumentedError {
        name: "timeout",
        exception: "ModelTimeoutException",
        status: 408,
        message: "The request took too long to process. Processing time exceeded the model timeout length.",
        first_party: "timeout_error",
        first_party_status: 504,
        begins: "Request timed out",
    },
    DocumentedError {
        name: "model_error",
        exception: "ModelErrorException",
        status: 424,
        message: "The request failed due to an error while processing the model.",
        first_party: "api_error",
        first_party_status: 500,
        begins: "Internal server error",
    },
    DocumentedError {
        name: "internal",
        exception: "InternalServerException",
        status: 500,
        message: "An internal server error occurred. Retry your request.",
        first_party: "api_error",
        first_party_status: 500,
        begins: "Internal server error",
    },
    DocumentedError {
        name: "stream_error",
        exception: "ModelStreamErrorException",
        status: 424,
        message: "An error occurred while streaming the response. Retry your request.",
        first_party: "api_error",
        first_party_status: 500,
        begins: "Internal server error",
    },
];

/// The exceptions each event stream declares as frames (bedrock-runtime's API model):
/// InvokeModelWithResponseStream's `ResponseStream` and ConverseStream's output.
pub const INVOKE_STREAM_EXCEPTIONS: &[&str] = &[
    "InternalServerException",
    "ModelStreamErrorException",
    "ValidationException",
    "ThrottlingException",
    "ModelTimeoutException",
    "ServiceUnavailableException",
];
pub const CONVERSE_STREAM_EXCEPTIONS: &[&str] = &[
    "InternalServerException",
    "ModelStreamErrorException",
    "ValidationException",
    "ThrottlingException",
    "ServiceUnavailableException",
];

fn documented(name: &str) -> &'static DocumentedError {
    DOCUMENTED_ERRORS
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no documented Bedrock error named {name:?}"))
}

/// Exception frames name their exception in lowerCamel (`throttlingException`).
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

enum Part {
    Text(Vec<String>),
    Thinking(Vec<String>, String),
    ToolUse {
        id: String,
        name: String,
        json: Vec<String>,
    },
}

struct Script {
    parts: Vec<Part>,
    stop_reason: &'static str,
    /// Status, exception (or Anthropic error type) and message of an HTTP error.
    http_error: Option<(u16, String, String)>,
    midstream: Option<String>,
    /// Exception and message of a first-frame error.
    early: Option<(String, String)>,
    silence: Option<Pause>,
    silence_first: Option<Pause>,
    endless: bool,
    truncated: bool,
    error_event: bool,
    delay: Option<Pause>,
}

/// The last turn with role `user` (native and Converse bodies have the same outline).
fn last_user_turn(body: &Value) -> Option<&Value> {
    body.get("messages")?
        .as_array()?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
}

/// The text of the last user turn: its string content, or its blocks' `text` fields.
fn last_user_text(body: &Value) -> String {
    match last_user_turn(body).and_then(|m| m.get("content")) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// The word after `token` (e.g. `scenario:`) in `text`, or "".
fn word_after(text: &str, token: &str) -> String {
    let Some(at) = text.find(token) else {
        return String::new();
    };
    text[at + token.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The text of a tool result in the last user turn, if it has one (native or Converse shape).
fn tool_result_text(body: &Value) -> Option<String> {
    for block in last_user_turn(body)?.get("content")?.as_array()? {
        let content = if block.get("type").and_then(Value::as_str) == Some("tool_result") {
            block.get("content")
        } else if let Some(r) = block.get("toolResult") {
            r.get("content")
        } else {
            continue;
        };
        return Some(match content {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect(),
            _ => String::new(),
        });
    }
    None
}

/// The names of the tools the request offers (native or Converse shape).
fn tool_names(body: &Value) -> Vec<&str> {
    let native = body.get("tools").and_then(Value::as_array);
    let converse = body.pointer("/toolConfig/tools").and_then(Value::as_array);
    native
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name"))
        .chain(
            converse
                .into_iter()
                .flatten()
                .filter_map(|t| t.pointer("/toolSpec/name")),
        )
        .filter_map(Value::as_str)
        .collect()
}

impl Script {
    fn from_request(state: &State, body: &Value) -> Self {
        let text = last_user_text(body);
        let mut s = Script {
            parts: vec![Part::Text(vec![
                "Hello".into(),
                " from fake".into(),
                " Bedrock.".into(),
            ])],
            stop_reason: "end_turn",
            http_error: None,
            midstream: None,
            early: None,
            silence: None,
            silence_first: None,
            endless: false,
            truncated: false,
            error_event: false,
            delay: Pause::parse(state, &word_after(&text, "delay:")),
        };
        if let Some(result) = tool_result_text(body) {
            s.parts = vec![Part::Text(vec!["tool result: ".into(), result])];
            return s;
        }
        let name = word_after(&text, "scenario:");
        let (head, arg) = name.split_once('-').unwrap_or((name.as_str(), ""));
        let pause =
            |a: &str| Pause::parse(state, a).or(Some(Pause::For(Duration::from_millis(1000))));
        match head {
            "tool_use" => {
                s.parts = vec![
                    Part::Text(vec!["Let me check.".into()]),
                    Part::ToolUse {
                        id: "toolu_fake_1".into(),
                        name: tool_names(body)
                            .first()
                            .map_or_else(|| "get_weather".into(), |n| (*n).to_owned()),
                        json: vec!["{\"city\": ".into(), "\"Paris\"}".into()],
                    },
                ];
                s.stop_reason = "tool_use";
            }
            "bash_tool" if tool_names(body).contains(&"Bash") => {
                let n = state.bash_calls.fetch_add(1, Ordering::SeqCst) + 1;
                let input = json!({"command": format!("echo tool-ran-{n}"), "description": "print a marker"});
                s.parts = vec![Part::ToolUse {
                    id: format!("toolu_fake_bash_{n}"),
                    name: "Bash".into(),
                    json: vec![input.to_string()],
                }];
                s.stop_reason = "tool_use";
            }
            "thinking" => {
                s.parts = vec![
                    Part::Thinking(
                        vec!["Let me think".into(), " about this.".into()],
                        "c2lnbmF0dXJl".into(),
                    ),
                    Part::Text(vec!["Answer: 4".into()]),
                ];
            }
            "http" => {
                let (status, code) = arg
                    .split_once('-')
                    .unwrap_or(("500", "InternalServerException"));
                s.http_error = Some((
                    status.parse().unwrap_or(500),
                    code.to_owned(),
                    "fake failure requested by the scenario".into(),
                ));
            }
            "midstream" => {
                s.midstream = Some(if arg.is_empty() {
                    "modelStreamErrorException".into()
                } else {
                    arg.into()
                })
            }
            "early" => {
                let name = if arg.is_empty() {
                    "throttlingException".to_owned()
                } else {
                    arg.to_owned()
                };
                s.early = Some((name.clone(), format!("fake {name}")));
            }
            "bedrock" => {
                let e = documented(arg);
                s.http_error = Some((e.status, e.exception.into(), e.message.into()));
            }
            "bedrockframe" => {
                let e = documented(arg);
                s.early = Some((lower_camel(e.exception), e.message.into()));
            }
            "silent" => s.silence = pause(arg),
            "silentfirst" => s.silence_first = pause(arg),
            "big" => {
                let total: usize = arg.parse().unwrap_or(1 << 20);
                let piece = "The quick brown fox jumps over the lazy dog. ".repeat(22); // ~1 KB
                s.parts = vec![Part::Text(vec![piece; total.div_ceil(990)])];
            }
            "endless" => s.endless = true,
            "truncated" => s.truncated = true,
            "overloaded_event" => s.error_event = true,
            _ => {}
        }
        s
    }

    fn native_events(&self) -> Vec<Value> {
        let (input, output, read, write) = USAGE;
        let mut ev = vec![json!({"type": "message_start", "message": {
            "id": "msg_bdrk_fake", "type": "message", "role": "assistant", "model": "claude-upstream-name",
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": input, "cache_creation_input_tokens": write, "cache_read_input_tokens": read, "output_tokens": 1}}})];
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(chunks) => {
                    ev.push(json!({"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}}));
                    for c in chunks {
                        ev.push(json!({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": c}}));
                    }
                }
                Part::Thinking(chunks, sig) => {
                    ev.push(json!({"type": "content_block_start", "index": i, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}));
                    for c in chunks {
                        ev.push(json!({"type": "content_block_delta", "index": i, "delta": {"type": "thinking_delta", "thinking": c}}));
                    }
                    ev.push(json!({"type": "content_block_delta", "index": i, "delta": {"type": "signature_delta", "signature": sig}}));
                }
                Part::ToolUse { id, name, json } => {
                    ev.push(json!({"type": "content_block_start", "index": i, "content_block": {"type": "tool_use", "id": id, "name": name, "input": {}}}));
                    for c in json {
                        ev.push(json!({"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": c}}));
                    }
                }
            }
            ev.push(json!({"type": "content_block_stop", "index": i}));
        }
        ev.push(json!({"type": "message_delta", "delta": {"stop_reason": self.stop_reason, "stop_sequence": null}, "usage": {"output_tokens": output}}));
        ev.push(json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": input, "outputTokenCount": output, "invocationLatency": 100, "firstByteLatency": 50}}));
        ev
    }

    fn converse_events(&self) -> Vec<(&'static str, Value)> {
        let (input, output, read, write) = USAGE;
        let mut ev = vec![("messageStart", json!({"role": "assistant"}))];
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(chunks) => {
                    for c in chunks {
                        ev.push((
                            "contentBlockDelta",
                            json!({"contentBlockIndex": i, "delta": {"text": c}}),
                        ));
                    }
                }
                Part::Thinking(chunks, sig) => {
                    for c in chunks {
                        ev.push(("contentBlockDelta", json!({"contentBlockIndex": i, "delta": {"reasoningContent": {"text": c}}})));
                    }
                    ev.push(("contentBlockDelta", json!({"contentBlockIndex": i, "delta": {"reasoningContent": {"signature": sig}}})));
                }
                Part::ToolUse { id, name, json } => {
                    ev.push(("contentBlockStart", json!({"contentBlockIndex": i, "start": {"toolUse": {"toolUseId": id, "name": name}}})));
                    for c in json {
                        ev.push((
                            "contentBlockDelta",
                            json!({"contentBlockIndex": i, "delta": {"toolUse": {"input": c}}}),
                        ));
                    }
                }
            }
            ev.push(("contentBlockStop", json!({"contentBlockIndex": i})));
        }
        ev.push(("messageStop", json!({"stopReason": self.stop_reason})));
        ev.push((
            "metadata",
            json!({
            "usage": {"inputTokens": input, "outputTokens": output, "totalTokens": input + output,
                      "cacheReadInputTokens": read, "cacheWriteInputTokens": write},
            "metrics": {"latencyMs": 100}}),
        ));
        ev
    }

    fn native_message(&self) -> Value {
        let (input, output, read, write) = USAGE;
        let content: Vec<Value> = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(c) => json!({"type": "text", "text": c.concat()}),
                Part::Thinking(c, sig) => {
                    json!({"type": "thinking", "thinking": c.concat(), "signature": sig})
                }
                Part::ToolUse { id, name, json } => {
                    json!({"type": "tool_use", "id": id, "name": name,
                    "input": serde_json::from_str::<Value>(&json.concat()).unwrap_or_default()})
                }
            })
            .collect();
        json!({"id": "msg_bdrk_fake", "type": "message", "role": "assistant", "model": "claude-upstream-name",
            "content": content, "stop_reason": self.stop_reason, "stop_sequence": null,
            "usage": {"input_tokens": input, "cache_creation_input_tokens": write, "cache_read_input_tokens": read, "output_tokens": output}})
    }

    fn converse_response(&self) -> Value {
        let (input, output, read, write) = USAGE;
        let content: Vec<Value> = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(c) => json!({"text": c.concat()}),
                Part::Thinking(c, sig) => json!({"reasoningContent": {"reasoningText": {"text": c.concat(), "signature": sig}}}),
                Part::ToolUse { id, name, json } => json!({"toolUse": {"toolUseId": id, "name": name,
                    "input": serde_json::from_str::<Value>(&json.concat()).unwrap_or_default()}}),
            })
            .collect();
        json!({"output": {"message": {"role": "assistant", "content": content}}, "stopReason": self.stop_reason,
            "usage": {"inputTokens": input, "outputTokens": output, "totalTokens": input + output,
                      "cacheReadInputTokens": read, "cacheWriteInputTokens": write},
            "metrics": {"latencyMs": 100}})
    }
}

/// How a stream is put on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// InvokeModelWithResponseStream: AWS event-stream `chunk`s of Anthropic events.
    Invoke,
    /// ConverseStream: AWS event-stream Converse events.
    Converse,
    /// The Messages endpoint: Anthropic SSE, with a `ping` after `message_start` as Anthropic sends.
    Sse,
}

/// Writes the scenario's frames; a failed send means the gateway dropped the upstream connection.
async fn write_stream(
    state: Arc<State>,
    script: Script,
    framing: Framing,
    tx: mpsc::Sender<Bytes>,
) {
    let converse = framing == Framing::Converse;
    let anthropic_frame = |event: &Value| match framing {
        Framing::Sse => sse_event(event),
        _ => chunk_frame(event),
    };
    let exception = |name: &str, message: &str| match framing {
        Framing::Sse => sse_error(name, message),
        _ => exception_frame(name, message),
    };
    let cancelled = || {
        state.cancelled_streams.fetch_add(1, Ordering::SeqCst);
    };
    if let Some(pause) = &script.silence_first {
        tokio::select! {
            () = pause.wait() => {}
            () = tx.closed() => return cancelled(),
        }
    }
    if let Some((name, message)) = &script.early {
        let _ = tx.send(exception(name, message)).await;
        return;
    }
    let frames: Vec<Bytes> = if converse {
        script
            .converse_events()
            .iter()
            .map(|(t, v)| event_frame(t, v))
            .collect()
    } else {
        script.native_events().iter().map(anthropic_frame).collect()
    };
    let text_delta = |i: usize| {
        if converse {
            event_frame(
                "contentBlockDelta",
                &json!({"contentBlockIndex": 0, "delta": {"text": format!("tick {i} ")}}),
            )
        } else {
            anthropic_frame(
                &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": format!("tick {i} ")}}),
            )
        }
    };
    for (n, f) in frames.into_iter().enumerate() {
        if script.truncated && n == 3 {
            return;
        }
        if script.error_event && n == 1 {
            let error = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
            let _ = tx.send(anthropic_frame(&error)).await;
            return;
        }
        if let Some(name) = script.midstream.as_ref().filter(|_| n == 2) {
            let _ = tx.send(exception(name, &format!("fake {name}"))).await;
            return;
        }
        if script.endless && n == 2 {
            // Native: message_start, content_block_start sent; Converse: messageStart, first delta.
            for i in 0..3000 {
                if tx.send(text_delta(i)).await.is_err() {
                    return cancelled();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        if tx.send(f).await.is_err() {
            return cancelled();
        }
        if framing == Framing::Sse
            && n == 0
            && tx.send(sse_event(&json!({"type": "ping"}))).await.is_err()
        {
            return cancelled();
        }
        if let Some(pause) = script.silence.as_ref().filter(|_| n == 0) {
            tokio::select! {
                () = pause.wait() => {}
                () = tx.closed() => return cancelled(),
            }
        }
    }
}
