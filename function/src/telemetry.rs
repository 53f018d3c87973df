//! One JSON object per log line on stdout (Lambda's JSON log format), level from Lambda's
//! logging config; per-request CloudWatch metrics (Embedded Metric Format); the X-Ray trace.

use std::io::Write as _;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_bedrockruntime::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_bedrockruntime::config::{ConfigBag, Intercept, RuntimeComponents};
use http::HeaderValue;
use serde_json::{Value, json};
use tracing_subscriber::EnvFilter;

use crate::sse::Usage;

/// `AWS_LAMBDA_LOG_LEVEL` (set by the function's LoggingConfig) or `RUST_LOG`; INFO by default.
/// Dependencies only log warnings and errors unless `RUST_LOG` says otherwise.
pub fn init() {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.is_empty() => EnvFilter::new(directives),
        _ => {
            let level = match std::env::var("AWS_LAMBDA_LOG_LEVEL")
                .unwrap_or_default()
                .to_ascii_lowercase()
                .as_str()
            {
                "trace" => "trace",
                "debug" => "debug",
                "warn" => "warn",
                "error" | "fatal" => "error",
                _ => "info",
            };
            EnvFilter::new(format!("warn,function={level},bootstrap={level}"))
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stdout);
    let text = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("text"));
    let result = if text {
        builder.with_ansi(false).try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init()
    };
    if let Err(e) = result {
        eprintln!("logging already initialised: {e}");
    }
}

/// The X-Ray trace header of the invocation in progress, added to every Bedrock call as
/// `X-Amzn-Trace-Id` — what the SDK does with `_X_AMZN_TRACE_ID`, which a runtime written in
/// safe Rust cannot set (`std::env::set_var` is `unsafe`).
#[derive(Debug, Clone, Default)]
pub struct CurrentTrace(Arc<RwLock<Option<HeaderValue>>>);

impl CurrentTrace {
    pub fn set(&self, trace: Option<&str>) {
        let value = trace.and_then(|t| HeaderValue::from_str(t).ok());
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = value;
    }

    pub fn get(&self) -> Option<HeaderValue> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Intercept for CurrentTrace {
    fn name(&self) -> &'static str {
        "CurrentTrace"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if let Some(trace) = self.get() {
            let headers = context.request_mut().headers_mut();
            if !headers.contains_key(TRACE_HEADER) {
                headers.insert(TRACE_HEADER, trace);
            }
        }
        Ok(())
    }
}

const TRACE_HEADER: &str = "x-amzn-trace-id";

/// What one request's metrics line reports.
pub struct RequestMetrics<'a> {
    pub namespace: &'a str,
    pub request_id: &'a str,
    /// The key's name; `None` when the request did not authenticate.
    pub key: Option<&'a str>,
    /// The key's group, if it is in one.
    pub group: Option<&'a str>,
    pub model: Option<&'a str>,
    pub usage: &'a Usage,
    /// What the request cost in micro-USD, when the model has a price.
    pub cost_micro_usd: Option<u64>,
    /// Writes to the limits table that failed or timed out for this request.
    pub limit_write_failures: u32,
    pub ttfb_ms: Option<f64>,
    pub duration_ms: f64,
    pub error_type: Option<&'static str>,
}

/// One CloudWatch Embedded Metric Format object: token counts, time to first byte and duration by
/// key and model (and by model), the cost by key, group and model, `Errors` by error type, and
/// `LimitWriteFailures` (no dimensions, for one alarm). Names and counts only: no prompt or
/// completion text can reach it.
pub fn metrics_line(m: &RequestMetrics<'_>) -> Value {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let count = |v: Option<u64>| v.unwrap_or(0);
    let mut metrics = vec![
        json!({"Name": "Requests", "Unit": "Count"}),
        json!({"Name": "InputTokens", "Unit": "Count"}),
        json!({"Name": "OutputTokens", "Unit": "Count"}),
        json!({"Name": "CacheReadInputTokens", "Unit": "Count"}),
        json!({"Name": "CacheCreationInputTokens", "Unit": "Count"}),
        json!({"Name": "Duration", "Unit": "Milliseconds"}),
    ];
    if m.ttfb_ms.is_some() {
        metrics.push(json!({"Name": "TimeToFirstByte", "Unit": "Milliseconds"}));
    }
    let mut directives = vec![json!({
        "Namespace": m.namespace,
        "Dimensions": [["key", "model"], ["model"]],
        "Metrics": metrics,
    })];
    if m.cost_micro_usd.is_some() {
        directives.push(json!({
            "Namespace": m.namespace,
            "Dimensions": [["key"], ["group"], ["model"]],
            "Metrics": [{"Name": "CostMicroUSD", "Unit": "None"}],
        }));
    }
    if m.limit_write_failures > 0 {
        directives.push(json!({
            "Namespace": m.namespace,
            "Dimensions": [[]],
            "Metrics": [{"Name": "LimitWriteFailures", "Unit": "Count"}],
        }));
    }
    if m.error_type.is_some() {
        directives.push(json!({
            "Namespace": m.namespace,
            "Dimensions": [["error_type"], ["model", "error_type"]],
            "Metrics": [{"Name": "Errors", "Unit": "Count"}],
        }));
    }
    let mut line = json!({
        "_aws": {"Timestamp": timestamp, "CloudWatchMetrics": directives},
        "request_id": m.request_id,
        "key": m.key.unwrap_or(NONE),
        "group": m.group.unwrap_or(NONE),
        "model": m.model.unwrap_or(NONE),
        "Requests": 1,
        "InputTokens": count(m.usage.input_tokens),
        "OutputTokens": count(m.usage.output_tokens),
        "CacheReadInputTokens": count(m.usage.cache_read_input_tokens),
        "CacheCreationInputTokens": count(m.usage.cache_creation_input_tokens),
        "Duration": m.duration_ms,
    });
    if let Some(ttfb) = m.ttfb_ms {
        line["TimeToFirstByte"] = json!(ttfb);
    }
    if let Some(cost) = m.cost_micro_usd {
        line["CostMicroUSD"] = json!(cost);
    }
    if m.limit_write_failures > 0 {
        line["LimitWriteFailures"] = json!(m.limit_write_failures);
    }
    if let Some(error_type) = m.error_type {
        line["error_type"] = json!(error_type);
        line["Errors"] = json!(1);
    }
    line
}

/// The dimension value for a request without a key or a model (e.g. a 401, or `/v1/models`).
const NONE: &str = "-";

/// Writes the metrics line to stdout in one write, where CloudWatch Logs extracts the metrics.
/// A failed write is ignored (`println!` would panic on a closed stdout).
pub fn emit_metrics(m: &RequestMetrics<'_>) {
    let mut line = serde_json::to_vec(&metrics_line(m)).unwrap_or_default();
    line.push(b'\n');
    let _ = std::io::stdout().lock().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_line_is_embedded_metric_format_by_key_and_model() {
        let usage = Usage {
            input_tokens: Some(25),
            output_tokens: Some(12),
            cache_read_input_tokens: Some(5),
            cache_creation_input_tokens: None,
            cache_creation: None,
        };
        let line = metrics_line(&RequestMetrics {
            namespace: "Chatrix/Gateway",
            request_id: "req_1",
            key: Some("alice"),
            group: Some("team"),
            model: Some("claude-x"),
            usage: &usage,
            cost_micro_usd: None,
            limit_write_failures: 0,
            ttfb_ms: Some(3.5),
            duration_ms: 40.0,
            error_type: None,
        });
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(
            directive["Dimensions"],
            json!([["key", "model"], ["model"]])
        );
        // Every metric a directive names is a number in the line.
        for metric in directive["Metrics"].as_array().expect("metrics") {
            let name = metric["Name"].as_str().expect("name");
            assert!(line[name].is_number(), "{name}");
        }
        assert_eq!(
            (
                &line["key"],
                &line["InputTokens"],
                &line["CacheCreationInputTokens"]
            ),
            (&json!("alice"), &json!(25), &json!(0))
        );
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"].as_array().map(Vec::len),
            Some(1)
        );
    }

    #[test]
    fn cost_is_a_metric_by_key_group_and_model_and_failed_limit_writes_one_without_dimensions() {
        let line = metrics_line(&RequestMetrics {
            namespace: "N",
            request_id: "req_3",
            key: Some("alice"),
            group: None,
            model: Some("claude-x"),
            usage: &Usage::default(),
            cost_micro_usd: Some(21_600),
            limit_write_failures: 1,
            ttfb_ms: None,
            duration_ms: 1.0,
            error_type: None,
        });
        let directives = line["_aws"]["CloudWatchMetrics"]
            .as_array()
            .expect("directives");
        let cost = directives
            .iter()
            .find(|d| d["Metrics"][0]["Name"] == "CostMicroUSD")
            .expect("a cost directive");
        assert_eq!(cost["Dimensions"], json!([["key"], ["group"], ["model"]]));
        let failures = directives
            .iter()
            .find(|d| d["Metrics"][0]["Name"] == "LimitWriteFailures")
            .expect("a failure directive");
        assert_eq!(failures["Dimensions"], json!([[]]));
        // Every dimension a directive names is a value in the line.
        for d in directives {
            for set in d["Dimensions"].as_array().expect("sets") {
                for name in set.as_array().expect("names") {
                    assert!(line[name.as_str().expect("name")].is_string(), "{name}");
                }
            }
        }
        assert_eq!(
            (
                &line["CostMicroUSD"],
                &line["LimitWriteFailures"],
                &line["group"]
            ),
            (&json!(21_600), &json!(1), &json!("-"))
        );
    }

    #[test]
    fn failures_count_errors_by_type_and_need_no_key_or_model() {
        let line = metrics_line(&RequestMetrics {
            namespace: "N",
            request_id: "req_2",
            key: None,
            group: None,
            model: None,
            usage: &Usage::default(),
            cost_micro_usd: None,
            limit_write_failures: 0,
            ttfb_ms: None,
            duration_ms: 1.0,
            error_type: Some("authentication_error"),
        });
        let errors = &line["_aws"]["CloudWatchMetrics"][1];
        assert_eq!(
            errors["Metrics"],
            json!([{"Name": "Errors", "Unit": "Count"}])
        );
        assert_eq!(
            (
                &line["error_type"],
                &line["Errors"],
                &line["key"],
                &line["model"]
            ),
            (
                &json!("authentication_error"),
                &json!(1),
                &json!("-"),
                &json!("-")
            )
        );
        assert!(line.get("TimeToFirstByte").is_none());
    }
}
