//! `bootstrap lambda` runs the Lambda runtime; `bootstrap serve` serves HTTP on
//! `$HOST:$PORT` (127.0.0.1:3000). Without an argument: Lambda when `AWS_LAMBDA_RUNTIME_API`
//! is set, else serve. `bootstrap usage [--month YYYY-MM] [--json]` prints the month's spend
//! per key and group from the limits table (`LIMITS_TABLE`).

use std::process::ExitCode;
use std::sync::Arc;

use function::config::{ConfigError, Settings};
use function::lambda::FunctionError;
use function::{App, lambda, server, telemetry};

enum Mode {
    Lambda,
    Serve,
}

fn main() -> ExitCode {
    let mode = match std::env::args().nth(1).as_deref() {
        Some("lambda") => Mode::Lambda,
        Some("serve") => Mode::Serve,
        Some("usage") => return usage::run(std::env::args().skip(2).collect()),
        None if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() => Mode::Lambda,
        None => Mode::Serve,
        Some(_) => {
            eprintln!("usage: bootstrap [lambda|serve|usage [--month YYYY-MM] [--json]]");
            return ExitCode::from(2);
        }
    };
    telemetry::init();
    // One thread: Lambda runs one invocation at a time, and the gateway is I/O bound.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let settings = match Settings::from_env() {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "invalid configuration");
                if let (Mode::Lambda, Ok(api)) = (&mode, std::env::var("AWS_LAMBDA_RUNTIME_API")) {
                    // Lambda then shows why the function could not start, not just an exit code.
                    let error = FunctionError {
                        error_type: match e {
                            ConfigError::Models(_) => "InvalidModelMap",
                            _ => "InvalidConfiguration",
                        },
                        message: e.to_string(),
                    };
                    if let Err(report) = lambda::report_init_error(&api, &error).await {
                        tracing::error!(error = %report, "could not report the init error");
                    }
                }
                return Err(format!("invalid configuration: {e}"));
            }
        };
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let app = Arc::new(App::new(settings, &sdk));
        match mode {
            Mode::Lambda => {
                let api = std::env::var("AWS_LAMBDA_RUNTIME_API")
                    .map_err(|_| "AWS_LAMBDA_RUNTIME_API is not set".to_owned())?;
                lambda::run(app, &api).await.map_err(|e| e.to_string())
            }
            Mode::Serve => {
                let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
                let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
                let listener = tokio::net::TcpListener::bind(format!("{host}:{port}"))
                    .await
                    .map_err(|e| e.to_string())?;
                let addr = listener.local_addr().map_err(|e| e.to_string())?;
                tracing::info!(address = %addr, "listening");
                Box::pin(server::serve(app, listener))
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped");
            ExitCode::FAILURE
        }
    }
}

/// `bootstrap usage`: month-to-date spend per key and group, read from the limits table with the
/// standard AWS configuration (`AWS_ENDPOINT_URL_DYNAMODB` overrides the endpoint).
mod usage {
    use std::process::ExitCode;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use function::limits::dynamo::Dynamo;
    use function::limits::store::{Month, Store};

    pub fn run(args: Vec<String>) -> ExitCode {
        match main(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bootstrap usage: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn main(args: &[String]) -> Result<(), String> {
        let mut month = None;
        let mut json = false;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--json" => json = true,
                "--month" => month = Some(it.next().ok_or("--month needs YYYY-MM")?.clone()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        let month = match month {
            Some(m) if valid_month(&m) => m,
            Some(m) => return Err(format!("--month {m:?} is not YYYY-MM")),
            None => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                Month::of(now).name
            }
        };
        let table = std::env::var("LIMITS_TABLE")
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or("LIMITS_TABLE is not set (the stack's table is chatrix-<env>-limits)")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let rows = runtime.block_on(async {
            let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let store = Store::new(
                Dynamo::new(&sdk, Duration::from_secs(10)),
                table,
                Duration::ZERO,
            );
            tokio::time::timeout(Duration::from_secs(60), store.usage(&month))
                .await
                .map_err(|_| "the table did not answer within 60 s".to_owned())?
                .map_err(|e| e.to_string())
        })?;
        if json {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "scope": r.kind.as_str(), "name": r.name, "spent_micro_usd": r.spent,
                        "reserved_micro_usd": r.committed - r.spent, "requests": r.requests,
                        "unpriced_requests": r.unpriced, "open_requests": r.open_leases,
                    })
                })
                .collect();
            println!("{}", serde_json::json!({"month": month, "usage": rows}));
            return Ok(());
        }
        println!("spend in {month} (UTC), USD; reserved = held by requests in progress");
        println!(
            "{:<6} {:<24} {:>14} {:>12} {:>9} {:>9}",
            "scope", "name", "spent", "reserved", "requests", "unpriced"
        );
        for r in &rows {
            println!(
                "{:<6} {:<24} {:>14.6} {:>12.6} {:>9} {:>9}",
                r.kind.as_str(),
                r.name,
                r.spent as f64 / 1e6,
                (r.committed - r.spent) as f64 / 1e6,
                r.requests,
                r.unpriced
            );
        }
        Ok(())
    }

    fn valid_month(m: &str) -> bool {
        let b = m.as_bytes();
        b.len() == 7
            && b[4] == b'-'
            && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
            && matches!(m[5..].parse::<u8>(), Ok(1..=12))
    }
}
