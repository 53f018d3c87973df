//! Spend limits, rate limits and cost attribution against DynamoDB — moto in server mode, with
//! each request applied whole (`tests/support/moto_server.py --atomic`: DynamoDB's per-item atomicity) — first
//! the table protocol itself, then two real `bootstrap serve` processes sharing one table.
//! Nothing here depends on timing: concurrency is made certain with the fake's gates, and the
//! bounds asserted are the protocol's arithmetic.
//!
//! Needs `VENV` (a virtualenv with moto[server], as function/tests/run.sh makes).

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::region::Region;
use function::auth::Principal;
use function::limits::dynamo::Dynamo;
use function::limits::policy::{Group, LimitSet, Scope, ScopeKind};
use function::limits::pricing;
use function::limits::store::{RateKind, Store, UsageRow};
use function::limits::{Demand, Limits, LimitsSettings};
use model_map::{Rates, TokenUsage as Tokens};
use proptest::prelude::*;
use serde_json::json;

/// Waits for something eventual (decisions landing in the table) end within this.
const BOUND: Duration = Duration::from_secs(60);

/// One moto server per test binary (a static is never dropped: the shell stops moto when this
/// process's end of its stdin closes). moto binds a port of the kernel's choosing and tells it
/// (`tests/support/moto_server.py`): a port picked here and handed over could be taken
/// meanwhile by a stub binding port 0.
fn moto() -> &'static str {
    static MOTO: OnceLock<(String, std::sync::Mutex<(Child, std::process::ChildStdin)>)> =
        OnceLock::new();
    &MOTO
        .get_or_init(|| {
            let venv = std::env::var_os("VENV").expect(
                "VENV is not set: point it at a virtualenv with function/tests/requirements.txt \
                 (moto[server]) installed, or run function/tests/run.sh",
            );
            let python = Path::new(&venv).join("bin/python");
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/support/moto_server.py");
            // The shell gives up its own stdout so that moto dying closes the pipe we read.
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(r#""$0" "$1" --atomic 2>/dev/null & pid=$!; exec >/dev/null; read _; kill "$pid""#)
                .arg(&python)
                .arg(&script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("sh starts moto");
            let stdin = child.stdin.take().expect("stdin");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("reads moto's announcement");
            let url = line
                .trim()
                .strip_prefix("MOTO_URL=")
                .unwrap_or_else(|| {
                    panic!(
                        "moto did not start (it said {line:?}): run `{} {} --atomic` to see why",
                        python.display(),
                        script.display()
                    )
                })
                .to_owned();
            (url, std::sync::Mutex::new((child, stdin)))
        })
        .0
}

fn sdk(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test", "test", None, None, "test",
        )))
        .endpoint_url(endpoint)
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build()
}

/// A fresh table in moto, shaped as the stack's (`pk`/`sk` strings, TTL on `expires_at`).
async fn table() -> String {
    let name = format!("limits-{}", support::unique_id());
    let db = Dynamo::new(&sdk(moto()), Duration::from_secs(5));
    db.call(
        "CreateTable",
        &json!({
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    )
    .await
    .expect("CreateTable");
    name
}

fn store(table: &str, lease_s: u64) -> Store {
    Store::new(
        Dynamo::new(&sdk(moto()), Duration::from_secs(5)),
        table.to_owned(),
        Duration::from_secs(lease_s),
    )
}

fn scope(kind: ScopeKind, name: &str, limits: LimitSet) -> Scope {
    Scope {
        kind,
        name: name.into(),
        limits,
    }
}

fn monthly(micro_usd: u64) -> LimitSet {
    LimitSet {
        monthly_micro_usd: Some(micro_usd),
        ..LimitSet::default()
    }
}

const MONTH: &str = "2026-12";

async fn row(store: &Store, name: &str) -> UsageRow {
    store
        .usage(MONTH)
        .await
        .expect("usage")
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no usage row for {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_reservations_take_exactly_the_room_a_limit_has() {
    let table = table().await;
    let store = Arc::new(store(&table, 900));
    let worst = 7_000;
    // Room for ten worst cases and a half: the eleventh must not fit.
    let alice = scope(ScopeKind::Key, "alice", monthly(10 * worst + worst / 2));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (store, alice) = (store.clone(), alice.clone());
        tasks.push(tokio::spawn(async move {
            let id = format!("r{i}");
            let ok = store
                .reserve_spend(&alice, MONTH, &id, worst, 1_000)
                .await
                .expect("the table answers");
            (id, ok)
        }));
    }
    let mut admitted = Vec::new();
    for t in tasks {
        let (id, ok) = t.await.expect("task");
        if ok {
            admitted.push(id);
        }
    }
    assert_eq!(admitted.len(), 10, "floor(limit / worst case) and no more");
    let r = row(&store, "alice").await;
    assert_eq!(
        (r.committed, r.spent, r.open_leases),
        (10 * worst as i64, 0, 10)
    );
    // Settling trades each reservation for its real cost.
    let cost = 1_234;
    for id in &admitted {
        store
            .settle_spend(
                &alice,
                MONTH,
                id,
                Some(worst),
                Some(cost),
                &Tokens::default(),
            )
            .await
            .expect("settle");
    }
    let r = row(&store, "alice").await;
    assert_eq!(
        (r.committed, r.spent, r.requests, r.open_leases),
        (10 * cost as i64, 10 * cost as i64, 10, 0)
    );
}

#[tokio::test]
async fn an_unsettled_reservation_is_reclaimed_once_its_lease_has_run_out() {
    let table = table().await;
    let store = store(&table, 60);
    let worst = 5_000;
    let alice = scope(ScopeKind::Key, "alice", monthly(worst));
    assert!(
        store
            .reserve_spend(&alice, MONTH, "lost", worst, 1_000)
            .await
            .expect("reserve")
    );
    // Within the lease the budget stays held...
    assert!(
        !store
            .reserve_spend(&alice, MONTH, "second", worst, 1_060)
            .await
            .expect("reserve")
    );
    // ...after it, the next writer reclaims it and fits.
    assert!(
        store
            .reserve_spend(&alice, MONTH, "third", worst, 1_061)
            .await
            .expect("reserve")
    );
    let r = row(&store, "alice").await;
    assert_eq!((r.committed, r.open_leases), (worst as i64, 1));
    // The lost request settles late after all: its real cost is charged in full, once.
    store
        .settle_spend(
            &alice,
            MONTH,
            "lost",
            Some(worst),
            Some(700),
            &Tokens::default(),
        )
        .await
        .expect("settle");
    store
        .settle_spend(
            &alice,
            MONTH,
            "third",
            Some(worst),
            Some(300),
            &Tokens::default(),
        )
        .await
        .expect("settle");
    let r = row(&store, "alice").await;
    assert_eq!((r.committed, r.spent, r.open_leases), (1_000, 1_000, 0));
}

#[tokio::test]
async fn minute_windows_admit_up_to_each_limit_and_name_the_full_one() {
    let table = table().await;
    let store = store(&table, 900);
    let rpm = scope(
        ScopeKind::Key,
        "alice",
        LimitSet {
            requests_per_minute: Some(3),
            ..LimitSet::default()
        },
    );
    for _ in 0..3 {
        assert_eq!(store.admit_rate(&rpm, 100, 0).await.expect("admit"), None);
    }
    assert_eq!(
        store.admit_rate(&rpm, 100, 0).await.expect("admit"),
        Some(RateKind::Requests)
    );
    assert_eq!(
        store.admit_rate(&rpm, 101, 0).await.expect("admit"),
        None,
        "a new minute"
    );
    store.release_rate(&rpm, 100, 0).await.expect("release");
    assert_eq!(
        store.admit_rate(&rpm, 100, 0).await.expect("admit"),
        None,
        "room given back"
    );

    let otpm = scope(
        ScopeKind::Group,
        "team",
        LimitSet {
            output_tokens_per_minute: Some(1_000),
            input_tokens_per_minute: Some(500),
            ..LimitSet::default()
        },
    );
    assert_eq!(store.admit_rate(&otpm, 7, 600).await.expect("admit"), None);
    assert_eq!(
        store.admit_rate(&otpm, 7, 600).await.expect("admit"),
        Some(RateKind::OutputTokens),
        "600 reserved + 600 > 1000"
    );
    // Settling trades the reservation for the real output and counts the prompt.
    let used = Tokens {
        input: 500,
        output: 100,
        ..Tokens::default()
    };
    store
        .settle_rate(&otpm, 7, 600, &used)
        .await
        .expect("settle");
    assert_eq!(
        store.admit_rate(&otpm, 7, 600).await.expect("admit"),
        Some(RateKind::InputTokens),
        "500 prompt tokens used of 500"
    );
}

/// $3 in, $15 out, $3.75 / $6 cache writes, $0.30 cache reads per million tokens, as the model
/// map writes them.
fn price_json() -> serde_json::Value {
    json!({"input": "3", "output": "15", "cache_write_5m": "3.75", "cache_write_1h": "6", "cache_read": "0.30"})
}

fn price() -> Rates {
    serde_json::from_value(price_json()).expect("rates")
}

fn limits(table: Option<&str>, endpoint: &str, fail_open: bool) -> Limits {
    Limits::new(
        LimitsSettings {
            table: table.map(str::to_owned),
            timeout: Duration::from_secs(5),
            fail_open,
            lease: Duration::from_secs(900),
        },
        &sdk(endpoint),
    )
}

fn admission<'a>(p: &'a Principal, id: &'a str) -> Demand<'a> {
    Demand {
        principal: p,
        model: "claude-test",
        price: Some(price()),
        input_bound: 1_000,
        max_output: 1_000,
        request_id: id,
    }
}

#[tokio::test]
async fn a_group_limit_refuses_the_request_that_would_pass_it_and_keeps_nothing_of_it() {
    let table = table().await;
    let l = limits(Some(&table), moto(), false);
    let worst = pricing::worst_case(&price(), 1_000, 1_000);
    let team = Group {
        name: "team".into(),
        limits: monthly(2 * worst),
    };
    let alice = Principal::with_limits("alice", monthly(100 * worst), Some(team.clone()));
    let bob = Principal::with_limits("bob", LimitSet::default(), Some(team));
    let a1 = l
        .admit(admission(&alice, "a1"))
        .await
        .expect("room for one");
    let b1 = l.admit(admission(&bob, "b1")).await.expect("room for two");
    let err = l
        .admit(admission(&alice, "a2"))
        .await
        .err()
        .expect("the group is full");
    assert_eq!(
        (err.status.as_u16(), err.kind.as_str()),
        (400, "invalid_request_error")
    );
    assert!(err.message.contains("group \"team\""), "{}", err.message);
    assert!(err.message.contains("regain access on"), "{}", err.message);
    assert!(err.message.contains("do not retry"), "{}", err.message);
    // The key's own reservation for the refused request was given back.
    let store = Store::new(
        Dynamo::new(&sdk(moto()), Duration::from_secs(5)),
        table.clone(),
        Duration::from_secs(900),
    );
    let month = function::limits::store::Month::of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    );
    let usage = store.usage(&month.name).await.expect("usage");
    let alice_row = usage.iter().find(|r| r.name == "alice").expect("alice");
    assert_eq!(
        (alice_row.open_leases, alice_row.committed),
        (1, worst as i64)
    );
    // Settling both: spend recorded per key and per group, equal to the costs.
    let usage_of = |input, output| function::sse::Usage {
        input_tokens: Some(input),
        output_tokens: Some(output),
        ..Default::default()
    };
    let s1 = a1.settle(&usage_of(100, 10)).await;
    let s2 = b1.settle(&usage_of(200, 20)).await;
    assert!(!s1.write_failed && !s2.write_failed);
    let (c1, c2) = (
        s1.cost_micro_usd.expect("priced"),
        s2.cost_micro_usd.expect("priced"),
    );
    assert_eq!(c1, 100 * 3 + 10 * 15);
    let usage = store.usage(&month.name).await.expect("usage");
    let spent = |kind: ScopeKind, name: &str| {
        usage
            .iter()
            .find(|r| r.kind == kind && r.name == name)
            .map(|r| (r.spent, r.committed, r.open_leases))
    };
    assert_eq!(
        spent(ScopeKind::Key, "alice"),
        Some((c1 as i64, c1 as i64, 0))
    );
    assert_eq!(
        spent(ScopeKind::Key, "bob"),
        Some((c2 as i64, c2 as i64, 0))
    );
    assert_eq!(
        spent(ScopeKind::Group, "team"),
        Some(((c1 + c2) as i64, (c1 + c2) as i64, 0))
    );
    // And a model without a price is refused under a spend limit, before any write.
    let unpriced = Demand {
        price: None,
        ..admission(&alice, "a3")
    };
    let err = l.admit(unpriced).await.err().expect("no price");
    assert!(err.message.contains("no price"), "{}", err.message);
}

#[tokio::test]
async fn an_unreachable_table_fails_closed_by_default_and_open_when_configured() {
    // A port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let alice = Principal::with_limits("alice", monthly(1_000_000_000), None);
    let err = limits(Some("t"), &closed, false)
        .admit(admission(&alice, "x"))
        .await
        .err()
        .expect("fails closed");
    assert_eq!(err.status.as_u16(), 503);
    let ticket = limits(Some("t"), &closed, true)
        .admit(admission(&alice, "y"))
        .await
        .expect("fails open");
    assert!(ticket.admitted_without_table);
    let settled = ticket.settle(&function::sse::Usage::default()).await;
    assert!(settled.write_failed, "counted as a failed limit write");
    // Limits without any table are never silently ignored.
    let err = limits(None, &closed, false)
        .admit(admission(&alice, "z"))
        .await
        .err()
        .expect("no table");
    assert!(err.message.contains("LIMITS_TABLE"), "{}", err.message);
}

/// One step of a client's life against one limit, for the property test below.
#[derive(Debug, Clone)]
enum Op {
    Reserve(u64),
    /// Settle the oldest open reservation at this share (per mille) of its amount.
    Settle(u64),
    /// Give the oldest open reservation back.
    Release,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            (1u64..400).prop_map(Op::Reserve),
            (0u64..=1000).prop_map(Op::Settle),
            Just(Op::Release),
        ],
        1..24,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the order of reservations, settlements and releases: spend never passes the
    /// limit, `committed` is always spend plus what is open, and a refusal happens only when
    /// the request truly did not fit.
    #[test]
    fn committed_spend_never_passes_the_limit(limit in 1u64..2_000, ops in ops()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async {
            let table = table().await;
            let store = store(&table, 900);
            let alice = scope(ScopeKind::Key, "alice", monthly(limit));
            let mut open: Vec<(String, u64)> = Vec::new();
            let (mut spent, mut n) = (0u64, 0);
            for op in ops {
                match op {
                    Op::Reserve(amount) => {
                        n += 1;
                        let id = format!("r{n}");
                        let committed = spent + open.iter().map(|(_, a)| a).sum::<u64>();
                        let ok = store.reserve_spend(&alice, MONTH, &id, amount, 1_000).await.expect("reserve");
                        prop_assert_eq!(ok, committed + amount <= limit, "admitted exactly when it fits");
                        if ok { open.push((id, amount)); }
                    }
                    Op::Settle(share) if !open.is_empty() => {
                        let (id, amount) = open.remove(0);
                        let cost = amount * share / 1000;
                        store.settle_spend(&alice, MONTH, &id, Some(amount), Some(cost), &Tokens::default()).await.expect("settle");
                        spent += cost;
                    }
                    Op::Release if !open.is_empty() => {
                        let (id, amount) = open.remove(0);
                        store.release_spend(&alice, MONTH, &id, amount).await.expect("release");
                    }
                    _ => {}
                }
                let usage = store.usage(MONTH).await.expect("usage");
                if let Some(r) = usage.first() {
                    let held: u64 = open.iter().map(|(_, a)| a).sum();
                    prop_assert_eq!(r.spent as u64, spent);
                    prop_assert_eq!(r.committed as u64, spent + held);
                    prop_assert!(r.committed as u64 <= limit);
                    prop_assert_eq!(r.open_leases, open.len());
                }
            }
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------------------
// Two `bootstrap serve` processes sharing one table.

/// A `bootstrap serve` process and what it wrote on stdout.
struct Served {
    url: String,
    stdout: Arc<std::sync::Mutex<Vec<String>>>,
    _child: tokio::process::Child,
}

impl Served {
    fn request_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|l| l["message"] == "request")
            .collect()
    }
}

async fn serve(env: &[(&str, String)]) -> Served {
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
        .env(
            "API_KEY_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:gw",
        )
        .env("PING_INTERVAL_MS", support::PING_NEVER)
        // Generous: moto serializes every request, and a machine under load must not turn a
        // slow table into a fail-closed 503.
        .env("LIMITS_TIMEOUT_MS", "20000")
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("bootstrap starts");
    let (addr, stdout) = support::listening(&mut child).await;
    Served {
        url: format!("http://{addr}"),
        stdout,
        _child: child,
    }
}

/// The embedded model map with `price()` on every model, as a file for `MODELS_FILE`.
fn priced_models() -> scratch::Path {
    let mut map: serde_json::Value =
        serde_json::from_str(function::models::EMBEDDED_MODELS).expect("embedded map");
    for m in map["models"].as_array_mut().expect("models") {
        m["price"] = json!({
            "usd_per_mtok": price_json(),
            "source": {"url": "https://example.com/test-prices", "read": "2026-12-06"},
        });
    }
    scratch::write(&serde_json::to_vec(&map).expect("json"))
}

/// A scratch file removed when dropped (no tempfile crate for one file).
mod scratch {
    pub struct Path(pub std::path::PathBuf);
    impl Drop for Path {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    pub fn write(bytes: &[u8]) -> Path {
        let path = std::env::temp_dir().join(format!(
            "limits-models-{}-{}.json",
            std::process::id(),
            super::support::unique_id()
        ));
        std::fs::write(&path, bytes).expect("write the model map");
        Path(path)
    }
}

/// The model the end-to-end requests use: Bedrock's Messages endpoint (signed SSE).
const MODEL: &str = "claude-opus-5-5";
/// What the fake reports for every answer: input, output, cache read, and cache writes not
/// split by time to live (charged at the 1-hour rate).
const FAKE_USAGE: Tokens = Tokens {
    input: 25,
    output: 12,
    cache_write_5m: 0,
    cache_write_1h: 3,
    cache_read: 5,
};

fn messages_body(text: &str, max_tokens: u64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "model": MODEL, "max_tokens": max_tokens, "stream": true,
        "messages": [{"role": "user", "content": text}],
    }))
    .expect("json")
}

async fn post(url: &str, key: &str, body: Vec<u8>) -> support::Reply {
    support::send(support::request(
        "POST",
        &format!("{url}/v1/messages"),
        Some(key),
        body,
    ))
    .await
}

fn now_month() -> String {
    function::limits::store::Month::of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .name
}

/// `bootstrap usage --json` against the table, as an operator runs it.
async fn usage_command(table: &str, month: &str) -> serde_json::Value {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .args(["usage", "--json", "--month", month])
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env("LIMITS_TABLE", table)
        .env("AWS_ENDPOINT_URL_DYNAMODB", moto())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .expect("bootstrap usage runs");
    assert!(
        out.status.success(),
        "bootstrap usage failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("usage JSON")
}

fn spent(usage: &serde_json::Value, scope: &str, name: &str) -> (i64, i64, i64) {
    let row = usage["usage"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["scope"] == scope && r["name"] == name)
        .unwrap_or_else(|| panic!("no usage row for {scope} {name}: {usage}"));
    (
        row["spent_micro_usd"].as_i64().expect("spent"),
        row["reserved_micro_usd"].as_i64().expect("reserved"),
        row["requests"].as_i64().expect("requests"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_gateways_sharing_the_table_hold_spend_and_rate_limits_under_fifty_streams() {
    let fake = support::fake_bedrock::FakeBedrock::start(0)
        .await
        .expect("fake bedrock");
    let table = table().await;
    let models = priced_models();
    let gate = format!("g{}", support::unique_id());
    let held = messages_body(&format!("hello scenario:silentfirst-{gate}"), 1_000);
    let plain = messages_body("hello", 1_000);
    let p = price();
    // What the gateway reserves per request: the body as prompt bound, max_tokens as output.
    let worst = pricing::worst_case(&p, pricing::input_bound(held.len(), None), 1_000);
    let cost = pricing::cost(&p, &FAKE_USAGE);
    // alice: room for ten worst cases and a half; the team is far larger, so alice's own limit
    // binds. bob and carol share "small", which holds one worst case and two real costs.
    let alice_limit = 10 * worst + worst / 2;
    let worst_plain = pricing::worst_case(&p, pricing::input_bound(plain.len(), None), 1_000);
    let small_limit = worst_plain + 2 * cost + cost / 2;
    let usd = |micro: u64| micro as f64 / 1e6;
    let secret = json!({
        "keys": [
            {"name": "alice", "key": "sk-alice", "group": "team", "limits": {"monthly_usd": usd(alice_limit)}},
            {"name": "bob", "key": "sk-bob", "group": "small"},
            {"name": "carol", "key": "sk-carol", "group": "small"},
            {"name": "dave", "key": "sk-dave", "limits": {"requests_per_minute": 2}},
        ],
        "groups": {"team": {"monthly_usd": 1000}, "small": {"monthly_usd": usd(small_limit)}},
    });
    fake.set_secret(Some(&secret.to_string()));
    let env = [
        ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url()),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake.url()),
        ("AWS_ENDPOINT_URL_DYNAMODB", moto().to_owned()),
        ("LIMITS_TABLE", table.clone()),
        ("MODELS_FILE", models.0.display().to_string()),
    ];
    let gateways = [serve(&env).await, serve(&env).await];
    let month = now_month();

    // 50 streams of alice at once, alternating between the processes. Every admitted stream
    // is held before its first event (the fake's gate), so no settlement can free room while
    // the 50 decide: exactly floor(limit / worst case) are admitted, whatever the order.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let url = gateways[i % 2].url.clone();
        let body = held.clone();
        tasks.push(tokio::spawn(
            async move { post(&url, "sk-alice", body).await },
        ));
    }
    let admitted = (alice_limit / worst) as usize;
    assert_eq!(admitted, 10);
    let store = Store::new(
        Dynamo::new(&sdk(moto()), Duration::from_secs(5)),
        table.clone(),
        Duration::from_secs(900),
    );
    // Bounded wait for the decisions: 40 refusals answered, 10 leases open in the table.
    let until = Instant::now() + BOUND;
    loop {
        let refused = tasks.iter().filter(|t| t.is_finished()).count();
        let open = store
            .usage(&month)
            .await
            .expect("usage")
            .iter()
            .find(|r| r.kind == ScopeKind::Key && r.name == "alice")
            .map_or(0, |r| r.open_leases);
        if refused == 50 - admitted && open == admitted {
            break;
        }
        assert!(
            Instant::now() < until,
            "after {BOUND:?}: {refused} answered, {open} open leases"
        );
        // Not faster: every poll is a Scan that waits its turn in moto.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    fake.open(&gate);
    let mut ok = 0;
    for t in tasks {
        let reply = t.await.expect("task");
        match reply.status {
            200 => {
                let events = support::parse_sse(&reply.body);
                assert!(
                    events.iter().any(|e| e.name == "message_stop"),
                    "a whole stream"
                );
                ok += 1;
            }
            400 => {
                assert_eq!(reply.error_type(), "invalid_request_error");
                assert_eq!(reply.headers["x-should-retry"], "false");
                let message = reply.json()["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                assert!(
                    message.contains("API key \"alice\"")
                        && message.contains("monthly spend limit"),
                    "{message}"
                );
                assert!(
                    message.contains("regain access on") && message.contains("00:00 UTC"),
                    "{message}"
                );
            }
            other => panic!("unexpected {other}: {:?}", reply.body),
        }
    }
    assert_eq!(ok, admitted);

    // What the table says equals the sum of what the access logs say, and never passes the limit.
    let logged = |key: &str| -> (u64, usize) {
        let lines: Vec<serde_json::Value> = gateways
            .iter()
            .flat_map(Served::request_lines)
            .filter(|l| l["key"] == key && l["status"] == 200)
            .collect();
        let sum = lines
            .iter()
            .map(|l| l["cost_micro_usd"].as_u64().expect("cost logged"))
            .sum();
        (sum, lines.len())
    };
    // Log lines are written before each body ends, so they are all there once the bodies are.
    let (alice_cost, alice_ok) = logged("alice");
    assert_eq!((alice_cost, alice_ok), (cost * admitted as u64, admitted));
    let usage = usage_command(&table, &month).await;
    assert_eq!(
        spent(&usage, "key", "alice"),
        (alice_cost as i64, 0, admitted as i64)
    );
    assert_eq!(
        spent(&usage, "group", "team"),
        (alice_cost as i64, 0, admitted as i64)
    );
    assert!(alice_cost <= alice_limit, "no overshoot");

    // The group limit, across keys and processes, one request at a time: room for the worst
    // case is there for the first three (0, 1 and 2 real costs spent), not the fourth.
    let keys = ["sk-bob", "sk-carol"];
    for i in 0..3 {
        let reply = post(&gateways[i % 2].url, keys[i % 2], plain.clone()).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
    let refused = post(&gateways[1].url, "sk-bob", plain.clone()).await;
    assert_eq!(refused.status, 400);
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("group \"small\""), "{message}");
    let usage = usage_command(&table, &month).await;
    assert_eq!(spent(&usage, "group", "small").0, 3 * cost as i64);
    let (bob, _) = logged("bob");
    let (carol, _) = logged("carol");
    assert_eq!(bob + carol, 3 * cost);

    // The rate limit: two requests a minute. Whatever minute the requests fall in, a third
    // within one window is refused, so 429 comes within five requests.
    let mut got = None;
    for i in 0..5 {
        let reply = post(&gateways[i % 2].url, "sk-dave", plain.clone()).await;
        if reply.status == 429 {
            got = Some(reply);
            break;
        }
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
    let reply = got.expect("a 429 within five requests at two a minute");
    assert_eq!(reply.error_type(), "rate_limit_error");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.headers["x-should-retry"], "true");
    drop(models);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_are_given_back_when_bedrock_fails_or_the_client_leaves() {
    use http_body_util::BodyExt;
    let fake = support::fake_bedrock::FakeBedrock::start(0)
        .await
        .expect("fake bedrock");
    let table = table().await;
    let models = priced_models();
    fake.set_secret(Some(
        &json!({"keys": [{"name": "erin", "key": "sk-erin", "limits": {"monthly_usd": 100}}]})
            .to_string(),
    ));
    let env = [
        ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url()),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", fake.url()),
        ("AWS_ENDPOINT_URL_DYNAMODB", moto().to_owned()),
        ("LIMITS_TABLE", table.clone()),
        ("MODELS_FILE", models.0.display().to_string()),
    ];
    let gateway = serve(&env).await;
    let month = now_month();

    // Bedrock refuses before any stream: the client gets Bedrock's error, the key keeps its room.
    let refused = post(
        &gateway.url,
        "sk-erin",
        messages_body("hi scenario:http-529-overloaded_error", 1_000),
    )
    .await;
    assert_eq!(refused.status, 529, "{:?}", refused.body);
    assert_eq!(
        spent(&usage_command(&table, &month).await, "key", "erin"),
        (0, 0, 1)
    );

    // The client leaves mid-stream: what was used so far is charged, the rest given back.
    let response = support::client()
        .request(support::request(
            "POST",
            &format!("{}/v1/messages", gateway.url),
            Some("sk-erin"),
            messages_body("hi scenario:endless", 1_000),
        ))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    body.frame().await.expect("a first event").expect("a frame");
    drop(body);
    let until = Instant::now() + BOUND;
    // The settlement is written before the log line, so once the line is there, both are.
    loop {
        let logged: Vec<u64> = gateway
            .request_lines()
            .iter()
            .filter(|l| l["outcome"] == "client_disconnected")
            .filter_map(|l| l["cost_micro_usd"].as_u64())
            .collect();
        if !logged.is_empty() {
            let (spent_now, reserved, requests) =
                spent(&usage_command(&table, &month).await, "key", "erin");
            assert_eq!(
                (reserved, requests),
                (0, 2),
                "nothing held once the stream ended"
            );
            assert_eq!(logged, [u64::try_from(spent_now).expect("positive")]);
            break;
        }
        assert!(
            Instant::now() < until,
            "the abandoned stream was not settled"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
