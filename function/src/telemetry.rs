//! One JSON object per log line on stdout (Lambda's JSON log format), level from Lambda's
//! logging config.

use tracing_subscriber::EnvFilter;

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
