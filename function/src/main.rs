//! `bootstrap lambda` runs the Lambda runtime; `bootstrap serve` serves HTTP on
//! `$HOST:$PORT` (127.0.0.1:3000). Without an argument: Lambda when `AWS_LAMBDA_RUNTIME_API`
//! is set, else serve.

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
        None if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() => Mode::Lambda,
        None => Mode::Serve,
        Some(_) => {
            eprintln!("usage: bootstrap [lambda|serve]");
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
