//! Deadlines: the invocation's (Lambda's deadline minus the margin), the first-byte bound of a
//! whole answer, and the stream's idle bound. Every upstream call is wrapped here.

use std::future::Future;
use std::time::{Duration, Instant};

use super::App;
use crate::error::{ApiError, ErrorKind};

/// A non-streaming SDK call: its answer comes whole once the model is done, so the first-byte
/// timeout bounds all of it (the SDK's read timeout stops at the response head).
pub(crate) async fn whole_answer<T>(
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

/// Runs an upstream call, giving up with a timeout error at the deadline.
pub(crate) async fn before_deadline<T>(
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

/// Resolves at the deadline; never without one.
pub(crate) async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

pub(crate) fn idle_error(idle: Duration) -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        format!("the upstream sent nothing for {} ms", idle.as_millis()),
    )
}

pub(crate) fn deadline_error() -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        "the gateway reached its time limit before the model finished",
    )
}
