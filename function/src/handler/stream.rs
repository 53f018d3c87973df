//! Streaming a model's answer: committing to 200 (after the first event, or a ping interval of
//! silence), then copying events with pings during silence, until the message ends, the upstream
//! fails, the stream idles out, the deadline nears or the client leaves. Generic over the
//! upstream's event source: nothing is boxed per event.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Response, StatusCode, header};

use super::access::Access;
use super::deadline::{deadline_error, idle_error, until};
use super::reply::base_response;
use super::{Check, RequestContext};
use crate::body::{Body, BodySender};
use crate::error::ApiError;
use crate::sse;
use crate::upstream::{EventSource, Open, Opening};

/// Streamed chunks buffered between the upstream reader and the client writer.
const STREAM_BUFFER: usize = 32;

/// A stream ready to be pumped once its response is sent; it owns the request's access record
/// from then on (the log line is written when the stream ends).
pub(crate) struct Pump(Box<dyn FnOnce(Access) -> PumpTask + Send + 'static>);

type PumpTask = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

impl Pump {
    pub(crate) fn run(self, access: Access) -> PumpTask {
        (self.0)(access)
    }
}

/// A committed stream: its response, and the pump that feeds its body.
pub(crate) type Started = (Response<Body>, Pump);

type FirstEvent<S> = Pin<Box<dyn Future<Output = Result<(Open<S>, Bytes), ApiError>> + Send>>;

enum Start<S> {
    /// The first event is in hand.
    Ready(Box<Open<S>>, Bytes),
    /// Committed after silence: the upstream is still opening or has not sent its first event.
    Waiting(FirstEvent<S>),
}

/// Opens the stream and reads its first event before committing to 200, so an error Bedrock
/// reports up front (HTTP error, an exception or an `error` event as the first frame) gets its
/// proper HTTP status and the client's retry logic. The layers' `checks` run beside the opening
/// and must pass before anything is committed; a failed check refuses the request with its
/// status. After one ping interval of silence the stream is committed anyway, with a ping, and
/// later errors become `error` events.
async fn start<S: EventSource>(
    opening: Opening<S>,
    checks: Vec<Check>,
    ping: Duration,
    ctx: &RequestContext,
) -> Result<Started, ApiError> {
    let mut first_event: FirstEvent<S> = Box::pin(async move {
        let mut upstream = opening.await?;
        let first = upstream.source.next().await?;
        if let Some(err) = upstream.source.error_event() {
            return Err(err.clone());
        }
        match first {
            Some(bytes) => Ok((upstream, bytes)),
            None => Err(ApiError::internal("the upstream stream was empty")),
        }
    });
    let mut ready = None;
    if !checks.is_empty() {
        let mut checked = std::pin::pin!(super::call::all(checks));
        loop {
            tokio::select! {
                passed = &mut checked => break passed?,
                first = &mut first_event, if ready.is_none() => ready = Some(first),
                () = until(ctx.deadline) => return Err(deadline_error()),
            }
        }
    }
    let start = match ready {
        Some(first) => {
            let (upstream, bytes) = first?;
            Start::Ready(Box::new(upstream), bytes)
        }
        None => tokio::select! {
            first = &mut first_event => {
                let (upstream, bytes) = first?;
                Start::Ready(Box::new(upstream), bytes)
            }
            () = tokio::time::sleep(ping) => Start::Waiting(first_event),
            () = until(ctx.deadline) => return Err(deadline_error()),
        },
    };
    let (tx, body) = Body::channel(STREAM_BUFFER);
    let response = base_response(StatusCode::OK, &ctx.request_id, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(body)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let deadline = ctx.deadline;
    let pump = Pump(Box::new(move |access| {
        Box::pin(pump(start, tx, ping, deadline, access)) as PumpTask
    }));
    Ok((response, pump))
}

/// Streams whatever upstream the model has (see `upstream::stream`).
pub(crate) struct Streaming<'a> {
    pub checks: Vec<Check>,
    pub ping: Duration,
    pub ctx: &'a RequestContext,
}

impl Streaming<'_> {
    pub(crate) async fn start<S: EventSource>(
        self,
        opening: Opening<S>,
    ) -> Result<Started, ApiError> {
        start(opening, self.checks, self.ping, self.ctx).await
    }
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

/// Copies upstream events to the client, with pings during silence, until the message ends, the
/// upstream fails (an `error` event), the deadline nears (an `error` event) or the client leaves.
/// Ending the task drops the upstream's receiver, which closes its connection.
async fn pump<S: EventSource>(
    start: Start<S>,
    tx: BodySender,
    ping: Duration,
    deadline: Option<Instant>,
    mut access: Access,
) {
    let (mut upstream, first) = match start {
        Start::Ready(upstream, first) => (*upstream, first),
        Start::Waiting(mut first_event) => {
            let mut pending = sse::ping();
            loop {
                if !deliver(&tx, pending, deadline, &mut access).await {
                    return access.emit().await;
                }
                match wait(&mut first_event, &tx, ping, deadline, &mut access).await {
                    Step::Next(Ok(ready)) => break ready,
                    Step::Next(Err(err)) => {
                        fail(&tx, &err, deadline, &mut access).await;
                        return access.emit().await;
                    }
                    Step::Silence if access.started.elapsed() >= access.idle_timeout => {
                        fail(&tx, &idle_error(access.idle_timeout), deadline, &mut access).await;
                        return access.emit().await;
                    }
                    Step::Silence => pending = sse::ping(),
                    Step::Stop => return access.emit().await,
                }
            }
        }
    };
    access.upstream_request_id = upstream.request_id.take();
    let source = &mut upstream.source;
    let mut pending = first;
    let mut last_upstream = Instant::now();
    loop {
        if !deliver(&tx, pending, deadline, &mut access).await {
            break;
        }
        match wait(source.next(), &tx, ping, deadline, &mut access).await {
            Step::Next(Ok(Some(bytes))) => {
                last_upstream = Instant::now();
                pending = bytes;
            }
            Step::Next(Ok(None)) => {
                if let Some(err) = source.error_event() {
                    access.outcome = "upstream_error";
                    access.error_type = Some(err.kind.as_str());
                }
                break;
            }
            Step::Next(Err(err)) => {
                fail(&tx, &err, deadline, &mut access).await;
                break;
            }
            Step::Silence if last_upstream.elapsed() >= access.idle_timeout => {
                fail(&tx, &idle_error(access.idle_timeout), deadline, &mut access).await;
                break;
            }
            Step::Silence => pending = sse::ping(),
            Step::Stop => break,
        }
    }
    access.usage = source.usage();
    // Log (and run the end hooks' writes) before the body ends: on Lambda the environment may
    // be frozen right after it does.
    access.emit().await;
    drop(upstream);
    drop(tx);
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::config::Settings;
    use crate::error::ErrorKind;
    use crate::handler::EndNote;
    use crate::sse::Usage;

    /// An upstream that sends its events at once.
    struct Canned(Vec<Bytes>);

    impl EventSource for Canned {
        async fn next(&mut self) -> Result<Option<Bytes>, ApiError> {
            Ok((!self.0.is_empty()).then(|| self.0.remove(0)))
        }
        fn usage(&self) -> Usage {
            Usage {
                output_tokens: Some(7),
                ..Usage::default()
            }
        }
        fn error_event(&self) -> Option<&ApiError> {
            None
        }
    }

    fn opened(events: &[&'static str]) -> Opening<Canned> {
        let events = events.iter().map(|e| Bytes::from_static(e.as_bytes()));
        let source = Canned(events.collect());
        Box::pin(async move {
            Ok(Open {
                request_id: None,
                source,
            })
        })
    }

    fn never_opens() -> Opening<Canned> {
        Box::pin(std::future::pending())
    }

    fn refused() -> Check {
        Box::pin(async { Err(ApiError::new(ErrorKind::RateLimit, "over the limit")) })
    }

    fn access() -> Access {
        let settings = Settings::from_lookup(|n| (n == "API_KEY_SECRET_ARN").then(|| "s".into()))
            .expect("settings");
        Access::new(
            &settings,
            &RequestContext::local(),
            http::Method::POST,
            "/v1/messages",
        )
    }

    const LONG: Duration = Duration::from_secs(3600);

    #[tokio::test]
    async fn a_failed_check_refuses_the_call_with_its_status_whatever_the_upstream_does() {
        let ctx = RequestContext::local();
        for opening in [never_opens(), opened(&["event: message_start\n\n"])] {
            let started = start(opening, vec![refused()], LONG, &ctx).await;
            let err = started.err().expect("refused, nothing committed");
            assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        }
        // A check that fails after the upstream's first event still wins: nothing was sent yet.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let late: Check = Box::pin(async move {
            let _ = rx.await;
            Err(ApiError::new(ErrorKind::RateLimit, "over the limit"))
        });
        let opening: Opening<Canned> = {
            let inner = opened(&["event: message_start\n\n"]);
            Box::pin(async move {
                let open = inner.await;
                let _ = tx.send(());
                open
            })
        };
        let err = start(opening, vec![late], LONG, &ctx).await.err();
        assert_eq!(err.map(|e| e.status), Some(StatusCode::TOO_MANY_REQUESTS));
    }

    #[tokio::test]
    async fn passed_checks_let_the_stream_through_and_end_hooks_hear_its_usage_once() {
        let ctx = RequestContext::local();
        let passed: Check = Box::pin(async { Ok(()) });
        let (response, pump) = start(
            opened(&["event: a\n\n", "event: b\n\n"]),
            vec![passed],
            LONG,
            &ctx,
        )
        .await
        .expect("admitted");
        assert_eq!(response.status(), StatusCode::OK);
        let heard: Arc<Mutex<Vec<(Usage, &'static str)>>> = Arc::default();
        let mut access = access();
        let sink = heard.clone();
        access.on_end(Box::new(move |ended| {
            sink.lock()
                .expect("lock")
                .push((*ended.usage, ended.outcome));
            Box::pin(std::future::ready(EndNote::default()))
        }));
        let body = response.into_body();
        pump.run(access).await;
        drop(body);
        let heard = heard.lock().expect("lock").clone();
        assert_eq!(heard.len(), 1);
        assert_eq!(heard[0].0.output_tokens, Some(7));
        assert_eq!(heard[0].1, "complete");
    }

    #[tokio::test]
    async fn end_hooks_hear_a_client_that_left() {
        let ctx = RequestContext::local();
        let (response, pump) = start(opened(&["event: a\n\n"]), Vec::new(), LONG, &ctx)
            .await
            .expect("started");
        drop(response);
        let heard: Arc<Mutex<Vec<&'static str>>> = Arc::default();
        let mut access = access();
        let sink = heard.clone();
        access.on_end(Box::new(move |ended| {
            sink.lock().expect("lock").push(ended.outcome);
            Box::pin(std::future::ready(EndNote::default()))
        }));
        pump.run(access).await;
        assert_eq!(*heard.lock().expect("lock"), ["client_disconnected"]);
    }
}
