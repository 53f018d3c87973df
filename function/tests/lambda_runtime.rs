//! The real `bootstrap lambda` process under a minimal Lambda Runtime API emulator.
//!
//! The emulator hands out Function URL (payload 2.0) events from `/invocation/next` and records
//! the streamed `/response` body chunk by chunk, so the tests can check what Lambda would get:
//! the JSON status/headers prelude, eight NUL bytes, then the body, arriving incrementally.

mod support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::{Value, json};
use support::fake_bedrock::FakeBedrock;
use support::{KEY, parse_sse};
use tokio::sync::{Notify, mpsc};

struct Invocation {
    id: String,
    event: Value,
    deadline_ms: u64,
}

#[derive(Default)]
struct Recorded {
    headers: HashMap<String, String>,
    /// The body chunks as they arrived.
    chunks: Vec<Bytes>,
}

struct Emulator {
    addr: SocketAddr,
    queue: mpsc::UnboundedSender<Invocation>,
    responses: Arc<Mutex<HashMap<String, Recorded>>>,
    /// The body so far of each response still being streamed.
    partial: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    errors: Arc<Mutex<Vec<Reported>>>,
    /// Notified on every response chunk and on every finished response or reported error.
    done: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

/// An error the runtime reported: where, its `Lambda-Runtime-Function-Error-Type`, and the body.
#[derive(Debug, Clone)]
struct Reported {
    path: String,
    error_type: String,
    body: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Emulator {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (queue, rx) = mpsc::unbounded_channel::<Invocation>();
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let responses: Arc<Mutex<HashMap<String, Recorded>>> = Arc::default();
        let partial: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let errors: Arc<Mutex<Vec<Reported>>> = Arc::default();
        let done = Arc::new(Notify::new());
        let (r, p, e, d) = (
            responses.clone(),
            partial.clone(),
            errors.clone(),
            done.clone(),
        );
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (rx, r, p, e, d) = (rx.clone(), r.clone(), p.clone(), e.clone(), d.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                        let (rx, r, p, e, d) =
                            (rx.clone(), r.clone(), p.clone(), e.clone(), d.clone());
                        async move { Ok::<_, Infallible>(runtime_api(req, rx, r, p, e, d).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Self {
            addr,
            queue,
            responses,
            partial,
            errors,
            done,
            task,
        }
    }

    /// Queues an invocation that must finish `budget` from now, and waits for its response.
    async fn invoke(&self, event: Value, budget: Duration) -> Recorded {
        let id = self.queue_event(event, budget);
        self.response(&id).await
    }

    /// Waits for the whole response of invocation `id`.
    async fn response(&self, id: &str) -> Recorded {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.done.notified();
            if let Some(r) = self.responses.lock().expect("lock").remove(id) {
                return r;
            }
            let errors = self.errors.lock().expect("lock").clone();
            assert!(errors.is_empty(), "the runtime reported errors: {errors:?}");
            assert!(Instant::now() < until, "no response for {id} within 20 s");
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }

    /// Waits until the response of `id`, still open, has streamed a body that satisfies `seen`.
    async fn streamed_so_far(&self, id: &str, seen: impl Fn(&[u8]) -> bool) {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.done.notified();
            if self
                .partial
                .lock()
                .expect("lock")
                .get(id)
                .is_some_and(|body| seen(body))
            {
                return;
            }
            assert!(
                !self.responses.lock().expect("lock").contains_key(id),
                "the response of {id} ended before it streamed what was awaited"
            );
            assert!(
                Instant::now() < until,
                "{id} streamed nothing awaited within 20 s"
            );
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }
}

impl Emulator {
    fn queue_event(&self, event: Value, budget: Duration) -> String {
        let id = format!("req-{}", support::unique_id());
        let deadline = SystemTime::now() + budget;
        let deadline_ms = deadline
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_millis() as u64;
        self.queue
            .send(Invocation {
                id: id.clone(),
                event,
                deadline_ms,
            })
            .expect("queue");
        id
    }

    /// Queues an invocation and waits for the runtime to report it as failed.
    async fn invoke_failing(&self, event: Value) -> Reported {
        let id = self.queue_event(event, Duration::from_secs(30));
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.done.notified();
            if let Some(e) = self.errors.lock().expect("lock").pop() {
                assert!(e.path.contains(&id), "error for another invocation: {e:?}");
                return e;
            }
            assert!(
                Instant::now() < until,
                "no error report for {id} within 20 s"
            );
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }
}

async fn runtime_api(
    req: hyper::Request<Incoming>,
    rx: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Invocation>>>,
    responses: Arc<Mutex<HashMap<String, Recorded>>>,
    partial: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    errors: Arc<Mutex<Vec<Reported>>>,
    done: Arc<Notify>,
) -> hyper::Response<Full<Bytes>> {
    let path = req.uri().path().to_owned();
    let accepted = || {
        hyper::Response::builder()
            .status(202)
            .body(Full::new(Bytes::new()))
            .expect("response")
    };
    if path == "/2018-06-01/runtime/invocation/next" {
        let Some(inv) = rx.lock().await.recv().await else {
            return std::future::pending().await;
        };
        return hyper::Response::builder()
            .header("lambda-runtime-aws-request-id", &inv.id)
            .header("lambda-runtime-deadline-ms", inv.deadline_ms.to_string())
            .header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:000000000000:function:gw",
            )
            .header("lambda-runtime-trace-id", TRACE)
            .body(Full::new(Bytes::from(
                serde_json::to_vec(&inv.event).expect("json"),
            )))
            .expect("response");
    }
    if let Some(id) = path
        .strip_prefix("/2018-06-01/runtime/invocation/")
        .and_then(|p| p.strip_suffix("/response"))
    {
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let mut recorded = Recorded {
            headers,
            chunks: Vec::new(),
        };
        let mut body = req.into_body();
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                partial
                    .lock()
                    .expect("lock")
                    .entry(id.to_owned())
                    .or_default()
                    .extend_from_slice(&data);
                recorded.chunks.push(data);
                done.notify_waiters();
            }
        }
        partial.lock().expect("lock").remove(id);
        responses
            .lock()
            .expect("lock")
            .insert(id.to_owned(), recorded);
        done.notify_waiters();
        return accepted();
    }
    let error_type = req
        .headers()
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    errors.lock().expect("lock").push(Reported {
        path,
        error_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    done.notify_waiters();
    accepted()
}

/// The response as Lambda sees it: prelude JSON, the 8-NUL separator, then the body.
struct Split {
    prelude: Value,
    body: Vec<u8>,
}

fn split(r: &Recorded) -> Split {
    let all: Vec<u8> = r.chunks.iter().flat_map(|c| c.iter().copied()).collect();
    let sep = all
        .windows(8)
        .position(|w| w == [0u8; 8])
        .expect("8 NUL bytes after the prelude");
    let prelude = serde_json::from_slice(&all[..sep]).expect("prelude is JSON");
    Split {
        prelude,
        body: all[sep + 8..].to_vec(),
    }
}

fn url_event(method: &str, path: &str, headers: Value, body: Option<&[u8]>, base64: bool) -> Value {
    let body = body.map(|b| {
        if base64 {
            base64::engine::general_purpose::STANDARD.encode(b)
        } else {
            String::from_utf8_lossy(b).into_owned()
        }
    });
    json!({
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "anonymous", "apiId": "abc123", "domainName": "abc123.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abc123", "requestId": "ctx-1", "routeKey": "$default", "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": 1767225600000u64,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"}
        },
        "body": body, "isBase64Encoded": base64
    })
}

fn messages_event(text: &str, stream: bool) -> Value {
    let body = json!({"model": "claude-opus-5-5", "max_tokens": 64, "stream": stream,
        "messages": [{"role": "user", "content": text}]});
    url_event(
        "POST",
        "/v1/messages",
        json!({"content-type": "application/json", "x-api-key": KEY}),
        Some(&serde_json::to_vec(&body).expect("json")),
        false,
    )
}

struct Function {
    emulator: Emulator,
    fake: FakeBedrock,
    process: tokio::process::Child,
}

/// Starts the fake, the emulator and `bootstrap lambda` configured only through the environment,
/// as the deployed stack configures it.
async fn function(margin_ms: u64) -> Function {
    function_with(margin_ms, &[], Stdio::null()).await
}

/// `function`, with `env` on top and the process's stdout going to `stdout`.
async fn function_with(margin_ms: u64, env: &[(&str, &str)], stdout: Stdio) -> Function {
    let fake = FakeBedrock::start(0).await.expect("fake");
    fake.set_secret(Some(&format!("{{\"api_key\": \"{KEY}\"}}")));
    let emulator = Emulator::start().await;
    let process = tokio::process::Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .arg("lambda")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        .env("AWS_LAMBDA_RUNTIME_API", emulator.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "gw")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_LAMBDA_LOG_LEVEL", "INFO")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake.url())
        .env(
            "API_KEY_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:gw",
        )
        .env("PING_INTERVAL_MS", support::PING_NEVER)
        .env("DEADLINE_MARGIN_MS", margin_ms.to_string())
        .envs(env.iter().copied())
        .stdout(stdout)
        .kill_on_drop(true)
        .spawn()
        .expect("bootstrap starts");
    Function {
        emulator,
        fake,
        process,
    }
}

#[tokio::test]
async fn lambda_streams_the_prelude_then_sse_incrementally() {
    let f = function_with(500, &[("PING_INTERVAL_MS", "20")], Stdio::null()).await;
    // The fake holds the rest of the answer after message_start until the Runtime API has
    // received message_start and a ping of the gateway's: a buffered response could never get
    // there, however fast or slow the machine.
    let gate = format!("gate{}", support::unique_id());
    let id = f.emulator.queue_event(
        messages_event(&format!("hi scenario:silent-{gate}"), true),
        Duration::from_secs(30),
    );
    f.emulator
        .streamed_so_far(&id, |body| {
            let text = String::from_utf8_lossy(body);
            // The Messages endpoint's own ping follows message_start; a second one is ours.
            text.split_once("event: message_start")
                .is_some_and(|(_, after)| after.matches("event: ping").count() >= 2)
        })
        .await;
    f.fake.open(&gate);
    let r = f.emulator.response(&id).await;
    assert_eq!(
        r.headers
            .get("lambda-runtime-function-response-mode")
            .map(String::as_str),
        Some("streaming")
    );
    assert_eq!(
        r.headers.get("content-type").map(String::as_str),
        Some("application/vnd.awslambda.http-integration-response")
    );
    let s = split(&r);
    assert_eq!(s.prelude["statusCode"], 200);
    assert_eq!(s.prelude["headers"]["content-type"], "text/event-stream");
    assert!(
        s.prelude["headers"]["request-id"]
            .as_str()
            .is_some_and(|id| id.starts_with("req-")),
        "{}",
        s.prelude
    );
    let events = parse_sse(&s.body);
    let names: Vec<&str> = events
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| *n != "ping")
        .collect();
    assert_eq!(names.first(), Some(&"message_start"));
    assert_eq!(names.last(), Some(&"message_stop"));
    let start = events
        .iter()
        .find(|e| e.name == "message_start")
        .expect("message_start");
    assert_eq!(start.data["message"]["model"], "claude-opus-5-5");
}

#[tokio::test]
async fn lambda_sends_the_prelude_and_first_event_without_waiting_for_more() {
    // The upstream goes silent after its first event until the Runtime API has received the
    // prelude, the delimiter and that event: a client that held small writes back for more data
    // (or for the end of the body) could never get there. With pings off, nothing else is sent.
    // That its socket sends small writes at once (TCP_NODELAY, the ~40 ms Nagle stall
    // lambda_runtime's client had) is pinned by a unit test in lambda.rs, not by a clock here.
    let f = function(500).await;
    let gate = format!("gate{}", support::unique_id());
    let id = f.emulator.queue_event(
        messages_event(&format!("hi scenario:silent-{gate}"), true),
        Duration::from_secs(30),
    );
    f.emulator
        .streamed_so_far(&id, |body| {
            body.windows(8)
                .position(|w| w == [0u8; 8])
                .is_some_and(|sep| {
                    body[sep..]
                        .windows(20)
                        .any(|w| w == b"event: message_start")
                })
        })
        .await;
    f.fake.open(&gate);
    let r = f.emulator.response(&id).await;
    let s = split(&r);
    assert_eq!(s.prelude["statusCode"], 200);
    let names: Vec<String> = parse_sse(&s.body)
        .into_iter()
        .map(|e| e.name)
        .filter(|n| n != "ping")
        .collect();
    assert_eq!(names.first().map(String::as_str), Some("message_start"));
    assert_eq!(names.last().map(String::as_str), Some("message_stop"));
}

#[tokio::test]
async fn lambda_reports_upstream_errors_with_their_status_in_the_prelude() {
    let f = function(500).await;
    let r = f
        .emulator
        .invoke(
            messages_event("scenario:http-429-ThrottlingException", true),
            Duration::from_secs(30),
        )
        .await;
    let s = split(&r);
    assert_eq!(s.prelude["statusCode"], 429);
    assert_eq!(s.prelude["headers"]["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&s.body).expect("json");
    assert_eq!(body["error"]["type"], "rate_limit_error");
}

#[tokio::test]
async fn lambda_stops_before_the_deadline_with_an_error_event() {
    // Long enough past the 500 ms margin for a busy machine to have the stream open by then.
    const BUDGET: Duration = Duration::from_millis(3000);
    let f = function(500).await;
    // The upstream's gates are never opened: only the deadline can end these invocations.
    let gate = format!("gate{}", support::unique_id());
    let r = f
        .emulator
        .invoke(
            messages_event(&format!("scenario:silent-{gate}"), true),
            BUDGET,
        )
        .await;
    let events = parse_sse(&split(&r).body);
    let last = events.last().expect("events");
    assert_eq!(
        last.name,
        "error",
        "{:?}",
        events.iter().map(|e| &e.name).collect::<Vec<_>>()
    );
    assert_eq!(last.data["error"]["type"], "timeout_error");
    // Non-streaming: the same deadline answers with a JSON timeout error.
    let r = f
        .emulator
        .invoke(messages_event(&format!("hi delay:{gate}"), false), BUDGET)
        .await;
    let s = split(&r);
    assert_eq!(s.prelude["statusCode"], 504);
    let body: Value = serde_json::from_slice(&s.body).expect("json");
    assert_eq!(body["error"]["type"], "timeout_error");
}

#[tokio::test]
async fn lambda_handles_base64_bodies_auth_and_health_across_invocations() {
    let f = function(500).await;
    let count =
        json!({"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "n"}]});
    let event = url_event(
        "POST",
        "/v1/messages/count_tokens",
        json!({"content-type": "application/json", "authorization": format!("Bearer {KEY}")}),
        Some(&serde_json::to_vec(&count).expect("json")),
        true,
    );
    let s = split(&f.emulator.invoke(event, Duration::from_secs(30)).await);
    assert_eq!(
        (
            s.prelude["statusCode"].clone(),
            serde_json::from_slice::<Value>(&s.body).expect("json")
        ),
        (json!(200), json!({"input_tokens": 42}))
    );
    let unauth = url_event("GET", "/v1/models", json!({}), None, false);
    let s = split(&f.emulator.invoke(unauth, Duration::from_secs(30)).await);
    assert_eq!(s.prelude["statusCode"], 401);
    let health = url_event("GET", "/health", json!({}), None, false);
    let s = split(&f.emulator.invoke(health, Duration::from_secs(30)).await);
    assert_eq!(
        (s.prelude["statusCode"].clone(), s.body),
        (json!(200), br#"{"status":"ok"}"#.to_vec())
    );
}

#[tokio::test]
async fn lambda_reports_non_function_url_events_as_invocation_errors_and_carries_on() {
    let f = function(500).await;
    let e = f.emulator.invoke_failing(json!({"Records": []})).await;
    assert!(e.path.ends_with("/error"), "{e:?}");
    assert_eq!(e.error_type, "Runtime.InvalidEvent");
    assert!(e.body.contains("InvalidEvent"), "{e:?}");
    let health = url_event("GET", "/health", json!({}), None, false);
    let s = split(&f.emulator.invoke(health, Duration::from_secs(30)).await);
    assert_eq!(s.prelude["statusCode"], 200);
}

/// The emulator's trace header for every invocation.
const TRACE: &str = "Root=1-00000000-000000000000000000000000;Sampled=0";

#[tokio::test]
async fn lambda_reports_a_bad_configuration_as_an_init_error_and_exits() {
    let mut f = function_with(
        500,
        &[("MODELS_FILE", "/nonexistent/models.json")],
        Stdio::null(),
    )
    .await;
    let until = Instant::now() + Duration::from_secs(20);
    let reported = loop {
        let notified = f.emulator.done.notified();
        if let Some(e) = f.emulator.errors.lock().expect("lock").pop() {
            break e;
        }
        assert!(Instant::now() < until, "no init error within 20 s");
        let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
    };
    assert_eq!(reported.path, "/2018-06-01/runtime/init/error");
    assert_eq!(reported.error_type, "Runtime.InvalidModelMap");
    let body: Value = serde_json::from_str(&reported.body).expect("JSON error document");
    assert_eq!(body["errorType"], "InvalidModelMap");
    assert!(
        body["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("/nonexistent/models.json")),
        "{body}"
    );
    let status = tokio::time::timeout(Duration::from_secs(20), f.process.wait())
        .await
        .expect("the process exits after reporting")
        .expect("status");
    assert!(!status.success());
}

#[tokio::test]
async fn a_panicking_handler_is_an_invocation_error_and_the_loop_carries_on() {
    // The real invocation loop, driven with a handler that panics on one path.
    let emulator = Emulator::start().await;
    let address = emulator.addr.to_string();
    let runtime = tokio::spawn(async move {
        function::lambda::serve_invocations(&address, Duration::ZERO, |request, _ctx| async move {
            if request.uri().path() == "/panic" {
                panic!("deliberate panic in the handler");
            }
            http::Response::new(function::body::Body::full("still serving"))
        })
        .await
    });
    let e = emulator
        .invoke_failing(url_event("GET", "/panic", json!({}), None, false))
        .await;
    assert!(e.path.ends_with("/error"), "{e:?}");
    assert_eq!(e.error_type, "Runtime.Panic");
    let body: Value = serde_json::from_str(&e.body).expect("JSON error document");
    assert_eq!(body["errorType"], "Panic");
    assert_eq!(body["errorMessage"], "deliberate panic in the handler");
    let r = emulator
        .invoke(
            url_event("GET", "/health", json!({}), None, false),
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(split(&r).body, b"still serving");
    assert!(!runtime.is_finished(), "the loop is still running");
    runtime.abort();
}

#[tokio::test]
async fn lambda_passes_the_trace_id_to_bedrock_and_the_log() {
    let recorder = support::stubs::Recorder::start().await;
    let mut f = function_with(
        500,
        &[("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &recorder.url())],
        Stdio::piped(),
    )
    .await;
    let r = f
        .emulator
        .invoke(messages_event("hi", false), Duration::from_secs(30))
        .await;
    let s = split(&r);
    assert_eq!(
        s.prelude["statusCode"], 400,
        "the recorder refuses every call"
    );
    let seen = recorder.headers();
    let sent = seen
        .first()
        .and_then(|h| h.get("x-amzn-trace-id"))
        .and_then(|v| v.to_str().ok());
    assert_eq!(sent, Some(TRACE));
    // The request log line names the trace too.
    let stdout = f.process.stdout.take().expect("stdout");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let line = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(line)) = lines.next_line().await {
            let v: Value = serde_json::from_str(&line).unwrap_or_default();
            if v["message"] == "request" {
                return v;
            }
        }
        Value::Null
    })
    .await
    .expect("a request log line");
    assert_eq!(line["trace_id"], TRACE);
}
