//! The one request handler both the Lambda runtime and the local server call: layers, each in
//! its own module, around one route table ([`route`]).
//!
//! - `access.rs` — the access log: one record per request, written when it ends (also for
//!   streams, by the stream task), and the layers' end-of-request hooks.
//! - `auth.rs` — the API key, then whether the key may use the model.
//! - `deadline.rs` — the invocation deadline and the upstream time bounds around every call.
//! - `call.rs` — a model call as the layers after auth see it ([`Call`]), and the list of those
//!   layers ([`call::admit`]): each may refuse the call, run a check beside the upstream opening
//!   and hear how the call ended.
//! - `stream.rs` — committing a stream, pings, idle and deadline handling, the client leaving.
//! - `reply.rs` — JSON and Anthropic-error responses.
//!
//! The upstream a model is served by is a unit of `crate::upstream`.

mod access;
mod auth;
mod call;
mod deadline;
mod limits;
mod reply;
mod stream;

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use aws_config::SdkConfig;
use aws_sdk_bedrockruntime::config::StalledStreamProtectionConfig;
use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
use aws_sdk_bedrockruntime::operation::RequestId;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

pub(crate) use access::Access;
pub use access::{EndNote, EndTask, Ended, OnEnd};
pub use call::{Admission, Answer, Call, Check};
pub(crate) use deadline::whole_answer;
pub(crate) use reply::error_response;

use crate::auth::{KeyStore, Principal};
use crate::body::Body;
use crate::config::{MAX_BODY_BYTES, Settings};
use crate::error::{ApiError, ErrorKind};
use crate::messages_api::{MessagesApi, Timeouts};
use crate::models::{self, Date};
use crate::telemetry::CurrentTrace;
use crate::upstream;
use deadline::before_deadline;
use reply::{json_response, raw_response};
use stream::Pump;
pub(crate) use stream::{Started, Streaming};

pub struct App {
    pub(crate) settings: Settings,
    pub(crate) bedrock: aws_sdk_bedrockruntime::Client,
    pub(crate) messages: Arc<MessagesApi>,
    pub(crate) keys: KeyStore,
    pub(crate) limits: Arc<crate::limits::Limits>,
    pub(crate) trace: CurrentTrace,
}

impl App {
    /// Builds the SDK clients once (cold start); the secret itself is fetched on first use.
    pub fn new(settings: Settings, sdk: &SdkConfig) -> Self {
        // Bounded: the connect timeout covers TCP and TLS; the read timeout is the wait for the
        // first byte of Bedrock's response (for a stream, its headers).
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(settings.bedrock_connect_timeout)
            .read_timeout(settings.bedrock_first_byte_timeout)
            .build();
        let trace = CurrentTrace::default();
        // No SDK retries on Bedrock: Anthropic clients retry 429/5xx themselves, and retrying here
        // too multiplies attempts and burns the Lambda time budget.
        // Nor the SDK's stalled-stream protection: it cut a body that paused for its 5 s grace
        // period into a 502, while a model may think silently for longer; the gateway bounds
        // streams by STREAM_IDLE_TIMEOUT_MS and whole answers by the first-byte timeout itself.
        let bedrock = aws_sdk_bedrockruntime::config::Builder::from(sdk)
            .retry_config(RetryConfig::disabled())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .timeout_config(timeouts)
            .interceptor(trace.clone())
            .build();
        // Secrets Manager reads are bounded by the key store's own timeout.
        let keys = KeyStore::new(
            aws_sdk_secretsmanager::Client::new(sdk),
            settings.secret_id.clone(),
            settings.secret_ttl,
            settings.secret_timeout,
        );
        Self {
            bedrock: aws_sdk_bedrockruntime::Client::from_conf(bedrock),
            messages: Arc::new(MessagesApi::new(
                sdk,
                Timeouts {
                    connect: settings.bedrock_connect_timeout,
                    first_byte: settings.bedrock_first_byte_timeout,
                },
            )),
            keys,
            limits: Arc::new(crate::limits::Limits::new(settings.limits.clone(), sdk)),
            settings,
            trace,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The X-Ray trace of the invocation in progress (Lambda runs one at a time); Bedrock calls
    /// carry it, as the SDK does with `_X_AMZN_TRACE_ID`.
    pub fn trace(&self) -> &CurrentTrace {
        &self.trace
    }
}

/// Per-invocation facts that differ between Lambda and the local server.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    /// When the response must be finished (Lambda deadline minus the margin).
    pub deadline: Option<Instant>,
    /// The X-Ray trace header of the invocation (`Lambda-Runtime-Trace-Id`), for the log.
    pub trace_id: Option<String>,
}

impl RequestContext {
    pub fn local() -> Self {
        Self {
            request_id: new_id("req_"),
            deadline: None,
            trace_id: None,
        }
    }
}

/// A fresh id such as `req_0f3c…`; unique per process, not a secret.
pub fn new_id(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    h.write_u128(nanos.as_nanos());
    let a = h.finish();
    h.write_u64(a);
    format!("{prefix}{a:016x}{:08x}", h.finish() as u32)
}

/// Entry point: the access log around auth and the route table. Never fails; errors become
/// Anthropic error bodies.
///
/// The body is `Err` when the transport could not read it (e.g. it exceeded the size limit).
pub async fn handle(
    app: Arc<App>,
    req: Request<Result<Bytes, ApiError>>,
    ctx: RequestContext,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let mut access = Access::new(&app.settings, &ctx, parts.method.clone(), parts.uri.path());
    let response = match answer(&app, &parts, body, &ctx, &mut access).await {
        Ok(Reply::Json(value)) => json_response(StatusCode::OK, &ctx.request_id, &value),
        Ok(Reply::Raw(bytes)) => raw_response(StatusCode::OK, &ctx.request_id, bytes),
        Ok(Reply::Stream(response, pump)) => {
            // The stream task owns the log record from here on.
            tokio::spawn(pump.run(access));
            return response;
        }
        Err(err) => {
            access.rejected(&err);
            error_response(&ctx.request_id, &err)
        }
    };
    access.status = response.status().as_u16();
    access.mark_first_byte();
    access.emit().await;
    response
}

enum Reply {
    /// A 200 JSON body.
    Json(Value),
    /// A 200 JSON body that is already serialized.
    Raw(Bytes),
    Stream(Response<Body>, Pump),
}

/// What a request asks for, by [`route`].
enum Route<'a> {
    /// Claude Code (`HEAD /` at start-up) and load balancers probe; no key needed. The server
    /// drops the body of a HEAD answer.
    Probe,
    /// A path the gateway does not serve: 404, no key needed.
    NotFound,
    /// A path the gateway serves, with another method: 405, once the key is checked.
    NotAllowed,
    /// Everything else needs a key.
    Keyed(Endpoint<'a>),
}

enum Endpoint<'a> {
    Messages,
    CountTokens,
    Models,
    Model(&'a str),
}

/// The route table: every path the gateway answers and what each method does there.
fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    const MODEL: &str = "/v1/models/";
    match (method, path) {
        (&Method::GET | &Method::HEAD, "/" | "/health" | "/api/hello") => Route::Probe,
        (&Method::POST, "/v1/messages") => Route::Keyed(Endpoint::Messages),
        (&Method::POST, "/v1/messages/count_tokens") => Route::Keyed(Endpoint::CountTokens),
        (&Method::GET, "/v1/models") => Route::Keyed(Endpoint::Models),
        (&Method::GET, p) if p.starts_with(MODEL) => {
            Route::Keyed(Endpoint::Model(&p[MODEL.len()..]))
        }
        (
            _,
            "/"
            | "/health"
            | "/api/hello"
            | "/v1/messages"
            | "/v1/messages/count_tokens"
            | "/v1/models",
        ) => Route::NotAllowed,
        (_, p) if p.starts_with(MODEL) => Route::NotAllowed,
        _ => Route::NotFound,
    }
}

async fn answer(
    app: &App,
    parts: &http::request::Parts,
    body: Result<Bytes, ApiError>,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let path = parts.uri.path();
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let method = &parts.method;
    let endpoint = match route(method, path) {
        Route::Probe => return Ok(Reply::Json(json!({"status": "ok"}))),
        Route::NotFound => {
            return Err(ApiError::new(
                ErrorKind::NotFound,
                format!("Not found: {method} {path}"),
            ));
        }
        Route::NotAllowed => {
            auth::authenticate(app, &parts.headers, access).await?;
            return Err(
                ApiError::invalid(format!("{method} is not allowed on {path}"))
                    .with_status(StatusCode::METHOD_NOT_ALLOWED),
            );
        }
        Route::Keyed(endpoint) => endpoint,
    };
    let key = auth::authenticate(app, &parts.headers, access).await?;
    match endpoint {
        Endpoint::Models => Ok(Reply::Json(
            app.settings.models.list(parts.uri.query(), &Date::today()),
        )),
        Endpoint::Model(id) => {
            let model = app
                .settings
                .models
                .find(id)
                .ok_or_else(|| unknown_model(app, id))?;
            Ok(Reply::Json(models::info(model, &Date::today())))
        }
        Endpoint::Messages => {
            let body = body?;
            let request = parse_body(&body)?;
            messages(app, parts, &key, request, body.len(), ctx, access).await
        }
        Endpoint::CountTokens => {
            let body = body?;
            let request = parse_body(&body)?;
            count_tokens(app, parts, &key, request, body.len(), ctx, access).await
        }
    }
}

async fn messages(
    app: &App,
    parts: &http::request::Parts,
    key: &Principal,
    request: Map<String, Value>,
    input_bytes: usize,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let answer = if stream {
        Answer::Stream
    } else {
        Answer::Whole
    };
    let call = Call::new(app, parts, key, &request, input_bytes, answer, access)?;
    let checks = call::admit(app, &call, access)?;
    access.stream = stream;
    if stream {
        let streaming = stream::Streaming {
            checks,
            ping: app.settings.ping_interval,
            ctx,
        };
        let (response, pump) = upstream::stream(app, &call, request, streaming).await?;
        return Ok(Reply::Stream(response, pump));
    }
    // Boxed (once per call): the SDK's futures are large, and debug builds copy them per level.
    let whole = Box::pin(upstream::complete(
        app,
        &call,
        request,
        &mut access.upstream_request_id,
    ));
    let whole = before_deadline(ctx.deadline, call::beside(checks, whole)).await?;
    access.usage = whole.usage;
    Ok(Reply::Raw(whole.body))
}

async fn count_tokens(
    app: &App,
    parts: &http::request::Parts,
    key: &Principal,
    request: Map<String, Value>,
    input_bytes: usize,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let call = Call::new(
        app,
        parts,
        key,
        &request,
        input_bytes,
        Answer::Count,
        access,
    )?;
    let checks = call::admit(app, &call, access)?;
    let input = upstream::count_input(app, &call, request)?;
    let counted = async {
        app.bedrock
            .count_tokens()
            .model_id(&call.model.foundation_model)
            .input(input)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(&e, &call.asked))
    };
    let out = before_deadline(
        ctx.deadline,
        call::beside(checks, whole_answer(app, counted)),
    )
    .await?;
    access.upstream_request_id = out.request_id().map(str::to_owned);
    access.usage.input_tokens = u64::try_from(out.input_tokens).ok();
    Ok(Reply::Json(json!({"input_tokens": out.input_tokens})))
}

fn unknown_model(app: &App, name: &str) -> ApiError {
    let models = &app.settings.models;
    ApiError::new(
        ErrorKind::NotFound,
        format!(
            "model: {name} not found; the closest models here are {} (GET /v1/models lists all {})",
            models.closest(name).join(", "),
            models.models().len()
        ),
    )
}

/// Checks only what the gateway itself needs: a JSON object (within the size limit) with a
/// `model` string to route by and, if present, a boolean `stream` to pick the upstream call.
/// Everything else is Bedrock's to judge, so its verdict reaches the client unchanged.
fn parse_body(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("request body is not valid JSON: {e}")))?;
    let Value::Object(request) = value else {
        return Err(ApiError::invalid("request body must be a JSON object"));
    };
    match request.get("model") {
        Some(Value::String(m)) if !m.is_empty() => {}
        Some(_) => return Err(ApiError::invalid("model: Input should be a valid string")),
        None => return Err(ApiError::invalid("model: Field required")),
    }
    if request
        .get("stream")
        .is_some_and(|s| !s.is_boolean() && !s.is_null())
    {
        return Err(ApiError::invalid("stream: Input should be a valid boolean"));
    }
    Ok(request)
}

pub fn too_large() -> ApiError {
    ApiError::new(
        ErrorKind::RequestTooLarge,
        format!("request body exceeds {} bytes", MAX_BODY_BYTES),
    )
}

/// `anthropic-beta` header values (comma-separated, possibly repeated), filtered by the allowlist.
fn betas(headers: &HeaderMap, allow: Option<&[String]>) -> Vec<String> {
    headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .filter(|b| allow.is_none_or(|allow| allow.iter().any(|a| a == b)))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn body(v: Value) -> Bytes {
        Bytes::from(serde_json::to_vec(&v).expect("json"))
    }

    #[test]
    fn only_what_routing_needs_is_checked() {
        let cases = [
            (json!({"messages": []}), "model: Field required"),
            (json!({"model": 5}), "model: Input should be a valid string"),
            (
                json!({"model": ""}),
                "model: Input should be a valid string",
            ),
            (json!({"model": "m", "stream": "yes"}), "stream"),
        ];
        for (req, expected) in cases {
            let err = parse_body(&body(req.clone())).expect_err("invalid");
            assert_eq!(err.kind, ErrorKind::InvalidRequest);
            assert!(err.message.contains(expected), "{req}: {}", err.message);
        }
        // Bedrock judges the rest: no messages, no max_tokens, odd roles and content all pass.
        for req in [
            json!({"model": "m"}),
            json!({"model": "m", "messages": {}, "max_tokens": "9", "stream": null}),
            json!({"model": "m", "messages": [{"role": 7}], "context_management": {"edits": []}}),
        ] {
            assert_eq!(
                parse_body(&body(req.clone())).map(Value::Object).ok(),
                Some(req)
            );
        }
        let not_json = parse_body(&Bytes::from_static(b"{\"model\":")).expect_err("bad json");
        assert!(not_json.message.contains("not valid JSON"));
        let array = parse_body(&Bytes::from_static(b"[]")).expect_err("not an object");
        assert!(array.message.contains("JSON object"));
        let too_big =
            parse_body(&Bytes::from(vec![b' '; MAX_BODY_BYTES + 1])).expect_err("too big");
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn beta_headers_are_split_and_filtered() {
        let mut h = HeaderMap::new();
        h.append("anthropic-beta", HeaderValue::from_static("a-1, b-2"));
        h.append("anthropic-beta", HeaderValue::from_static("c-3"));
        assert_eq!(betas(&h, None), ["a-1", "b-2", "c-3"]);
        assert_eq!(betas(&h, Some(&["c-3".to_owned()])), ["c-3"]);
    }

    #[test]
    fn ids_are_unique_and_prefixed() {
        let a = new_id("req_");
        assert!(a.starts_with("req_") && a.len() == 28, "{a}");
        assert_ne!(a, new_id("req_"));
    }
}
