//! The access log: one record per request, written once when the request ends (a JSON log line
//! and, except for probes, the EMF metrics line), and the end-of-request hooks of the layers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::Method;

use super::RequestContext;
use crate::auth::Principal;
use crate::config::Settings;
use crate::error::ApiError;
use crate::sse::Usage;
use crate::telemetry;

/// How a request ended, for a layer that asked to hear it ([`Access::on_end`]).
#[derive(Debug)]
pub struct Ended<'a> {
    /// The tokens used, as far as the upstream reported them (all `None` when it never answered).
    pub usage: &'a Usage,
    /// `complete`, `error`, `upstream_error`, `client_disconnected` or `deadline`.
    pub outcome: &'static str,
    pub status: u16,
}

/// What a layer's end hook adds to the request's log line and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndNote {
    /// What the request cost, in micro-USD (the limits layer prices its usage).
    pub cost_micro_usd: Option<u64>,
    /// Writes to the limits table that failed or timed out.
    pub limit_write_failures: u32,
}

/// The work an end hook does once the request has ended, awaited before the log line: on a
/// stream the body is still open then, so Lambda cannot freeze the environment before a write
/// (the cost of a request) is done. Bounded by the layer itself.
pub type EndTask = Pin<Box<dyn Future<Output = EndNote> + Send>>;

/// A layer's end-of-request hook: it hears how the request ended and returns its work.
pub type OnEnd = Box<dyn FnOnce(&Ended<'_>) -> EndTask + Send>;

/// What the one access-log line (and metrics line) per request says.
pub(crate) struct Access {
    request_id: String,
    trace_id: Option<String>,
    method: Method,
    path: String,
    /// Who the request authenticated as; its name is logged, never the key.
    pub(super) principal: Option<Principal>,
    pub(super) model: Option<String>,
    pub(super) stream: bool,
    pub(super) started: Instant,
    ttfb: Option<Duration>,
    pub(super) status: u16,
    pub(super) usage: Usage,
    pub(super) error_type: Option<&'static str>,
    pub(super) upstream_request_id: Option<String>,
    /// What the end hooks reported (cost, failed limit writes).
    note: EndNote,
    pub(super) outcome: &'static str,
    /// A stream whose upstream is silent this long is ended with a timeout error.
    pub(super) idle_timeout: Duration,
    metrics_namespace: Arc<str>,
    on_end: Vec<OnEnd>,
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
            error_type: None,
            upstream_request_id: None,
            note: EndNote::default(),
            outcome: "complete",
            idle_timeout: settings.stream_idle_timeout,
            metrics_namespace: settings.metrics_namespace.clone(),
            on_end: Vec::new(),
        }
    }

    pub(super) fn mark_first_byte(&mut self) {
        self.ttfb.get_or_insert_with(|| self.started.elapsed());
    }

    /// Records an error answered as the response (not as an event of a committed stream).
    pub(crate) fn rejected(&mut self, err: &ApiError) {
        self.status = err.status.as_u16();
        self.error_type = Some(err.kind.as_str());
        self.outcome = "error";
        self.mark_first_byte();
    }

    /// Runs `hook` when this request ends, however it ends (see [`Ended`]).
    pub(super) fn on_end(&mut self, hook: OnEnd) {
        self.on_end.push(hook);
    }

    /// Ends the record: the layers' hooks and their work, then the log line and the metrics
    /// line. Every request ends here exactly once (it takes the record).
    pub(crate) async fn emit(mut self) {
        let ended = Ended {
            usage: &self.usage,
            outcome: self.outcome,
            status: self.status,
        };
        let tasks: Vec<EndTask> = std::mem::take(&mut self.on_end)
            .into_iter()
            .map(|hook| hook(&ended))
            .collect();
        for task in tasks {
            let note = task.await;
            self.note.cost_micro_usd = self.note.cost_micro_usd.or(note.cost_micro_usd);
            self.note.limit_write_failures += note.limit_write_failures;
        }
        self.write();
    }

    fn write(&self) {
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
            cost_micro_usd = self.note.cost_micro_usd,
            limit_write_failures = self.note.limit_write_failures,
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
                cost_micro_usd: self.note.cost_micro_usd,
                limit_write_failures: self.note.limit_write_failures,
                ttfb_ms: self.ttfb.map(ms),
                duration_ms: ms(duration),
                error_type: self.error_type,
            });
        }
    }
}
