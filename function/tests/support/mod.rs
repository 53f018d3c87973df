//! Shared test harness: the fake Bedrock, an in-process gateway wired to it through the real SDK
//! clients, and a small HTTP client that records when each SSE event arrived.

#![allow(dead_code)] // each test binary uses a different part of this module

pub mod fake_bedrock;
pub mod sign;
pub mod stubs;

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_bedrockruntime::config::{Credentials, Region};
use bytes::Bytes;
use fake_bedrock::FakeBedrock;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

pub const KEY: &str = "sk-test-key";

/// A ping interval (ms) longer than any test waits: pings only where a test asks for them.
pub const PING_NEVER: &str = "600000";

pub struct Gateway {
    pub url: String,
    pub fake: FakeBedrock,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A gateway on 127.0.0.1:<free port> whose SDK clients point at a fresh fake Bedrock.
pub async fn gateway(extra_env: &[(&str, &str)]) -> Gateway {
    gateway_signing_as(extra_env, ("test", "test"), "us-east-1").await
}

/// Like [`gateway`], with the AWS credentials `(access key, secret)` and region the gateway's SDK
/// configuration holds (the fake only accepts `test`/`test` in us-east-1).
pub async fn gateway_signing_as(
    extra_env: &[(&str, &str)],
    (access_key, secret_key): (&str, &str),
    region: &'static str,
) -> Gateway {
    let fake = FakeBedrock::start(0).await.expect("fake bedrock starts");
    fake.set_secret(Some(KEY));
    let mut env: Vec<(String, String)> = vec![
        (
            "API_KEY_SECRET_ARN".into(),
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:gw".into(),
        ),
        // No gateway ping unless a test asks for one: a ping commits the stream, so on a busy
        // machine a short interval would turn up-front errors into error events and put pings
        // before `message_start` at random. Tests of pings set a short interval and hold the
        // upstream silent on a gate until they have seen them.
        ("PING_INTERVAL_MS".into(), PING_NEVER.into()),
    ];
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let settings = function::config::Settings::from_lookup(|name| {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("settings");
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(Credentials::new(
            access_key, secret_key, None, None, "tests",
        ))
        .endpoint_url(fake.url())
        .load()
        .await;
    let app = Arc::new(function::App::new(settings, &sdk));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(function::server::serve(app, listener));
    Gateway { url, fake, server }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn error_type(&self) -> String {
        self.json()["error"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn request(
    method: &str,
    url: &str,
    key: Option<&str>,
    body: impl Into<Bytes>,
) -> http::Request<Full<Bytes>> {
    let mut b = http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("x-api-key", k);
    }
    b.body(Full::new(body.into())).expect("request")
}

pub async fn send(req: http::Request<Full<Bytes>>) -> Reply {
    let resp = tokio::time::timeout(Duration::from_secs(20), client().request(req))
        .await
        .expect("response within 20 s")
        .expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = tokio::time::timeout(Duration::from_secs(20), resp.into_body().collect())
        .await
        .expect("body within 20 s")
        .expect("body")
        .to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn post(gw: &Gateway, path: &str, body: &Value) -> Reply {
    send(request(
        "POST",
        &format!("{}{path}", gw.url),
        Some(KEY),
        serde_json::to_vec(body).expect("json"),
    ))
    .await
}

#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: Value,
}

/// Splits an SSE body into events.
pub fn parse_sse(body: &[u8]) -> Vec<Event> {
    let text = std::str::from_utf8(body).expect("utf8");
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = String::new();
            let mut data = Value::Null;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_owned();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(d)
                        .unwrap_or_else(|e| panic!("bad data line {d:?}: {e}"));
                }
            }
            Event { name, data }
        })
        .collect()
}

pub struct Streamed {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub events: Vec<Event>,
}

impl Streamed {
    pub fn names(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.name.as_str()).collect()
    }

    /// Event names without pings, for order checks: a ping may come between any two events.
    pub fn names_without_pings(&self) -> Vec<&str> {
        self.names().into_iter().filter(|n| *n != "ping").collect()
    }

    /// The events without pings, to index by position in the message.
    pub fn without_pings(&self) -> Vec<&Event> {
        self.events.iter().filter(|e| e.name != "ping").collect()
    }

    pub fn text(&self) -> String {
        self.events
            .iter()
            .filter_map(|e| e.data.pointer("/delta/text").and_then(Value::as_str))
            .collect()
    }
}

/// Posts and reads the SSE response incrementally, stamping each event with its arrival time.
pub async fn stream(gw: &Gateway, body: &Value) -> Streamed {
    stream_watching(gw, body, |_| {}).await
}

/// [`stream`], calling `watch` with the events so far each time one arrives (while the response
/// is still open), e.g. to open a gate of the fake once the silence it holds produced pings.
pub async fn stream_watching(
    gw: &Gateway,
    body: &Value,
    mut watch: impl FnMut(&[Event]),
) -> Streamed {
    let req = request(
        "POST",
        &format!("{}/v1/messages", gw.url),
        Some(KEY),
        serde_json::to_vec(body).expect("json"),
    );
    let resp = tokio::time::timeout(Duration::from_secs(20), client().request(req))
        .await
        .expect("headers within 20 s")
        .expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = resp.into_body();
    let mut buf = Vec::new();
    let mut events = Vec::new();
    while let Some(frame) = tokio::time::timeout(Duration::from_secs(20), body.frame())
        .await
        .expect("frame within 20 s")
    {
        if let Ok(data) = frame.expect("frame").into_data() {
            buf.extend_from_slice(&data);
            while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = buf.drain(..end + 2).collect();
                for e in parse_sse(&block) {
                    events.push(e);
                    watch(&events);
                }
            }
        }
    }
    assert!(
        buf.is_empty(),
        "trailing partial event: {:?}",
        String::from_utf8_lossy(&buf)
    );
    Streamed {
        status,
        headers,
        events,
    }
}

pub fn user(text: &str) -> Value {
    serde_json::json!([{"role": "user", "content": text}])
}

/// A process-unique suffix for ids made up by tests.
pub fn unique_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The address a `bootstrap serve` child (started with `PORT=0` and stdout piped) listens on,
/// and its log, drained all along (a full pipe would block the gateway's writes). The gateway
/// binds a port of the kernel's choosing and logs it: a port picked here and handed over could
/// be taken meanwhile by a stub binding port 0 in this process.
pub async fn listening(
    child: &mut tokio::process::Child,
) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::AsyncBufReadExt;
    let stdout: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let mut lines =
        tokio::io::BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let addr = loop {
        let line = lines
            .next_line()
            .await
            .expect("reads the gateway's log")
            .expect("bootstrap serve exited before it listened");
        let logged: Value = serde_json::from_str(&line).unwrap_or_default();
        stdout.lock().expect("lock").push(line);
        if logged["message"] == "listening" {
            break logged["address"]
                .as_str()
                .expect("the listening line names its address")
                .to_owned();
        }
    };
    let sink = stdout.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            sink.lock().expect("lock").push(line);
        }
    });
    (addr, stdout)
}
