//! A model call (`/v1/messages`, `/v1/messages/count_tokens`) as the layers after auth see it,
//! and the list of those layers.
//!
//! A layer is one module with
//! `fn admit(app: &App, call: &Call, admission: &mut Admission) -> Result<(), ApiError>` and one
//! line in [`admit`]. It may refuse the call at once (its error is the response, the upstream is
//! never called), add a [`Check`] that runs beside the upstream opening (its error refuses the
//! call with its HTTP status before anything is committed; the opening is dropped), and ask to
//! hear how the call ended ([`Admission::on_end`]: usage and outcome, also after upstream errors,
//! the client leaving, the deadline and idle timeouts).

use std::future::Future;
use std::pin::Pin;

use http::HeaderValue;
use serde_json::{Map, Value};

use super::access::{Access, EndNote, Ended};
use super::{App, auth, betas, limits, unknown_model};
use crate::auth::Principal;
use crate::error::{ApiError, Asked};
use crate::models::Model;

/// What the client asked the model for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A non-streaming message.
    Whole,
    /// A streamed message.
    Stream,
    /// `count_tokens`: no model output.
    Count,
}

/// A model call once its key is authenticated and its model found.
pub struct Call<'a> {
    /// The authenticated key: `key.name` names it in logs and metrics.
    pub key: &'a Principal,
    /// The model's map entry (`model.id` is the id the client sees).
    pub model: &'a Model,
    /// The model id and the request's `max_tokens` (the output's worst case; `None` when the
    /// request has no whole number there, which Bedrock refuses).
    pub asked: Asked,
    /// The request body's size in bytes (an upper bound of the input before tokenizing).
    pub input_bytes: usize,
    pub answer: Answer,
    parts: &'a http::request::Parts,
    /// `anthropic-beta` flags to forward (filtered by the allowlist).
    pub(crate) betas: Vec<String>,
}

impl<'a> Call<'a> {
    /// Finds the requested model (404 naming the closest ones) and records it in the access log.
    pub(super) fn new(
        app: &'a App,
        parts: &'a http::request::Parts,
        key: &'a Principal,
        request: &Map<String, Value>,
        input_bytes: usize,
        answer: Answer,
        access: &mut Access,
    ) -> Result<Self, ApiError> {
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
        Ok(Self {
            key,
            model,
            asked: Asked::from_request(&model.id, request),
            input_bytes,
            answer,
            parts,
            betas: betas(&parts.headers, app.settings.beta_allowlist.as_deref()),
        })
    }

    /// The request's query string.
    pub(crate) fn query(&self) -> Option<&'a str> {
        self.parts.uri.query()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&'a HeaderValue> {
        self.parts.headers.get(name)
    }
}

/// A layer's check that runs beside the upstream opening; `Err` refuses the call.
pub type Check = Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send>>;

/// What the layers ask of a call they let through.
pub struct Admission<'a> {
    checks: Vec<Check>,
    access: &'a mut Access,
}

impl Admission<'_> {
    /// Runs `check` beside the upstream opening; the call is refused with its error if it fails.
    pub fn check(&mut self, check: impl Future<Output = Result<(), ApiError>> + Send + 'static) {
        self.checks.push(Box::pin(check));
    }

    /// Calls `hook` once when the call has ended, however it ended; the future it returns is
    /// awaited before the log line (and, on a stream, before the body ends), and its
    /// [`EndNote`] goes into the line. It must bound its own waits.
    pub fn on_end<F>(&mut self, hook: impl FnOnce(&Ended<'_>) -> F + Send + 'static)
    where
        F: Future<Output = EndNote> + Send + 'static,
    {
        self.access
            .on_end(Box::new(move |ended| Box::pin(hook(ended))));
    }
}

/// The layers of a model call after auth, in order; each is a module (see the module comment).
pub(super) fn admit(
    app: &App,
    call: &Call<'_>,
    access: &mut Access,
) -> Result<Vec<Check>, ApiError> {
    let mut admission = Admission {
        checks: Vec::new(),
        access,
    };
    auth::admit(app, call, &mut admission)?;
    limits::admit(app, call, &mut admission)?;
    Ok(admission.checks)
}

/// Every check passed, or the first error. The checks take turns (a call has one or two), all of
/// them beside the upstream opening.
pub(super) async fn all(checks: Vec<Check>) -> Result<(), ApiError> {
    for check in checks {
        check.await?;
    }
    Ok(())
}

/// Runs `call` with the checks beside it: the call's result once every check passed; a failed
/// check's error at once (the call is dropped). A call that ends first waits for the checks, so
/// a check is never cut off halfway (a limits write whose outcome would be unknown).
pub(super) async fn beside<T>(
    checks: Vec<Check>,
    call: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    if checks.is_empty() {
        return call.await;
    }
    let mut checked = std::pin::pin!(all(checks));
    let mut call = std::pin::pin!(call);
    let mut answer = None;
    loop {
        tokio::select! {
            passed = &mut checked => break passed?,
            done = &mut call, if answer.is_none() => answer = Some(done),
        }
    }
    match answer {
        Some(answer) => answer,
        None => call.await,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_call_that_fails_first_still_waits_for_its_checks() {
        // A check cut off halfway could leave a write whose outcome nobody knows (a limits
        // reservation); the call's failure lets it finish, then answers with the call's error.
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let finished = Arc::new(AtomicBool::new(false));
        let seen = finished.clone();
        let check: Check = Box::pin(async move {
            let _ = released.await;
            seen.store(true, Ordering::SeqCst);
            Ok(())
        });
        let call = async move {
            let _ = release.send(());
            Err::<(), _>(ApiError::internal("upstream failed"))
        };
        let answer = beside(vec![check], call).await;
        assert!(finished.load(Ordering::SeqCst), "the check ran to its end");
        assert_eq!(
            answer.err().map(|e| e.message),
            Some("upstream failed".to_owned())
        );
    }

    #[tokio::test]
    async fn a_failed_check_answers_at_once_without_the_call() {
        let check: Check = Box::pin(async { Err(ApiError::invalid("over the limit")) });
        let answer = beside(vec![check], std::future::pending::<Result<(), ApiError>>()).await;
        assert_eq!(
            answer.err().map(|e| e.message),
            Some("over the limit".to_owned())
        );
    }
}
