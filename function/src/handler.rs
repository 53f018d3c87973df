//! The one request handler both the Lambda runtime and the local server call.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_bedrockruntime::config::StalledStreamProtectionConfig;
use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::primitives::event_stream::EventReceiver;
use aws_sdk_bedrockruntime::types::error::{ConverseStreamOutputError, ResponseStreamError};
use aws_sdk_bedrockruntime::types::{
    ConverseOutput, ConverseStreamOutput, ConverseTokensRequest, CountTokensInput,
    InvokeModelTokensRequest, ResponseStream,
};
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::anthropic::{self, StreamRewriter};
use crate::auth::{KeyStore, Principal};
use crate::body::{Body, BodySender};
use crate::config::{MAX_BODY_BYTES, Settings};
use crate::converse::{self, StreamTranslator};
use crate::error::{ApiError, Asked, ErrorKind, should_retry};
use crate::limits::{self, Admission, Limits, Ticket, pricing};
use crate::messages_api::{self, Forward, MessagesApi, SseReader, Timeouts};
use crate::models::{Date, Model, Upstream};
use crate::sse::{self, Usage};
use crate::telemetry::{self, CurrentTrace};

/// Streamed chunks buffered between the upstream reader and the client writer.
const STREAM_BUFFER: usize = 32;

pub struct App {
    settings: Settings,
    bedrock: aws_sdk_bedrockruntime::Client,
    messages: Arc<MessagesApi>,
    keys: KeyStore,
    limits: Arc<Limits>,
    trace: CurrentTrace,
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
            limits: Arc::new(Limits::new(settings.limits.clone(), sdk)),
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

/// What the one access-log line (and metrics line) per request says.
#[derive(Clone)]
pub(crate) struct Access {
    request_id: String,
    trace_id: Option<String>,
    method: Method,
    path: String,
    /// Who the request authenticated as; its name is logged, never the key.
    principal: Option<Principal>,
    model: Option<String>,
    stream: bool,
    started: Instant,
    ttfb: Option<Duration>,
    status: u16,
    usage: Usage,
    /// What the request cost (micro-USD), once settled; `None` without a price.
    cost_micro_usd: Option<u64>,
    /// Writes to the limits table that failed for this request.
    limit_write_failures: u32,
    error_type: Option<&'static str>,
    upstream_request_id: Option<String>,
    outcome: &'static str,
    /// A stream whose upstream is silent this long is ended with a timeout error.
    idle_timeout: Duration,
    metrics_namespace: Arc<str>,
}

impl Access {
    pub(crate) fn new(
        settings: &Settings,
        ctx: &RequestContext,
        method: Method,
        path: &str,
    ) -> Self {
        Self {
            request_id: ctx.request_id.clone(),
            trace_id: ctx.trace_id.clone(),
            method,
            path: path.to_owned(),
            principal: None,
            model: None,
            stream: false,
            started: Instant::now(),
            ttfb: None,
            status: 200,
            usage: Usage::default(),
            cost_micro_usd: None,
            limit_write_failures: 0,
            error_type: None,
            upstream_request_id: None,
            outcome: "complete",
            idle_timeout: settings.stream_idle_timeout,
            metrics_namespace: settings.metrics_namespace.clone(),
        }
    }

    fn mark_first_byte(&mut self) {
        self.ttfb.get_or_insert_with(|| self.started.elapsed());
    }

    /// Records an error answered before the request reached the handler (e.g. by the server).
    pub(crate) fn rejected(&mut self, err: &ApiError) {
        self.status = err.status.as_u16();
        self.error_type = Some(err.kind.as_str());
        self.outcome = "error";
        self.mark_first_byte();
    }

    pub(crate) fn emit(&self) {
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        let duration = self.started.elapsed();
        let key = self.principal.as_ref().map(|p| &*p.name);
        let group = self
            .principal
            .as_ref()
            .and_then(|p| p.group.as_ref())
            .map(|g| &*g.name);
        let cache_creation = self.usage.cache_creation.unwrap_or_default();
        tracing::info!(
            request_id = %self.request_id,
            trace_id = self.trace_id.as_deref(),
            method = %self.method,
            path = %self.path,
            key,
            group,
            model = self.model.as_deref(),
            stream = self.stream,
            status = self.status,
            ttfb_ms = self.ttfb.map(ms),
            duration_ms = ms(duration),
            input_tokens = self.usage.input_tokens,
            output_tokens = self.usage.output_tokens,
            cache_read_input_tokens = self.usage.cache_read_input_tokens,
            cache_creation_input_tokens = self.usage.cache_creation_input_tokens,
            cache_write_5m_tokens = cache_creation.ephemeral_5m_input_tokens,
            cache_write_1h_tokens = cache_creation.ephemeral_1h_input_tokens,
            cost_micro_usd = self.cost_micro_usd,
            limit_write_failures = self.limit_write_failures,
            error_type = self.error_type,
            upstream_request_id = self.upstream_request_id.as_deref(),
            outcome = self.outcome,
            "request"
        );
        // Probes are not usage; everything else is counted, failures included.
        if !matches!(self.path.as_str(), "/health" | "/api/hello") {
            telemetry::emit_metrics(&telemetry::RequestMetrics {
                namespace: &self.metrics_namespace,
                request_id: &self.request_id,
                key,
                group,
                model: self.model.as_deref(),
                usage: &self.usage,
                cost_micro_usd: self.cost_micro_usd,
                limit_write_failures: self.limit_write_failures,
                ttfb_ms: self.ttfb.map(ms),
                duration_ms: ms(duration),
                error_type: self.error_type,
            });
        }
    }
}

fn base_response(
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

fn json_response(status: StatusCode, request_id: &str, body: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
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

/// Entry point: routes, authenticates, answers. Never fails; errors become Anthropic error bodies.
///
/// The body is `Err` when the transport could not read it (e.g. it exceeded the size limit).
pub async fn handle(
    app: Arc<App>,
    req: Request<Result<Bytes, ApiError>>,
    ctx: RequestContext,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let mut access = Access::new(&app.settings, &ctx, parts.method.clone(), parts.uri.path());
    let result = route(&app, &parts, body, &ctx, &mut access).await;
    let response = match result {
        Ok(Reply::Json(status, value)) => json_response(status, &ctx.request_id, &value),
        Ok(Reply::Raw(bytes)) => base_response(StatusCode::OK, &ctx.request_id, "application/json")
            .body(Body::full(bytes))
            .unwrap_or_else(|_| Response::new(Body::full(Bytes::new()))),
        Ok(Reply::Stream(response)) => return response, // the stream task writes the log line
        Err(err) => {
            access.error_type = Some(err.kind.as_str());
            access.outcome = "error";
            error_response(&ctx.request_id, &err)
        }
    };
    access.status = response.status().as_u16();
    access.mark_first_byte();
    access.emit();
    response
}

enum Reply {
    Json(StatusCode, Value),
    /// A 200 JSON body that is already serialized.
    Raw(Bytes),
    Stream(Response<Body>),
}

async fn route(
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
    match (method, path) {
        // Claude Code (`HEAD /` at start-up) and load balancers probe; the server drops the body
        // of a HEAD answer.
        (&Method::GET | &Method::HEAD, "/" | "/health" | "/api/hello") => {
            return Ok(Reply::Json(StatusCode::OK, json!({"status": "ok"})));
        }
        (
            _,
            "/"
            | "/health"
            | "/api/hello"
            | "/v1/messages"
            | "/v1/messages/count_tokens"
            | "/v1/models",
        ) => {}
        (_, p) if p.starts_with("/v1/models/") => {}
        _ => {
            return Err(ApiError::new(
                ErrorKind::NotFound,
                format!("Not found: {method} {path}"),
            ));
        }
    }
    access.principal = Some(app.keys.verify(&parts.headers).await?);
    match (method, path) {
        (&Method::GET, "/v1/models") => Ok(Reply::Json(
            StatusCode::OK,
            app.settings.models.list(parts.uri.query(), &Date::today()),
        )),
        (&Method::GET, p) if p.starts_with("/v1/models/") => {
            let id = &p["/v1/models/".len()..];
            let model = app
                .settings
                .models
                .find(id)
                .ok_or_else(|| unknown_model(app, id))?;
            Ok(Reply::Json(StatusCode::OK, model.info(&Date::today())))
        }
        (&Method::POST, "/v1/messages") => {
            let body_len = body.as_ref().map_or(0, Bytes::len);
            let request = parse_body(body)?;
            Box::pin(messages(app, parts, request, body_len, ctx, access)).await
        }
        (&Method::POST, "/v1/messages/count_tokens") => {
            let request = parse_body(body)?;
            count_tokens(app, &parts.headers, request, ctx, access).await
        }
        _ => Err(
            ApiError::invalid(format!("{method} is not allowed on {path}"))
                .with_status(StatusCode::METHOD_NOT_ALLOWED),
        ),
    }
}

fn unknown_model(app: &App, name: &str) -> ApiError {
    let models = &app.settings.models;
    ApiError::new(
        ErrorKind::NotFound,
        format!(
            "model: {name} not found; the closest models here are {} (GET /v1/models lists all {})",
            models.closest(name).join(", "),
            models.models.len()
        ),
    )
}

/// Checks only what the gateway itself needs: a JSON object (within the size limit) with a
/// `model` string to route by and, if present, a boolean `stream` to pick the upstream call.
/// Everything else is Bedrock's to judge, so its verdict reaches the client unchanged.
fn parse_body(body: Result<Bytes, ApiError>) -> Result<Map<String, Value>, ApiError> {
    let body = body?;
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    let value: Value = serde_json::from_slice(&body)
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

fn resolve<'a>(
    app: &'a App,
    request: &Map<String, Value>,
    access: &mut Access,
) -> Result<&'a Model, ApiError> {
    let name = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let model = app
        .settings
        .models
        .find(name)
        .ok_or_else(|| unknown_model(app, name))?;
    access.model = Some(model.id.clone());
    if let Some(principal) = &access.principal {
        principal.may_use(model, &app.settings.models)?;
    }
    Ok(model)
}

/// Runs an upstream call, giving up with a timeout error at the deadline.
/// A non-streaming SDK call: its answer comes whole once the model is done, so the first-byte
/// timeout bounds all of it (the SDK's read timeout stops at the response head).
async fn whole_answer<T>(
    app: &App,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    tokio::time::timeout(app.settings.bedrock_first_byte_timeout, call)
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::new(
                ErrorKind::Timeout,
                "upstream request timed out",
            ))
        })
}

async fn before_deadline<T>(
    deadline: Option<Instant>,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    match deadline {
        None => call.await,
        Some(d) => tokio::time::timeout_at(d.into(), call)
            .await
            .unwrap_or_else(|_| Err(deadline_error())),
    }
}

fn idle_error(idle: Duration) -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        format!("the upstream sent nothing for {} ms", idle.as_millis()),
    )
}

fn deadline_error() -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        "the gateway reached its time limit before the model finished",
    )
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

/// The limits' verdict on a request, computed beside its upstream call.
type Admit = Pin<Box<dyn Future<Output = Result<Ticket, ApiError>> + Send>>;

/// Admits the request against its key's and group's limits (see `limits`).
fn admission(
    app: &App,
    model: &Model,
    request: &Map<String, Value>,
    body_len: usize,
    ctx: &RequestContext,
    access: &Access,
) -> Admit {
    let limits = app.limits.clone();
    let principal = access.principal.clone();
    let (model_id, price) = (model.id.clone(), model.price);
    let input_bound = pricing::input_bound(body_len, model.max_input_tokens);
    let max_output = request
        .get("max_tokens")
        .and_then(Value::as_u64)
        .or(model.max_tokens)
        .unwrap_or(limits::UNKNOWN_MAX_OUTPUT);
    let asked_1h_cache = limits::asks_1h_cache(request);
    let request_id = ctx.request_id.clone();
    Box::pin(async move {
        let principal = principal.ok_or_else(|| ApiError::internal("unauthenticated request"))?;
        limits
            .admit(Admission {
                principal: &principal,
                model: &model_id,
                price,
                input_bound,
                max_output,
                asked_1h_cache,
                request_id: &request_id,
            })
            .await
    })
}

/// Runs the upstream call while the limits admit the request, so a limit costs no time to
/// first byte beyond its own round trip. A refusal drops the call at once; a failed call waits
/// for the admission and settles it at zero cost (its minute-window count stays).
async fn alongside<T>(
    admit: Admit,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<(Ticket, T), ApiError> {
    let mut admit = admit;
    // On the heap: upstream calls are large futures, and this one runs inside the handler's.
    let mut call = Box::pin(call);
    let mut done: Option<Result<T, ApiError>> = None;
    let ticket = loop {
        tokio::select! {
            admitted = &mut admit => break admitted?,
            result = &mut call, if done.is_none() => done = Some(result),
        }
    };
    let result = match done {
        Some(result) => result,
        None => call.await,
    };
    match result {
        Ok(value) => Ok((ticket, value)),
        Err(e) => {
            ticket.settle(&Usage::default()).await;
            Err(e)
        }
    }
}

/// Records a finished request's cost in the limits table and on its log line.
async fn settle(ticket: Ticket, usage: &Usage, access: &mut Access) {
    let settled = ticket.settle(usage).await;
    access.cost_micro_usd = settled.cost_micro_usd;
    access.limit_write_failures += u32::from(settled.write_failed);
}

async fn messages(
    app: &App,
    parts: &http::request::Parts,
    request: Map<String, Value>,
    body_len: usize,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let model = resolve(app, &request, access)?;
    let admit = admission(app, model, &request, body_len, ctx, access);
    let asked = Asked::from_request(&model.id, &request);
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    access.stream = stream;
    let betas = betas(&parts.headers, app.settings.beta_allowlist.as_deref());
    let upstream: Opening = match (model.upstream, stream) {
        (Upstream::Messages, false) => {
            let body = anthropic::messages_body(request, &model.inference_profile);
            let forward = Forward {
                query: parts.uri.query(),
                anthropic_version: parts.headers.get("anthropic-version"),
                betas: &betas,
                trace: app.trace.get(),
            };
            let mut upstream_request_id = None;
            let call = async {
                let response = app.messages.send(&forward, body).await?;
                upstream_request_id = messages_api::request_id(&response);
                if !response.status().is_success() {
                    return Err(messages_api::error(response, &asked).await);
                }
                app.messages.body(response).await
            };
            let answer = alongside(admit, before_deadline(ctx.deadline, call)).await;
            access.upstream_request_id = upstream_request_id;
            let (ticket, bytes) = answer?;
            let (bytes, usage) = anthropic::rewrite_message(&bytes, &model.id)?;
            access.usage = usage;
            settle(ticket, &usage, access).await;
            return Ok(Reply::Raw(bytes));
        }
        (Upstream::Invoke, false) => {
            let body = anthropic::invoke_body(request, &betas);
            let call = async {
                app.bedrock
                    .invoke_model()
                    .model_id(&model.inference_profile)
                    .content_type("application/json")
                    .accept("application/json")
                    .body(Blob::new(body))
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk(&e, &asked))
            };
            let (ticket, out) =
                alongside(admit, before_deadline(ctx.deadline, whole_answer(app, call))).await?;
            access.upstream_request_id = out.request_id().map(str::to_owned);
            let (bytes, usage) = anthropic::rewrite_message(out.body.as_ref(), &model.id)?;
            access.usage = usage;
            settle(ticket, &usage, access).await;
            return Ok(Reply::Raw(bytes));
        }
        (Upstream::Converse, false) => {
            let c = converse::translate_request(&request)?;
            let call = async {
                app.bedrock
                    .converse()
                    .model_id(&model.inference_profile)
                    .set_messages(Some(c.messages))
                    .set_system(Some(c.system).filter(|s| !s.is_empty()))
                    .inference_config(c.inference)
                    .set_tool_config(c.tool_config)
                    .set_request_metadata(c.request_metadata)
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk(&e, &asked))
            };
            let (ticket, out) =
                alongside(admit, before_deadline(ctx.deadline, whole_answer(app, call))).await?;
            access.upstream_request_id = out.request_id().map(str::to_owned);
            let usage = converse::usage(out.usage());
            access.usage = usage;
            settle(ticket, &usage, access).await;
            let content = match out.output() {
                Some(ConverseOutput::Message(m)) => m.content.as_slice(),
                _ => &[],
            };
            let message = converse::translate_response(
                &new_id("msg_"),
                &model.id,
                content,
                out.stop_reason(),
                &usage,
            );
            return Ok(Reply::Json(StatusCode::OK, message));
        }
        (Upstream::Messages, true) => {
            let body = anthropic::messages_body(request, &model.inference_profile);
            let rw = StreamRewriter::new(asked.clone());
            let query = parts.uri.query().map(str::to_owned);
            let version = parts.headers.get("anthropic-version").cloned();
            let api = app.messages.clone();
            let trace = app.trace.get();
            Box::pin(async move {
                let forward = Forward {
                    query: query.as_deref(),
                    anthropic_version: version.as_ref(),
                    betas: &betas,
                    trace,
                };
                let response = api.send(&forward, body).await?;
                let request_id = messages_api::request_id(&response);
                if !response.status().is_success() {
                    return Err(messages_api::error(response, &asked).await);
                }
                Ok(OpenStream {
                    request_id,
                    source: Source::Sse {
                        rx: SseReader::new(response.into_body()),
                        rw,
                    },
                })
            }) as Opening
        }
        (Upstream::Invoke, true) => {
            let body = anthropic::invoke_body(request, &betas);
            let call = app
                .bedrock
                .invoke_model_with_response_stream()
                .model_id(&model.inference_profile)
                .content_type("application/json")
                .accept("application/json")
                .body(Blob::new(body));
            let rw = StreamRewriter::new(asked.clone());
            Box::pin(async move {
                let out = call
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk(&e, &asked))?;
                let request_id = out.request_id().map(str::to_owned);
                Ok(OpenStream {
                    request_id,
                    source: Source::Invoke { rx: out.body, rw },
                })
            }) as Opening
        }
        (Upstream::Converse, true) => {
            let c = converse::translate_request(&request)?;
            let call = app
                .bedrock
                .converse_stream()
                .model_id(&model.inference_profile)
                .set_messages(Some(c.messages))
                .set_system(Some(c.system).filter(|s| !s.is_empty()))
                .inference_config(c.inference)
                .set_tool_config(c.tool_config)
                .set_request_metadata(c.request_metadata);
            let tr = StreamTranslator::new(&new_id("msg_"), &model.id);
            Box::pin(async move {
                let out = call
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk(&e, &asked))?;
                let request_id = out.request_id().map(str::to_owned);
                Ok(OpenStream {
                    request_id,
                    source: Source::Converse {
                        rx: out.stream,
                        tr,
                        asked,
                    },
                })
            })
        }
    };
    start_stream(upstream, admit, app.settings.ping_interval, ctx, access).await
}

async fn count_tokens(
    app: &App,
    headers: &HeaderMap,
    mut request: Map<String, Value>,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let model = resolve(app, &request, access)?;
    let asked = Asked::from_request(&model.id, &request);
    let input = match model.upstream {
        // Bedrock's Messages endpoint has no count_tokens; CountTokens takes an InvokeModel body.
        Upstream::Messages | Upstream::Invoke => {
            // count_tokens takes no max_tokens, but the InvokeModel body CountTokens wraps needs one.
            request.entry("max_tokens").or_insert(Value::from(1));
            let body = anthropic::invoke_body(
                request,
                &betas(headers, app.settings.beta_allowlist.as_deref()),
            );
            let tokens = InvokeModelTokensRequest::builder()
                .body(Blob::new(body))
                .build();
            CountTokensInput::InvokeModel(tokens.map_err(|e| ApiError::internal(e.to_string()))?)
        }
        Upstream::Converse => {
            let c = converse::translate_request(&request)?;
            CountTokensInput::Converse(
                ConverseTokensRequest::builder()
                    .set_messages(Some(c.messages))
                    .set_system(Some(c.system).filter(|s| !s.is_empty()))
                    .set_tool_config(c.tool_config)
                    .build(),
            )
        }
    };
    let call = async {
        app.bedrock
            .count_tokens()
            .model_id(&model.foundation_model)
            .input(input)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk(&e, &asked))
    };
    let out = before_deadline(ctx.deadline, whole_answer(app, call)).await?;
    access.upstream_request_id = out.request_id().map(str::to_owned);
    access.usage.input_tokens = u64::try_from(out.input_tokens).ok();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({"input_tokens": out.input_tokens}),
    ))
}

/// Opens the Bedrock stream. The SDK may wait for the first frame before it returns, so the
/// call itself is part of the silence that pings must cover.
type Opening = Pin<Box<dyn Future<Output = Result<OpenStream, ApiError>> + Send>>;

/// A Bedrock event stream, seen as a source of ready-to-send Anthropic SSE bytes.
struct OpenStream {
    request_id: Option<String>,
    source: Source,
}

enum Source {
    /// The Messages endpoint's SSE.
    Sse { rx: SseReader, rw: StreamRewriter },
    /// InvokeModelWithResponseStream `chunk`s.
    Invoke {
        rx: EventReceiver<ResponseStream, ResponseStreamError>,
        rw: StreamRewriter,
    },
    Converse {
        rx: EventReceiver<ConverseStreamOutput, ConverseStreamOutputError>,
        tr: StreamTranslator,
        asked: Asked,
    },
}

impl OpenStream {
    /// The next SSE bytes; `Ok(None)` once the message is complete. Cancel-safe: the readers
    /// keep partial frames in their own buffers.
    async fn next(&mut self) -> Result<Option<Bytes>, ApiError> {
        let truncated =
            || ApiError::internal("the upstream stream ended before the message was complete");
        match &mut self.source {
            Source::Sse { rx, rw } => match rx.next().await? {
                Some(data) => rw.rewrite(&data).map(Some),
                None if rw.finished || rw.error.is_some() => Ok(None),
                None => Err(truncated()),
            },
            Source::Invoke { rx, rw } => loop {
                match rx.recv().await {
                    Ok(Some(ResponseStream::Chunk(part))) => {
                        if let Some(bytes) = part.bytes {
                            return rw.rewrite(bytes.as_ref()).map(Some);
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) if rw.finished || rw.error.is_some() => return Ok(None),
                    Ok(None) => return Err(truncated()),
                    Err(e) => return Err(ApiError::from_stream(&e, rw.asked())),
                }
            },
            Source::Converse { rx, tr, asked } => {
                let mut out = Vec::new();
                while out.is_empty() {
                    match rx.recv().await {
                        Ok(Some(event)) => tr.on_event(event, &mut out),
                        Ok(None) if tr.finished => return Ok(None),
                        // Converse ends with messageStop then metadata; without them it was cut short.
                        Ok(None) => return Err(truncated()),
                        Err(e) => return Err(ApiError::from_stream(&e, asked)),
                    }
                }
                let mut bytes = BytesMut::new();
                for event in &out {
                    bytes.extend_from_slice(&sse::json_event(event));
                }
                Ok(Some(bytes.freeze()))
            }
        }
    }

    fn usage(&self) -> Usage {
        match &self.source {
            Source::Sse { rw, .. } | Source::Invoke { rw, .. } => rw.usage,
            Source::Converse { tr, .. } => tr.usage,
        }
    }

    /// The Anthropic `error` event the upstream sent, if any.
    fn error_event(&self) -> Option<&ApiError> {
        match &self.source {
            Source::Sse { rw, .. } | Source::Invoke { rw, .. } => rw.error.as_ref(),
            Source::Converse { .. } => None,
        }
    }
}

/// Opens the stream and reads its first event before committing to 200, so an error Bedrock
/// reports up front (HTTP error, an exception or an `error` event as the first frame) gets its
/// proper HTTP status and the client's retry logic. After one ping interval of silence the stream is committed
/// anyway, with a ping, and later errors become `error` events.
async fn start_stream(
    opening: Opening,
    admit: Admit,
    ping: Duration,
    ctx: &RequestContext,
    access: &mut Access,
) -> Result<Reply, ApiError> {
    let first = async move {
        let mut upstream = opening.await?;
        let first = upstream.next().await?;
        if let Some(err) = upstream.error_event() {
            return Err(err.clone());
        }
        match first {
            Some(bytes) => Ok((upstream, bytes)),
            None => Err(ApiError::internal("the upstream stream was empty")),
        }
    };
    // The limits decide while the upstream opens; a refusal is answered with its HTTP status
    // unless a ping interval passed first (then it is an `error` event, like any late error).
    let mut first_event: FirstEvent = Box::pin(async move {
        let (ticket, (upstream, bytes)) = alongside(admit, first).await?;
        Ok((upstream, bytes, ticket))
    });
    let start = tokio::select! {
        ready = &mut first_event => {
            let (upstream, bytes, ticket) = ready?;
            Start::Ready(Box::new(upstream), bytes, ticket)
        }
        () = tokio::time::sleep(ping) => Start::Waiting(first_event),
        () = until(ctx.deadline) => return Err(deadline_error()),
    };
    let (tx, body) = Body::channel(STREAM_BUFFER);
    let response = base_response(StatusCode::OK, &ctx.request_id, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(body)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    // The stream task owns the log record from here on; `handle` does not log streams.
    tokio::spawn(pump(start, tx, ping, ctx.deadline, access.clone()));
    Ok(Reply::Stream(response))
}

type FirstEvent =
    Pin<Box<dyn Future<Output = Result<(OpenStream, Bytes, Ticket), ApiError>> + Send>>;

enum Start {
    /// The first event is in hand, and the limits admitted the request.
    Ready(Box<OpenStream>, Bytes, Ticket),
    /// Committed after silence: the upstream is still opening or has not sent its first event.
    Waiting(FirstEvent),
}

/// Sends one chunk; false when the client is gone or the deadline passed while it was slow.
async fn send(tx: &BodySender, bytes: Bytes, deadline: Option<Instant>) -> bool {
    tokio::select! {
        sent = tx.send(bytes) => sent.is_ok(),
        () = until(deadline) => false,
    }
}

fn error_event(err: &ApiError) -> Bytes {
    sse::json_event(&err.event_json())
}

enum Step<T> {
    Next(T),
    Silence,
    Stop,
}

/// One wait of the pump: for `next`, a ping interval of silence, the deadline or the client
/// leaving, whichever comes first. On deadline an `error` event is attempted; `Stop` ends the pump.
async fn wait<T>(
    next: impl Future<Output = T>,
    tx: &BodySender,
    ping: Duration,
    deadline: Option<Instant>,
    access: &mut Access,
) -> Step<T> {
    tokio::select! {
        biased;
        () = tx.closed() => {
            access.outcome = "client_disconnected";
            Step::Stop
        }
        () = until(deadline) => {
            let err = deadline_error();
            access.outcome = "deadline";
            access.error_type = Some(err.kind.as_str());
            // Best effort: the client may be gone or slow, and time is up either way.
            let _ = tx.try_send(error_event(&err));
            Step::Stop
        }
        next = tokio::time::timeout(ping, next) => match next {
            Ok(value) => Step::Next(value),
            Err(_) => Step::Silence,
        },
    }
}

/// Sends `bytes`, recording why not when the client is gone or time ran out while it was slow.
async fn deliver(
    tx: &BodySender,
    bytes: Bytes,
    deadline: Option<Instant>,
    access: &mut Access,
) -> bool {
    let sent = send(tx, bytes, deadline).await;
    if sent {
        access.mark_first_byte();
    } else {
        access.outcome = if tx.is_closed() {
            "client_disconnected"
        } else {
            "deadline"
        };
    }
    sent
}

async fn fail(tx: &BodySender, err: &ApiError, deadline: Option<Instant>, access: &mut Access) {
    access.outcome = "upstream_error";
    access.error_type = Some(err.kind.as_str());
    send(tx, error_event(err), deadline).await;
}

/// Copies the stream to the client, then settles its cost and writes the log line while the
/// body is still open: on Lambda the environment may be frozen right after it ends.
async fn pump(
    start: Start,
    tx: BodySender,
    ping: Duration,
    deadline: Option<Instant>,
    mut access: Access,
) {
    if let Some((ticket, usage)) = relay(start, &tx, ping, deadline, &mut access).await {
        access.usage = usage;
        settle(ticket, &usage, &mut access).await;
    }
    access.emit();
    drop(tx);
}

/// Copies upstream events to the client, with pings during silence, until the message ends, the
/// upstream fails (an `error` event), the deadline nears (an `error` event) or the client leaves;
/// answers the ticket and the usage once the upstream was reached. Returning drops the SDK
/// receiver, which closes the upstream connection; an unsettled ticket releases its holds.
async fn relay(
    start: Start,
    tx: &BodySender,
    ping: Duration,
    deadline: Option<Instant>,
    access: &mut Access,
) -> Option<(Ticket, Usage)> {
    let (mut upstream, first, ticket) = match start {
        Start::Ready(upstream, first, ticket) => (*upstream, first, ticket),
        Start::Waiting(mut first_event) => {
            let mut pending = sse::ping();
            loop {
                if !deliver(tx, pending, deadline, access).await {
                    return None;
                }
                match wait(&mut first_event, tx, ping, deadline, access).await {
                    Step::Next(Ok(ready)) => break ready,
                    Step::Next(Err(err)) => {
                        fail(tx, &err, deadline, access).await;
                        return None;
                    }
                    Step::Silence if access.started.elapsed() >= access.idle_timeout => {
                        fail(tx, &idle_error(access.idle_timeout), deadline, access).await;
                        return None;
                    }
                    Step::Silence => pending = sse::ping(),
                    Step::Stop => return None,
                }
            }
        }
    };
    access.upstream_request_id = upstream.request_id.take();
    let mut pending = first;
    let mut last_upstream = Instant::now();
    loop {
        if !deliver(tx, pending, deadline, access).await {
            break;
        }
        match wait(upstream.next(), tx, ping, deadline, access).await {
            Step::Next(Ok(Some(bytes))) => {
                last_upstream = Instant::now();
                pending = bytes;
            }
            Step::Next(Ok(None)) => {
                if let Some(err) = upstream.error_event() {
                    access.outcome = "upstream_error";
                    access.error_type = Some(err.kind.as_str());
                }
                break;
            }
            Step::Next(Err(err)) => {
                fail(tx, &err, deadline, access).await;
                break;
            }
            Step::Silence if last_upstream.elapsed() >= access.idle_timeout => {
                fail(tx, &idle_error(access.idle_timeout), deadline, access).await;
                break;
            }
            Step::Silence => pending = sse::ping(),
            Step::Stop => break,
        }
    }
    Some((ticket, upstream.usage()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Result<Bytes, ApiError> {
        Ok(Bytes::from(serde_json::to_vec(&v).expect("json")))
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
            let err = parse_body(body(req.clone())).expect_err("invalid");
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
                parse_body(body(req.clone())).map(Value::Object).ok(),
                Some(req)
            );
        }
        let not_json = parse_body(Ok(Bytes::from_static(b"{\"model\":"))).expect_err("bad json");
        assert!(not_json.message.contains("not valid JSON"));
        let array = parse_body(Ok(Bytes::from_static(b"[]"))).expect_err("not an object");
        assert!(array.message.contains("JSON object"));
        let too_big =
            parse_body(Ok(Bytes::from(vec![b' '; MAX_BODY_BYTES + 1]))).expect_err("too big");
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
