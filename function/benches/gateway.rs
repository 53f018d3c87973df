//! Figures for the gateway's budget (a report, not a pass/fail test):
//!
//! - process start to ready (listening and answering /health)          target < 50 ms
//! - time to first byte added by the gateway, median, vs the fake direct target < 1 ms, on the
//!   Messages endpoint (SigV4-signed by the gateway) and on InvokeModelWithResponseStream
//! - peak RSS of the gateway while streaming a 1 MB response             target < 30 MB
//! - peak RSS with 50 concurrent streams: short answers held open 300 ms, target < 30 MB;
//!   then 1 MB answers (reported)
//! - size of the stripped release binary                                  target < 15 MB
//! - with `VENV` set (a virtualenv with moto): time to first byte with spend and rate limits on
//!   (moto as the table) against limits off, beside one table round trip measured alone, and
//!   peak RSS with 50 concurrent streams with limits on (reported)
//!
//! `cargo bench -p function --bench gateway` (release build of `bootstrap`, fake Bedrock in
//! process, everything on 127.0.0.1).

#[path = "../tests/support/fake_bedrock.rs"]
mod fake_bedrock;
#[path = "../tests/support/sign.rs"]
mod sign;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

const KEY: &str = "sk-bench";
const ROUNDS: usize = 300;
const CONCURRENT: usize = 50;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

struct Gateway {
    child: Child,
    url: String,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_gateway(fake_url: &str) -> Gateway {
    spawn_gateway_with(fake_url, &[])
}

fn spawn_gateway_with(fake_url: &str, env: &[(&str, String)]) -> Gateway {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .arg("serve")
        .env_remove("AWS_ENDPOINT_URL")
        .env("PORT", port.to_string())
        .env("API_KEY_SECRET_ARN", "bench-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake_url)
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake_url)
        .env("AWS_LAMBDA_LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("bootstrap starts");
    Gateway {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Spawn to first 200 from /health.
async fn time_to_ready(client: &HttpClient, fake_url: &str) -> Duration {
    let started = Instant::now();
    let gw = spawn_gateway(fake_url);
    loop {
        let req = http::Request::get(format!("{}/health", gw.url))
            .body(Full::new(Bytes::new()))
            .expect("req");
        if let Ok(resp) = client.request(req).await
            && resp.status() == 200
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "gateway did not start"
        );
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

/// A POST with the gateway's key (the fake ignores it).
fn post(url: &str, body: &[u8]) -> http::Request<Full<Bytes>> {
    http::Request::post(url)
        .header("x-api-key", KEY)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("req")
}

/// The headers of a POST to the fake's Messages endpoint, signed once as the gateway signs each
/// request (the fake does not check the signature's age).
fn signed_headers(url: &str, body: &[u8]) -> http::HeaderMap {
    let signer = sign::Signer {
        access_key: "test",
        secret: "test",
        region: "us-east-1",
        service: "bedrock",
        settings: aws_sigv4::http_request::SigningSettings::default(),
    };
    sign::signed_headers(url, body, signer)
}

/// Time until the first body byte of a request.
async fn ttfb(client: &HttpClient, req: http::Request<Full<Bytes>>) -> Duration {
    let url = req.uri().to_string();
    let started = Instant::now();
    let resp = client.request(req).await.expect("response");
    assert_eq!(resp.status(), 200, "{url}");
    let mut body = resp.into_body();
    while let Some(frame) = body.frame().await {
        if frame
            .expect("frame")
            .data_ref()
            .is_some_and(|d| !d.is_empty())
        {
            let t = started.elapsed();
            // Drain so the connection goes back to the pool for the next round.
            while body.frame().await.is_some() {}
            return t;
        }
    }
    panic!("empty body from {url}");
}

async fn drain(client: &HttpClient, url: &str, body: &[u8]) -> usize {
    let req = http::Request::post(url)
        .header("x-api-key", KEY)
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("req");
    let resp = client.request(req).await.expect("response");
    resp.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .len()
}

fn proc_status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default()
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn p90(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() * 9 / 10]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let fake = fake_bedrock::FakeBedrock::start(0).await.expect("fake");
    fake.set_secret(Some(KEY));
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();

    let mut starts = Vec::new();
    for _ in 0..10 {
        starts.push(time_to_ready(&client, &fake.url()).await);
    }
    let start_median = median(&mut starts);
    let start_max = *starts.iter().max().expect("runs");

    let gw = spawn_gateway(&fake.url());
    while time_to_ready_once(&client, &gw.url).await.is_err() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let via_gateway = format!("{}/v1/messages", gw.url);
    let messages_url = format!("{}/anthropic/v1/messages", fake.url());
    let messages_body = br#"{"model":"global.anthropic.claude-opus-5-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"bench"}]}"#;
    let messages_headers = signed_headers(&messages_url, messages_body);
    let direct_messages = || {
        let mut req = post(&messages_url, messages_body);
        *req.headers_mut() = messages_headers.clone();
        req
    };
    let invoke_url = format!(
        "{}/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream",
        fake.url()
    );
    let invoke_body = br#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"bench"}]}"#;
    let opus = br#"{"model":"claude-opus-5-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"bench"}]}"#;
    let haiku = br#"{"model":"claude-haiku-4-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"bench"}]}"#;
    let mut figures = Vec::new();
    for upstream in ["messages", "invoke"] {
        let gw_body: &[u8] = if upstream == "messages" { opus } else { haiku };
        let direct = || {
            if upstream == "messages" {
                direct_messages()
            } else {
                post(&invoke_url, invoke_body)
            }
        };
        for _ in 0..30 {
            ttfb(&client, post(&via_gateway, gw_body)).await;
            ttfb(&client, direct()).await;
        }
        let (mut through, mut straight) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            through.push(ttfb(&client, post(&via_gateway, gw_body)).await);
            straight.push(ttfb(&client, direct()).await);
        }
        figures.push((
            upstream,
            (median(&mut through), p90(&mut through)),
            (median(&mut straight), p90(&mut straight)),
        ));
    }

    let pid = gw.child.id();
    let rss_idle = proc_status_kb(pid, "VmRSS:");
    let big = br#"{"model":"claude-haiku-4-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"scenario:big-1048576"}]}"#;
    let mut streamed = 0;
    for _ in 0..3 {
        streamed = drain(&client, &via_gateway, big).await;
    }
    let rss_peak = proc_status_kb(pid, "VmHWM:");
    // Peak RSS only grows, so the loads are measured from the smallest up.
    let held = br#"{"model":"claude-sonnet-4-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"scenario:silent-300"}]}"#;
    concurrently(&client, &via_gateway, held).await;
    let rss_held = proc_status_kb(pid, "VmHWM:");
    let concurrent_bytes = concurrently(&client, &via_gateway, big).await;
    let rss_concurrent = proc_status_kb(pid, "VmHWM:");
    let limited = limits_figures(&client, &via_gateway, opus, held).await;
    let size = std::fs::metadata(env!("CARGO_BIN_EXE_bootstrap"))
        .map(|m| m.len())
        .unwrap_or_default();

    let verdict = |ok: bool| if ok { "ok" } else { "OVER" };
    println!("gateway benchmark (release build, loopback, fake Bedrock; {ROUNDS} rounds for TTFB)");
    println!(
        "  start to ready        median {} (max {})   target < 50 ms   {}",
        ms(start_median),
        ms(start_max),
        verdict(start_median < Duration::from_millis(50))
    );
    for (upstream, (g_med, g_p90), (d_med, d_p90)) in figures {
        let added = g_med.saturating_sub(d_med);
        println!(
            "  TTFB via gateway      {upstream:<8} median {} p90 {};  direct median {} p90 {}",
            ms(g_med),
            ms(g_p90),
            ms(d_med),
            ms(d_p90)
        );
        println!(
            "  added TTFB            {upstream:<8} median {}   target < 1 ms   {}",
            ms(added),
            verdict(added < Duration::from_millis(1))
        );
    }
    println!(
        "  peak RSS              {:.1} MB (idle after warm-up {:.1} MB; streamed {:.2} MB x3)   target < 30 MB   {}",
        rss_peak as f64 / 1024.0,
        rss_idle as f64 / 1024.0,
        streamed as f64 / 1_048_576.0,
        verdict(rss_peak < 30 * 1024)
    );
    println!(
        "  peak RSS, {CONCURRENT} streams  {:.1} MB (short answers held open 300 ms)   target < 30 MB   {}",
        rss_held as f64 / 1024.0,
        verdict(rss_held < 30 * 1024)
    );
    println!(
        "  peak RSS, {CONCURRENT} x 1 MB   {:.1} MB ({CONCURRENT} concurrent 1 MB streams, {:.1} MB in all; reported)",
        rss_concurrent as f64 / 1024.0,
        concurrent_bytes as f64 / 1_048_576.0,
    );
    match limited {
        Some(l) => {
            println!(
                "  TTFB limits on        messages median {} p90 {};  limits off median {} p90 {}",
                ms(l.on.0),
                ms(l.on.1),
                ms(l.off.0),
                ms(l.off.1)
            );
            println!(
                "  added by limits       median {};  the admission's writes alone (3 UpdateItems at once, moto) median {}",
                ms(l.on.0.saturating_sub(l.off.0)),
                ms(l.round_trip)
            );
            println!(
                "  peak RSS, {CONCURRENT} streams, limits on  {:.1} MB (reported)",
                l.rss_kb as f64 / 1024.0
            );
        }
        None => {
            println!("  limits                skipped: set VENV to a virtualenv with moto[server]")
        }
    }
    println!(
        "  binary size           {:.2} MB ({})   target < 15 MB   {}",
        size as f64 / 1_048_576.0,
        env!("CARGO_BIN_EXE_bootstrap"),
        verdict(size < 15 * 1024 * 1024)
    );
}

/// Streams `body` through `url` CONCURRENT times at once; the bytes received in all.
async fn concurrently(client: &HttpClient, url: &str, body: &'static [u8]) -> usize {
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move { drain(&client, &url, body).await })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("stream task");
    }
    total
}

async fn time_to_ready_once(client: &HttpClient, url: &str) -> Result<(), ()> {
    let req = http::Request::get(format!("{url}/health"))
        .body(Full::new(Bytes::new()))
        .map_err(|_| ())?;
    match client.request(req).await {
        Ok(r) if r.status() == 200 => Ok(()),
        _ => Err(()),
    }
}

struct LimitsFigures {
    /// Median and p90 TTFB with limits on and off.
    on: (Duration, Duration),
    off: (Duration, Duration),
    round_trip: Duration,
    rss_kb: u64,
}

/// TTFB with spend and rate limits kept in moto against the bench's gateway without limits
/// (`off_url`: same build, its own fake), and peak RSS under 50 streams with limits on; `None`
/// without `VENV`.
async fn limits_figures(
    client: &HttpClient,
    off_url: &str,
    body: &'static [u8],
    held: &'static [u8],
) -> Option<LimitsFigures> {
    let venv = std::env::var_os("VENV")?;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/support/moto_server.py"
    );
    // Stopped when dropped, also if the bench panics.
    let mut child = Command::new(std::path::Path::new(&venv).join("bin/python"))
        .args([script, "--atomic"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // moto binds a port of its own choosing and announces it.
    let mut line = String::new();
    let read = std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take()?),
        &mut line,
    );
    let url = line.trim().strip_prefix("MOTO_URL=").map(str::to_owned);
    let moto = Gateway {
        child,
        url: url.filter(|_| read.is_ok())?,
    };
    let moto_url = moto.url.clone();
    let dynamo = |target: &str, payload: serde_json::Value| {
        let mut req = post(&moto_url, payload.to_string().as_bytes());
        let h = req.headers_mut();
        h.insert(
            "x-amz-target",
            format!("DynamoDB_20120810.{target}")
                .parse()
                .expect("header"),
        );
        h.insert(
            "content-type",
            "application/x-amz-json-1.0".parse().expect("header"),
        );
        h.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
                .parse()
                .expect("header"),
        );
        req
    };
    let table = serde_json::json!({
        "TableName": "bench-limits", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    });
    client.request(dynamo("CreateTable", table)).await.ok()?;
    // What one admission writes: the key's and the group's month (conditional, with a lease)
    // and the key's minute window, at once. moto applies them one after another (as a real
    // table would not), so this is the admission's round trip here.
    let write = |pk: &str, sk: &str| {
        serde_json::json!({
            "TableName": "bench-limits", "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
            "UpdateExpression": "SET #l = :l ADD committed :a",
            "ConditionExpression": "attribute_not_exists(committed) OR committed <= :room",
            "ExpressionAttributeNames": {"#l": "lease_probe"},
            "ExpressionAttributeValues": {":l": {"M": {"amount": {"N": "0"}, "until": {"N": "0"}}},
                ":a": {"N": "0"}, ":room": {"N": "1000000000"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        })
    };
    let round = || {
        let writes = [
            write("key#probe", "spend#2026-12"),
            write("group#probe", "spend#2026-12"),
            write("key#probe", "rate#0"),
        ];
        let requests: Vec<_> = writes
            .into_iter()
            .map(|w| {
                let req = dynamo("UpdateItem", w);
                let client = client.clone();
                tokio::spawn(async move {
                    let answer = client.request(req).await.ok()?;
                    answer.into_body().collect().await.ok().map(|_| ())
                })
            })
            .collect();
        async move {
            for r in requests {
                r.await.ok()??;
            }
            Some(())
        }
    };
    let mut trips = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        round().await?;
        trips.push(started.elapsed());
    }
    let mut models: serde_json::Value =
        serde_json::from_str(include_str!("../models.json")).expect("the model map");
    for m in models["models"].as_array_mut().expect("models") {
        m["price"] = serde_json::json!({"usd_per_mtok": {"input": "5", "output": "25",
            "cache_write_5m": "6.25", "cache_write_1h": "10", "cache_read": "0.50"},
            "source": {"url": "https://example.com/bench-prices", "read": "2026-12-06"}});
    }
    let models_file =
        std::env::temp_dir().join(format!("bench-models-{}.json", std::process::id()));
    std::fs::write(&models_file, models.to_string()).ok()?;
    // Its own fake: the secret differs (a key with limits).
    let fake = fake_bedrock::FakeBedrock::start(0).await.ok()?;
    fake.set_secret(Some(
        &serde_json::json!({"keys": [{"name": "bench", "key": KEY, "group": "team",
            "limits": {"monthly_usd": 1e6, "requests_per_minute": 1_000_000, "output_tokens_per_minute": 1_000_000_000}}],
            "groups": {"team": {"monthly_usd": 1e7}}})
        .to_string(),
    ));
    let env = [
        ("LIMITS_TABLE", "bench-limits".to_owned()),
        ("AWS_ENDPOINT_URL_DYNAMODB", moto_url.clone()),
        ("MODELS_FILE", models_file.display().to_string()),
    ];
    let on = spawn_gateway_with(&fake.url(), &env);
    while time_to_ready_once(client, &on.url).await.is_err() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let on_url = format!("{}/v1/messages", on.url);
    for _ in 0..30 {
        ttfb(client, post(&on_url, body)).await;
        ttfb(client, post(off_url, body)).await;
    }
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        with.push(ttfb(client, post(&on_url, body)).await);
        without.push(ttfb(client, post(off_url, body)).await);
    }
    concurrently(client, &on_url, held).await;
    let rss_kb = proc_status_kb(on.child.id(), "VmHWM:");
    drop(moto);
    let _ = std::fs::remove_file(&models_file);
    Some(LimitsFigures {
        on: (median(&mut with), p90(&mut with)),
        off: (median(&mut without), p90(&mut without)),
        round_trip: median(&mut trips),
        rss_kb,
    })
}
