//! Faults, end to end against the real `bootstrap serve` process (configured only through its
//! environment, with a separate endpoint per service): hung and refusing Secrets Manager, a
//! Bedrock that never answers, refuses or dies mid-stream, slow and oversized clients, and many
//! concurrent streams. Each test asserts what the client sees — status, error type, headers —
//! and that the process logged the request.

mod support;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::fake_bedrock::FakeBedrock;
use support::stubs::{self, SecretMode, SecretsManager};
use support::{KEY, Reply, parse_sse, request, send, user};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A model of the map served natively (InvokeModel*), by alias.
const MODEL: &str = "claude-haiku-4-5";
/// One model per Anthropic-body upstream: InvokeModel (the SDK) and the Messages endpoint (ours).
const UPSTREAMS: [&str; 2] = [MODEL, "claude-opus-5-5"];

/// Every fault here must end well inside this; the configured timeouts are a fraction of it.
const BOUND: Duration = Duration::from_secs(20);

struct Served {
    url: String,
    addr: String,
    stdout: Arc<Mutex<Vec<String>>>,
    _child: tokio::process::Child,
}

impl Served {
    /// Log lines (JSON objects) written so far.
    fn lines(&self) -> Vec<Value> {
        self.stdout
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Waits (bounded) for the request log line of `request_id`.
    async fn log_of(&self, request_id: &str) -> Value {
        let until = Instant::now() + BOUND;
        loop {
            if let Some(line) = self
                .lines()
                .into_iter()
                .find(|l| l["message"] == "request" && l["request_id"] == request_id)
            {
                return line;
            }
            assert!(
                Instant::now() < until,
                "no request log line for {request_id}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (bounded) for the metrics line of `request_id`.
    async fn metrics_of(&self, request_id: &str) -> Value {
        let until = Instant::now() + BOUND;
        loop {
            if let Some(line) = self
                .lines()
                .into_iter()
                .find(|l| l.get("_aws").is_some() && l["request_id"] == request_id)
            {
                return line;
            }
            assert!(Instant::now() < until, "no metrics line for {request_id}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn raw_stdout(&self) -> String {
        self.stdout.lock().expect("lock").join("\n")
    }
}

/// `bootstrap serve` with Secrets Manager and Bedrock at the given URLs and `env` on top.
async fn serve(secrets: &str, bedrock: &str, env: &[(&str, &str)]) -> Served {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_bootstrap"));
    cmd.arg("serve")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        .env("PORT", "0")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets)
        .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrock)
        .env(
            "API_KEY_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:gw",
        )
        .env("AWS_LAMBDA_LOG_LEVEL", "INFO")
        // As in the in-process harness: no ping unless a test asks for one.
        .env("PING_INTERVAL_MS", support::PING_NEVER)
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("bootstrap starts");
    let (addr, stdout) = support::listening(&mut child).await;
    let url = format!("http://{addr}");
    Served {
        url,
        addr,
        stdout,
        _child: child,
    }
}

async fn fake() -> FakeBedrock {
    let fake = FakeBedrock::start(0).await.expect("fake bedrock");
    fake.set_secret(Some(KEY));
    fake
}

fn message(text: &str, stream: bool) -> Value {
    message_to(MODEL, text, stream)
}

fn message_to(model: &str, text: &str, stream: bool) -> Value {
    json!({"model": model, "max_tokens": 64, "stream": stream, "messages": user(text)})
}

async fn post_as(s: &Served, key: &str, body: &Value) -> Reply {
    send(request(
        "POST",
        &format!("{}/v1/messages", s.url),
        Some(key),
        serde_json::to_vec(body).expect("json"),
    ))
    .await
}

async fn models(s: &Served, key: &str) -> Reply {
    send(request(
        "GET",
        &format!("{}/v1/models", s.url),
        Some(key),
        "",
    ))
    .await
}

fn header<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The Anthropic error shape, with a request id matching the header and the retry advice.
fn assert_error(r: &Reply, status: u16, kind: &str, retry: bool) {
    assert_eq!(
        (r.status, r.error_type()),
        (status, kind.to_owned()),
        "{:?}",
        r.body
    );
    let body = r.json();
    assert_eq!(body["type"], "error");
    assert_eq!(body["request_id"].as_str(), Some(header(r, "request-id")));
    assert!(header(r, "request-id").starts_with("req_"));
    assert_eq!(
        header(r, "x-should-retry"),
        if retry { "true" } else { "false" }
    );
}

// ---------- Secrets Manager ----------

#[tokio::test]
async fn a_hung_secrets_manager_without_cached_keys_is_a_bounded_500() {
    let hung = stubs::silent().await;
    let fake = fake().await;
    let s = serve(&hung.url(), &fake.url(), &[("SECRET_TIMEOUT_MS", "300")]).await;
    let r = tokio::time::timeout(BOUND, models(&s, KEY))
        .await
        .expect("answered although Secrets Manager never does");
    assert_error(&r, 500, "api_error", true);
    let log = s.log_of(header(&r, "request-id")).await;
    assert_eq!(log["status"], 500);
}

#[tokio::test]
async fn cached_keys_are_used_at_once_while_a_refresh_hangs() {
    let sm = SecretsManager::start(SecretMode::Answer(KEY.into())).await;
    let fake = fake().await;
    // TTL 0: every request finds the cache stale and wants a refresh; the refresh would wait a
    // minute, far past the bound, if any request waited for it.
    let s = serve(
        &sm.url(),
        &fake.url(),
        &[("SECRET_TTL_SECONDS", "0"), ("SECRET_TIMEOUT_MS", "60000")],
    )
    .await;
    assert_eq!(models(&s, KEY).await.status, 200);
    sm.set(SecretMode::Hang);
    for _ in 0..5 {
        let r = tokio::time::timeout(BOUND, models(&s, KEY))
            .await
            .expect("a cached key waited for the hung refresh");
        assert_eq!(r.status, 200);
    }
}

#[tokio::test]
async fn a_secrets_manager_that_drops_connections_keeps_the_cached_keys() {
    let sm = SecretsManager::start(SecretMode::Answer(KEY.into())).await;
    let fake = fake().await;
    let s = serve(
        &sm.url(),
        &fake.url(),
        &[("SECRET_TTL_SECONDS", "0"), ("SECRET_TIMEOUT_MS", "2000")],
    )
    .await;
    assert_eq!(models(&s, KEY).await.status, 200);
    sm.set(SecretMode::Drop);
    for _ in 0..3 {
        assert_eq!(models(&s, KEY).await.status, 200);
    }
    // A key the cache does not know waits for the (failing, bounded) refresh, then is refused.
    let r = tokio::time::timeout(BOUND, models(&s, "sk-unknown"))
        .await
        .expect("bounded");
    assert_error(&r, 401, "authentication_error", false);
}

#[tokio::test]
async fn a_refused_secrets_manager_without_cached_keys_is_a_500() {
    let fake = fake().await;
    let s = serve(&stubs::refusing_url(), &fake.url(), &[]).await;
    let r = tokio::time::timeout(BOUND, models(&s, KEY))
        .await
        .expect("bounded");
    assert_error(&r, 500, "api_error", true);
}

// ---------- Bedrock ----------

#[tokio::test]
async fn a_bedrock_that_never_answers_is_a_504_timeout() {
    let fake = fake().await;
    let hung = stubs::silent().await;
    let s = serve(
        &fake.url(),
        &hung.url(),
        &[
            ("BEDROCK_FIRST_BYTE_TIMEOUT_MS", "400"),
            ("PING_INTERVAL_MS", "30000"),
        ],
    )
    .await;
    for (model, stream) in UPSTREAMS.iter().flat_map(|m| [(*m, false), (*m, true)]) {
        let r = tokio::time::timeout(BOUND, post_as(&s, KEY, &message_to(model, "hi", stream)))
            .await
            .expect("bounded");
        assert_error(&r, 504, "timeout_error", true);
        let log = s.log_of(header(&r, "request-id")).await;
        assert_eq!(
            (&log["status"], &log["error_type"]),
            (&json!(504), &json!("timeout_error"))
        );
    }
}

#[tokio::test]
async fn an_answer_that_stalls_after_its_head_is_a_504_timeout() {
    let fake = fake().await;
    let stalling = stubs::stalling_bedrock().await;
    let s = serve(
        &fake.url(),
        &stalling.url(),
        &[("BEDROCK_FIRST_BYTE_TIMEOUT_MS", "400")],
    )
    .await;
    for model in UPSTREAMS {
        let r = tokio::time::timeout(BOUND, post_as(&s, KEY, &message_to(model, "hi", false)))
            .await
            .expect("bounded");
        assert_error(&r, 504, "timeout_error", true);
    }
}

#[tokio::test]
async fn a_refused_bedrock_connection_is_a_502() {
    let fake = fake().await;
    let s = serve(&fake.url(), &stubs::refusing_url(), &[]).await;
    for (model, stream) in UPSTREAMS.iter().flat_map(|m| [(*m, false), (*m, true)]) {
        let r = post_as(&s, KEY, &message_to(model, "hi", stream)).await;
        assert_error(&r, 502, "api_error", true);
    }
}

#[tokio::test]
async fn a_bedrock_killed_mid_stream_ends_the_stream_with_an_error_event() {
    let fake = fake().await;
    let dying = stubs::dying_bedrock().await;
    let s = serve(&fake.url(), &dying.url(), &[]).await;
    for model in UPSTREAMS {
        let r = post_as(&s, KEY, &message_to(model, "hi", true)).await;
        assert_eq!(r.status, 200, "{model}");
        let events = parse_sse(&r.body);
        let names: Vec<&str> = events
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| *n != "ping")
            .collect();
        assert_eq!(
            names,
            ["message_start", "content_block_start", "error"],
            "{model}"
        );
        let error = &events.last().expect("events").data;
        assert_eq!(error["type"], "error");
        assert_eq!(error["error"]["type"], "api_error");
        let log = s.log_of(header(&r, "request-id")).await;
        assert_eq!(log["outcome"], "upstream_error");
        // Not streaming: the half-sent answer is a 502.
        let r = post_as(&s, KEY, &message_to(model, "hi", false)).await;
        assert_error(&r, 502, "api_error", true);
    }
}

// ---------- clients ----------

/// Sends `bytes` on a fresh connection, then waits (bounded) for the answer and its end.
async fn raw(s: &Served, bytes: &[u8]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(&s.addr)
        .await
        .expect("connect");
    stream.write_all(bytes).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut answer))
        .await
        .expect("the gateway answered and closed within the bound")
        .expect("read");
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&answer)));
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let mut headers = http::HeaderMap::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            headers.append(
                http::HeaderName::from_bytes(k.trim().as_bytes()).expect("name"),
                v.trim().parse().expect("value"),
            );
        }
    }
    Reply {
        status,
        headers,
        body: answer[end + 4..].to_vec().into(),
    }
}

#[tokio::test]
async fn slow_clients_get_a_408_in_the_anthropic_shape() {
    let fake = fake().await;
    let s = serve(
        &fake.url(),
        &fake.url(),
        &[
            ("HEADER_READ_TIMEOUT_MS", "300"),
            ("BODY_READ_TIMEOUT_MS", "300"),
        ],
    )
    .await;
    // Half the headers, then silence.
    let r = raw(&s, b"POST /v1/messages HTTP/1.1\r\nhost: gw\r\nx-api-key: ").await;
    assert_error(&r, 408, "timeout_error", true);
    let log = s.log_of(header(&r, "request-id")).await;
    assert_eq!(
        (&log["status"], &log["path"]),
        (&json!(408), &json!("/v1/messages"))
    );
    // All the headers, half the body, then silence.
    let head = format!(
        "POST /v1/messages HTTP/1.1\r\nhost: gw\r\nx-api-key: {KEY}\r\n\
         content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"model\":"
    );
    let r = raw(&s, head.as_bytes()).await;
    assert_error(&r, 408, "timeout_error", true);
    assert_eq!(s.log_of(header(&r, "request-id")).await["status"], 408);
}

#[tokio::test]
async fn oversized_heads_get_431_and_414_in_the_anthropic_shape() {
    let fake = fake().await;
    let s = serve(&fake.url(), &fake.url(), &[]).await;
    let big_header = format!(
        "GET /v1/models HTTP/1.1\r\nhost: gw\r\nx-api-key: {KEY}\r\nx-filler: {}\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let r = raw(&s, big_header.as_bytes()).await;
    assert_error(&r, 431, "invalid_request_error", false);
    assert_eq!(s.log_of(header(&r, "request-id")).await["status"], 431);
    let many_headers: String = (0..150).map(|i| format!("x-h{i}: v\r\n")).collect();
    let r = raw(
        &s,
        format!("GET /v1/models HTTP/1.1\r\nhost: gw\r\n{many_headers}\r\n").as_bytes(),
    )
    .await;
    assert_error(&r, 431, "invalid_request_error", false);
    for long in [10 * 1024, 64 * 1024] {
        let url = format!(
            "GET /v1/models?after_id={} HTTP/1.1\r\nhost: gw\r\n\r\n",
            "a".repeat(long)
        );
        let r = raw(&s, url.as_bytes()).await;
        assert_error(&r, 414, "invalid_request_error", false);
        assert_eq!(s.log_of(header(&r, "request-id")).await["status"], 414);
    }
    // Limits hold on a kept-alive connection too, where hyper reads the later heads.
    let closing = big_header.replacen("host: gw\r\n", "host: gw\r\nconnection: close\r\n", 1);
    let first = format!("GET /health HTTP/1.1\r\nhost: gw\r\n\r\n{closing}");
    let r = raw(&s, first.as_bytes()).await;
    assert_eq!(r.status, 200, "the first answer on the connection");
    let rest = String::from_utf8_lossy(&r.body).into_owned();
    assert!(
        rest.contains("HTTP/1.1 431") && rest.contains("invalid_request_error"),
        "{rest}"
    );
}

#[tokio::test]
async fn retry_advice_is_in_the_headers_as_anthropic_sends_it() {
    let fake = fake().await;
    let s = serve(&fake.url(), &fake.url(), &[]).await;
    let r = models(&s, "sk-wrong").await;
    assert_error(&r, 401, "authentication_error", false);
    let r = post_as(
        &s,
        KEY,
        &message("scenario:http-429-ThrottlingException", false),
    )
    .await;
    assert_error(&r, 429, "rate_limit_error", true);
    assert_eq!(header(&r, "retry-after"), "5");
    let r = post_as(
        &s,
        KEY,
        &message("scenario:http-400-ValidationException", false),
    )
    .await;
    assert_error(&r, 400, "invalid_request_error", false);
    assert!(r.headers.get("retry-after").is_none());
    let r = post_as(
        &s,
        KEY,
        &message("scenario:http-503-ServiceUnavailableException", true),
    )
    .await;
    assert_error(&r, 529, "overloaded_error", true);
    let mut unknown = message("hi", false);
    unknown["model"] = json!("no-such-model");
    assert_error(
        &post_as(&s, KEY, &unknown).await,
        404,
        "not_found_error",
        false,
    );
}

#[tokio::test]
async fn a_retry_after_from_bedrock_reaches_the_client() {
    let fake = fake().await;
    let throttling =
        stubs::Recorder::refusing(429, "ThrottlingException", &[("retry-after", "12")]).await;
    let s = serve(&fake.url(), &throttling.url(), &[]).await;
    for (model, stream) in UPSTREAMS.iter().flat_map(|m| [(*m, false), (*m, true)]) {
        let r = post_as(&s, KEY, &message_to(model, "hi", stream)).await;
        assert_error(&r, 429, "rate_limit_error", true);
        assert_eq!(header(&r, "retry-after"), "12", "{model} stream={stream}");
    }
}

// ---------- keys, logs and metrics ----------

#[tokio::test]
async fn named_keys_are_logged_by_name_and_metered_in_embedded_metric_format() {
    let fake = fake().await;
    fake.set_secret(Some(
        &json!({"keys": [
            {"name": "alice", "key": "sk-alice-secret", "models": [MODEL]},
            {"name": "ci", "key": "sk-ci-secret"}
        ]})
        .to_string(),
    ));
    let s = serve(&fake.url(), &fake.url(), &[]).await;
    let prompt = "a prompt that must never be logged";
    let r = post_as(&s, "sk-alice-secret", &message(prompt, true)).await;
    assert_eq!(r.status, 200);
    let id = header(&r, "request-id").to_owned();
    let log = s.log_of(&id).await;
    assert_eq!(log["key"], "alice");
    let m = s.metrics_of(&id).await;
    let directive = &m["_aws"]["CloudWatchMetrics"][0];
    assert_eq!(directive["Namespace"], "Chatrix/Gateway");
    assert_eq!(
        directive["Dimensions"],
        json!([["key", "model"], ["model"]])
    );
    let names: Vec<&str> = directive["Metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .filter_map(|d| d["Name"].as_str())
        .collect();
    for name in [
        "InputTokens",
        "OutputTokens",
        "CacheReadInputTokens",
        "CacheCreationInputTokens",
        "TimeToFirstByte",
        "Duration",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
        assert!(m[name].is_number(), "{name} is not a number in {m}");
    }
    assert!(m["_aws"]["Timestamp"].is_u64());
    assert_eq!((&m["key"], &m["model"]), (&json!("alice"), &log["model"]));
    assert_eq!(
        (
            &m["InputTokens"],
            &m["OutputTokens"],
            &m["CacheReadInputTokens"],
            &m["CacheCreationInputTokens"]
        ),
        (&json!(25), &json!(12), &json!(5), &json!(3))
    );

    // A model outside alice's list: 403, counted as an error of that type.
    let mut other = message(prompt, false);
    other["model"] = json!("amazon-nova-pro");
    let r = post_as(&s, "sk-alice-secret", &other).await;
    assert_error(&r, 403, "permission_error", false);
    let m = s.metrics_of(header(&r, "request-id")).await;
    assert_eq!(
        (&m["Errors"], &m["error_type"]),
        (&json!(1), &json!("permission_error"))
    );
    assert_eq!(
        m["_aws"]["CloudWatchMetrics"][1]["Dimensions"],
        json!([["error_type"], ["model", "error_type"]])
    );
    // The unrestricted key may use it.
    let r = post_as(&s, "sk-ci-secret", &other).await;
    assert_eq!(r.status, 200);
    assert_eq!(s.log_of(header(&r, "request-id")).await["key"], "ci");

    let out = s.raw_stdout();
    for secret in [
        "sk-alice-secret",
        "sk-ci-secret",
        prompt,
        "Hello from fake Bedrock",
    ] {
        assert!(!out.contains(secret), "{secret:?} reached stdout");
    }
}

// ---------- load ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_streams_lose_no_events() {
    // About 400 descriptors per process (the test: client and fake-Bedrock sockets; the gateway:
    // client and upstream sockets), inside the usual 1024 soft limit, so none is raised.
    const STREAMS: usize = 200;
    let fake = fake().await;
    let s = serve(
        &fake.url(),
        &fake.url(),
        &[("PING_INTERVAL_MS", support::PING_NEVER)],
    )
    .await;
    // Every stream stays silent after message_start until all of them have been answered, so all
    // of them are open at once, whatever the machine's speed.
    let gate = format!("gate{}", support::unique_id());
    let body =
        serde_json::to_vec(&message(&format!("scenario:silent-{gate}"), true)).expect("json");
    let client = support::client();
    let started = Instant::now();
    let (heads, mut answered) = tokio::sync::mpsc::unbounded_channel();
    let tasks: Vec<_> = (0..STREAMS)
        .map(|_| {
            let req = request(
                "POST",
                &format!("{}/v1/messages", s.url),
                Some(KEY),
                body.clone(),
            );
            let (client, heads) = (client.clone(), heads.clone());
            tokio::spawn(async move {
                use http_body_util::BodyExt as _;
                let resp = client.request(req).await.expect("response");
                let status = resp.status().as_u16();
                let _ = heads.send(());
                let body = resp.into_body().collect().await.expect("body").to_bytes();
                (status, body)
            })
        })
        .collect();
    let all_open = async {
        for _ in 0..STREAMS {
            answered.recv().await.expect("a stream's head");
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all_open)
        .await
        .expect("200 streams open within 60 s");
    fake.open(&gate);
    let results = tokio::time::timeout(Duration::from_secs(60), futures_join(tasks))
        .await
        .expect("200 streams within 60 s");
    for (i, (status, body)) in results.into_iter().enumerate() {
        assert_eq!(status, 200, "stream {i}");
        let events = parse_sse(&body);
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_delta",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ],
            "stream {i}"
        );
        let text: String = events
            .iter()
            .filter_map(|e| e.data.pointer("/delta/text").and_then(Value::as_str))
            .collect();
        assert_eq!(text, "Hello from fake Bedrock.", "stream {i}");
    }
    eprintln!("{STREAMS} concurrent streams in {:?}", started.elapsed());
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn a_head_with_bare_line_feeds_is_read_like_hyper_reads_it() {
    let fake = fake().await;
    let s = serve(
        &fake.url(),
        &fake.url(),
        &[("HEADER_READ_TIMEOUT_MS", "5000")],
    )
    .await;
    let r = raw(&s, b"GET /health HTTP/1.1\nhost: gw\nconnection: close\n\n").await;
    assert_eq!((r.status, r.json()), (200, json!({"status": "ok"})));
}
