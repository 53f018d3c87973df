//! The gateway end to end over HTTP: in-process server, real SDK clients, wire-level fake Bedrock.

mod support;

use std::time::{Duration, Instant};

use base64::Engine as _;
use function::models::{ModelMap, Upstream};
use serde_json::{Value, json};
use support::fake_bedrock::{CREDENTIALS, sigv4};
use support::{KEY, gateway, gateway_signing_as, post, request, send, stream, user};

/// A current model on Bedrock's native Messages endpoint.
const OPUS: &str = "claude-opus-5-5";
const OPUS_PROFILE: &str = "global.anthropic.claude-opus-5-5";
/// A legacy model on InvokeModel.
const HAIKU: &str = "claude-haiku-4-5-20251001";
const NOVA: &str = "amazon-nova-pro";
const MESSAGES_PATH: &str = "/anthropic/v1/messages";

/// The requests the fake Bedrock received for a model (Messages endpoint, InvokeModel*, Converse*).
fn model_calls(gw: &support::Gateway) -> Vec<Value> {
    gw.fake
        .requests()
        .into_iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/model/") || p.starts_with("/anthropic/"))
        })
        .collect()
}

fn last_model_call(gw: &support::Gateway) -> Value {
    model_calls(gw).pop().expect("an upstream model call")
}

fn msg(model: &str, text: &str, stream: bool) -> Value {
    json!({"model": model, "max_tokens": 256, "stream": stream, "messages": user(text)})
}

fn weather_tool() -> Value {
    json!([{"name": "get_weather", "description": "Weather by city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}])
}

fn bash_tool() -> Value {
    json!([{"name": "Bash", "description": "Run a shell command",
            "input_schema": {"type": "object", "properties": {"command": {"type": "string"},
                "description": {"type": "string"}}, "required": ["command"]}}])
}

/// The InvokeModel path the SDK requests for a model id (`:` is percent-encoded in the label).
fn invoke_path(profile: &str, op: &str) -> String {
    format!("/model/{}/{op}", profile.replace(':', "%3A"))
}

fn raw_post(
    gw: &support::Gateway,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let mut b = http::Request::builder()
        .method("POST")
        .uri(format!("{}{path}", gw.url))
        .header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(http_body_util::Full::new(bytes::Bytes::from(
        serde_json::to_vec(body).expect("json"),
    )))
    .expect("request")
}

// ---------- the map picks the upstream ----------

#[tokio::test]
async fn every_mapped_name_reaches_the_upstream_its_map_entry_names() {
    let gw = gateway(&[]).await;
    let map = ModelMap::load(None).expect("embedded map");
    for model in map.models() {
        for name in std::iter::once(&model.id).chain(&model.aliases) {
            let r = post(&gw, "/v1/messages", &msg(name, "hello", false)).await;
            assert_eq!(r.status, 200, "{name}: {:?}", r.body);
            assert_eq!(r.json()["model"], model.id.as_str(), "{name}");
            let call = last_model_call(&gw);
            let path = call["path"].as_str().unwrap_or_default().to_owned();
            match model.upstream {
                Upstream::Messages => {
                    assert_eq!(path, MESSAGES_PATH, "{name}");
                    assert_eq!(call["body"]["model"], model.invoke_id());
                }
                Upstream::Invoke => {
                    assert_eq!(path, invoke_path(model.invoke_id(), "invoke"), "{name}")
                }
                Upstream::Converse => {
                    assert_eq!(path, invoke_path(model.invoke_id(), "converse"), "{name}")
                }
            }
            assert_eq!(call["signature"], "valid", "{name}: {call}");
        }
    }
}

// ---------- Bedrock's Messages endpoint (upstream = "messages") ----------

#[tokio::test]
async fn both_anthropic_upstreams_stream_events_in_order_with_the_client_model_id() {
    let gw = gateway(&[]).await;
    for (name, id) in [(OPUS, OPUS), ("claude-haiku-4-5", HAIKU)] {
        let s = stream(&gw, &msg(name, "hello", true)).await;
        assert_eq!(s.status, 200);
        assert_eq!(s.headers["content-type"], "text/event-stream");
        assert!(s.headers.contains_key("request-id"));
        assert_eq!(
            s.names_without_pings(),
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
            "{name}"
        );
        let start = &s.without_pings()[0].data["message"];
        assert_eq!(start["model"], id, "the map id, the upstream name hidden");
        assert_eq!(start["usage"]["cache_read_input_tokens"], 5);
        assert_eq!(s.text(), "Hello from fake Bedrock.");
        let stop = s
            .events
            .iter()
            .find(|e| e.name == "message_stop")
            .expect("stop");
        assert_eq!(
            stop.data,
            json!({"type": "message_stop"}),
            "invocation metrics stripped"
        );
        let delta = s
            .events
            .iter()
            .find(|e| e.name == "message_delta")
            .expect("delta");
        assert_eq!(delta.data["usage"]["output_tokens"], 12);
    }
    // The Messages endpoint's own ping is passed on (the harness's gateway sends none, so any
    // ping here is the upstream's; where in the stream it lands is not the point).
    let s = stream(&gw, &msg(OPUS, "hello", true)).await;
    assert!(s.names().contains(&"ping"), "{:?}", s.names());
}

#[tokio::test]
async fn what_claude_code_sends_reaches_the_messages_endpoint_unchanged_but_model() {
    let gw = gateway(&[]).await;
    let body = json!({
        "model": OPUS, "max_tokens": 32000, "stream": true,
        "messages": [
            {"role": "system", "content": "per-turn instructions"},
            {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}
        ],
        "system": [{"type": "text", "text": "You are Claude Code"}],
        "thinking": {"type": "adaptive", "display": "omitted"},
        "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
        "output_config": {"effort": "high"},
        "metadata": {"user_id": claude_code_user("abc", "", "s-1")},
        "tools": [{"name": "Bash", "description": "run", "input_schema": {"type": "object"}, "defer_loading": true}],
        "tool_choice": {"type": "auto"}
    });
    let betas = "claude-code-20250219,context-management-2025-06-27,per-turn-control-2026-07-01,some-future-beta-2027-01-01";
    let req = raw_post(
        &gw,
        "/v1/messages?beta=true&debug=1",
        &[
            ("authorization", &format!("Bearer {KEY}")),
            ("anthropic-version", "2026-10-21"),
            ("anthropic-beta", betas),
        ],
        &body,
    );
    let r = send(req).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sent = last_model_call(&gw);
    assert_eq!(sent["path"], MESSAGES_PATH);
    assert_eq!(sent["query"], "beta=true", "only `beta` is forwarded");
    assert_eq!(sent["headers"]["anthropic-version"], "2026-10-21");
    assert_eq!(sent["headers"]["anthropic-beta"], betas);
    assert_eq!(sent["headers"]["content-type"], "application/json");
    assert_eq!(
        sent["signature"], "valid",
        "SigV4 with the SDK's credentials"
    );
    let mut expected = body.clone();
    expected["model"] = json!(OPUS_PROFILE);
    assert_eq!(
        sent["body"], expected,
        "nothing else lost, nothing added; Claude Code's user_id as it sent it"
    );
}

/// `metadata.user_id` as Claude Code sends it (a JSON string).
fn claude_code_user(device: &str, account: &str, session: &str) -> String {
    json!({"device_id": device, "account_uuid": account, "session_id": session}).to_string()
}

/// The user id the upstream received for a request with `metadata.user_id`: the body's, or on
/// Converse its `requestMetadata`'s.
async fn sent_user(gw: &support::Gateway, model: &str, user_id: &str) -> Value {
    let body = json!({"model": model, "max_tokens": 64, "messages": user("hi"),
        "metadata": {"user_id": user_id}});
    let r = post(gw, "/v1/messages", &body).await;
    assert_eq!(r.status, 200, "{model} {user_id}: {:?}", r.body);
    let sent = last_model_call(gw)["body"].clone();
    match sent.pointer("/metadata/user_id") {
        Some(v) => v.clone(),
        None => sent["requestMetadata"]["user_id"].clone(),
    }
}

#[tokio::test]
async fn claude_codes_user_id_is_kept_where_bedrock_takes_it_and_stable_per_user_on_converse() {
    let gw = gateway(&[]).await;
    let n = support::unique_id();
    let (device, other_device) = (format!("{n:064x}"), format!("{:064x}", n + 1));
    let account = "4c1f6b2e-0c1d-4e5f-8a9b-0c1d2e3f4a5b";
    let session = |i: u64| format!("00000000-0000-4000-8000-{i:012x}");
    for model in [OPUS, HAIKU] {
        let user = claude_code_user(&device, account, &session(1));
        assert_eq!(
            sent_user(&gw, model, &user).await,
            json!(user),
            "{model}: unchanged"
        );
    }
    // Converse's requestMetadata refuses the JSON string: one value per user, whatever the session.
    let first = sent_user(&gw, NOVA, &claude_code_user(&device, account, &session(1))).await;
    let again = sent_user(&gw, NOVA, &claude_code_user(&device, account, &session(2))).await;
    let other = sent_user(
        &gw,
        NOVA,
        &claude_code_user(&other_device, account, &session(1)),
    )
    .await;
    assert!(
        first.as_str().is_some_and(|v| v.starts_with("sha256:")),
        "{first}"
    );
    assert_eq!(first, again, "same user, another session");
    assert_ne!(first, other, "another user");
    // A value Converse accepts goes as it is.
    assert_eq!(sent_user(&gw, NOVA, "user-42").await, json!("user-42"));
}

#[tokio::test]
async fn older_sdks_x_api_key_and_2023_version_pass_too() {
    let gw = gateway(&[]).await;
    let req = raw_post(
        &gw,
        "/v1/messages",
        &[("x-api-key", KEY), ("anthropic-version", "2023-06-01")],
        &msg(OPUS, "hi", false),
    );
    assert_eq!(send(req).await.status, 200);
    let sent = last_model_call(&gw);
    assert_eq!(sent["headers"]["anthropic-version"], "2023-06-01");
    assert_eq!(
        sent["headers"]["anthropic-beta"],
        Value::Null,
        "no betas, no header"
    );
    assert_eq!(sent["query"], Value::Null);
}

#[tokio::test]
async fn messages_non_streaming_returns_the_message_with_the_client_model_id() {
    let gw = gateway(&[]).await;
    let r = post(&gw, "/v1/messages", &msg(OPUS, "hello", false)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.headers["content-type"], "application/json");
    let m = r.json();
    assert_eq!(m["model"], OPUS);
    assert_eq!(m["content"][0]["text"], "Hello from fake Bedrock.");
    assert_eq!(m["usage"]["cache_creation_input_tokens"], 3);
}

// ---------- signing ----------

#[tokio::test]
async fn wrong_credentials_or_region_get_bedrocks_403_as_a_permission_error() {
    for (credentials, region, why) in [
        (
            ("test", "not-the-secret"),
            "us-east-1",
            "InvalidSignatureException",
        ),
        (
            ("AKIDUNKNOWN", "test"),
            "us-east-1",
            "UnrecognizedClientException",
        ),
        (("test", "test"), "us-west-2", "scoped to a valid region"),
    ] {
        let gw = gateway_signing_as(&[], credentials, region).await;
        for streaming in [false, true] {
            let r = post(&gw, "/v1/messages", &msg(OPUS, "hi", streaming)).await;
            assert_eq!(
                (r.status, r.error_type()),
                (403, "permission_error".to_owned()),
                "{credentials:?} {region}"
            );
        }
        let verdict = last_model_call(&gw)["signature"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_ne!(verdict, "valid");
        let message = post(&gw, "/v1/messages", &msg(OPUS, "hi", false))
            .await
            .json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let expected_text = match why {
            "InvalidSignatureException" => "signature we calculated does not match",
            "UnrecognizedClientException" => "security token included in the request is invalid",
            other => other,
        };
        assert!(message.contains(expected_text), "{message}");
    }
}

/// Signs a request for the fake's Messages endpoint with aws-sigv4 (the signer, not the verifier).
fn signed(
    fake_url: &str,
    body: &[u8],
    (access_key, secret): (&str, &str),
    region: &str,
    service: &str,
    settings: aws_sigv4::http_request::SigningSettings,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let url = format!("{fake_url}{MESSAGES_PATH}");
    let signer = support::sign::Signer {
        access_key,
        secret,
        region,
        service,
        settings,
    };
    let mut req = http::Request::builder().method("POST").uri(&url);
    for (k, v) in &support::sign::signed_headers(&url, body, signer) {
        req = req.header(k, v);
    }
    req.body(http_body_util::Full::new(bytes::Bytes::copy_from_slice(
        body,
    )))
    .expect("request")
}

#[tokio::test]
async fn the_fake_refuses_unsigned_and_wrongly_signed_requests_with_403() {
    let fake = support::fake_bedrock::FakeBedrock::start(0)
        .await
        .expect("fake");
    let url = fake.url();
    let body = serde_json::to_vec(
        &json!({"model": OPUS_PROFILE, "max_tokens": 5, "messages": user("hi")}),
    )
    .expect("json");
    let good = || aws_sigv4::http_request::SigningSettings::default();
    let r = send(signed(
        &url,
        &body,
        ("test", "test"),
        "us-east-1",
        "bedrock",
        good(),
    ))
    .await;
    assert_eq!(
        r.status, 200,
        "a correctly signed request passes: {:?}",
        r.body
    );

    let errortype = |r: &support::Reply| {
        r.headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let unsigned = send(request(
        "POST",
        &format!("{url}{MESSAGES_PATH}"),
        None,
        body.clone(),
    ))
    .await;
    assert_eq!(
        (unsigned.status, errortype(&unsigned).as_str()),
        (403, "MissingAuthenticationTokenException")
    );

    let mut tampered = signed(
        &url,
        &body,
        ("test", "test"),
        "us-east-1",
        "bedrock",
        good(),
    );
    *tampered.body_mut() = http_body_util::Full::new(bytes::Bytes::from(
        serde_json::to_vec(
            &json!({"model": OPUS_PROFILE, "max_tokens": 9999, "messages": user("hi")}),
        )
        .expect("json"),
    ));
    let r = send(tampered).await;
    assert_eq!(
        (r.status, errortype(&r).as_str()),
        (403, "InvalidSignatureException"),
        "tampered body"
    );
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("signature we calculated"))
    );

    // With the payload hash in a signed x-amz-content-sha256 header, a changed body is caught there.
    let mut with_hash = good();
    with_hash.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
    let mut tampered = signed(
        &url,
        &body,
        ("test", "test"),
        "us-east-1",
        "bedrock",
        with_hash,
    );
    *tampered.body_mut() = http_body_util::Full::new(bytes::Bytes::from_static(b"{}"));
    let r = send(tampered).await;
    assert_eq!(r.status, 403);
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("x-amz-content-sha256")),
        "{:?}",
        r.body
    );

    for (creds, region, service, code) in [
        (
            ("test", "wrong"),
            "us-east-1",
            "bedrock",
            "InvalidSignatureException",
        ),
        (
            ("nobody", "test"),
            "us-east-1",
            "bedrock",
            "UnrecognizedClientException",
        ),
        (
            ("test", "test"),
            "eu-west-1",
            "bedrock",
            "InvalidSignatureException",
        ),
        (
            ("test", "test"),
            "us-east-1",
            "s3",
            "InvalidSignatureException",
        ),
    ] {
        let r = send(signed(&url, &body, creds, region, service, good())).await;
        assert_eq!(
            (r.status, errortype(&r)),
            (403, code.to_owned()),
            "{creds:?} {region} {service}"
        );
    }
}

/// The worked example in the AWS SigV4 documentation (IAM ListUsers, 2015-08-30), checked by the
/// fake's verifier directly: its known signature passes, and one changed digit or method fails.
#[test]
fn the_verifier_reproduces_the_documented_sigv4_example() {
    let example = sigv4::Expected {
        access_key: "AKIDEXAMPLE",
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "iam",
    };
    let uri: http::Uri = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"
        .parse()
        .expect("uri");
    let headers = |signature: &str| {
        let mut h = http::HeaderMap::new();
        h.insert(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8"
                .parse()
                .expect("v"),
        );
        h.insert("host", "iam.amazonaws.com".parse().expect("v"));
        h.insert("x-amz-date", "20150830T123600Z".parse().expect("v"));
        h.insert(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature={signature}")
                .parse()
                .expect("v"),
        );
        h
    };
    let good = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    assert_eq!(
        sigv4::verify("GET", &uri, &headers(good), b"", &example),
        Ok(())
    );
    let bad = format!("6{}", &good[1..]);
    assert_eq!(
        sigv4::verify("GET", &uri, &headers(&bad), b"", &example),
        Err(sigv4::Rejection::SignatureMismatch)
    );
    assert_eq!(
        sigv4::verify("POST", &uri, &headers(good), b"", &example),
        Err(sigv4::Rejection::SignatureMismatch),
        "the method is part of the signature"
    );
    assert_eq!(
        sigv4::verify("GET", &uri, &headers(good), b"", &CREDENTIALS),
        Err(sigv4::Rejection::UnknownAccessKey("AKIDEXAMPLE".into()))
    );
}

// ---------- InvokeModel (upstream = "invoke") ----------

#[tokio::test]
async fn invoke_body_is_the_client_body_minus_model_and_stream() {
    let gw = gateway(&[]).await;
    let body = json!({
        "model": HAIKU, "max_tokens": 100, "stream": true, "messages": user("hi"),
        "system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
        "thinking": {"type": "enabled", "budget_tokens": 2000}, "metadata": {"user_id": "u1"},
        "top_k": 3, "tools": weather_tool(), "tool_choice": {"type": "auto"}
    });
    let req = raw_post(
        &gw,
        "/v1/messages?beta=true",
        &[
            ("x-api-key", KEY),
            (
                "anthropic-beta",
                "interleaved-thinking-2025-05-14,context-1m-2025-08-07",
            ),
            ("anthropic-version", "2026-10-21"),
        ],
        &body,
    );
    assert_eq!(send(req).await.status, 200);
    let sent = last_model_call(&gw);
    assert_eq!(
        sent["path"],
        invoke_path(
            "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "invoke-with-response-stream"
        )
    );
    assert_eq!(
        sent["signature"], "valid",
        "the fake's verifier agrees with the SDK's signer"
    );
    let mut expected = body.as_object().cloned().expect("object");
    expected.remove("model");
    expected.remove("stream");
    // InvokeModel takes Bedrock's own version whatever the client's header says.
    expected.insert("anthropic_version".into(), json!("bedrock-2023-05-31"));
    expected.insert(
        "anthropic_beta".into(),
        json!(["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"]),
    );
    assert_eq!(
        sent["body"],
        Value::Object(expected),
        "nothing lost, nothing added beyond the envelope"
    );
}

#[tokio::test]
async fn beta_allowlist_drops_flags_bedrock_would_reject_on_both_anthropic_upstreams() {
    let gw = gateway(&[(
        "ANTHROPIC_BETA_ALLOWLIST",
        "interleaved-thinking-2025-05-14",
    )])
    .await;
    for model in [OPUS, HAIKU] {
        let req = raw_post(
            &gw,
            "/v1/messages",
            &[
                ("x-api-key", KEY),
                (
                    "anthropic-beta",
                    "oauth-2025-04-20, interleaved-thinking-2025-05-14",
                ),
            ],
            &msg(model, "x", false),
        );
        assert_eq!(send(req).await.status, 200);
        let sent = last_model_call(&gw);
        if model == OPUS {
            assert_eq!(
                sent["headers"]["anthropic-beta"],
                "interleaved-thinking-2025-05-14"
            );
        } else {
            assert_eq!(
                sent["body"]["anthropic_beta"],
                json!(["interleaved-thinking-2025-05-14"])
            );
        }
    }
}

#[tokio::test]
async fn invoke_non_streaming_returns_the_message_with_the_client_model_id() {
    let gw = gateway(&[]).await;
    let r = post(
        &gw,
        "/v1/messages",
        &msg("claude-haiku-4-5", "hello", false),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = r.json();
    assert_eq!(m["model"], HAIKU);
    assert_eq!(m["content"][0]["text"], "Hello from fake Bedrock.");
    assert_eq!(m["usage"]["cache_creation_input_tokens"], 3);
}

#[tokio::test]
async fn tool_use_streams_input_json_deltas_and_the_result_round_trips() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU] {
        let mut body = msg(model, "weather in Paris? scenario:tool_use", true);
        body["tools"] = weather_tool();
        let s = stream(&gw, &body).await;
        let start = s
            .events
            .iter()
            .find(|e| e.data.pointer("/content_block/type") == Some(&json!("tool_use")))
            .expect("tool block");
        assert_eq!(start.data["content_block"]["name"], "get_weather");
        let partial: String = s
            .events
            .iter()
            .filter_map(|e| {
                e.data
                    .pointer("/delta/partial_json")
                    .and_then(Value::as_str)
            })
            .collect();
        assert_eq!(
            serde_json::from_str::<Value>(&partial).expect("json"),
            json!({"city": "Paris"})
        );
        let delta = s
            .events
            .iter()
            .find(|e| e.name == "message_delta")
            .expect("delta");
        assert_eq!(delta.data["delta"]["stop_reason"], "tool_use");

        body["messages"] = json!([
            {"role": "user", "content": "weather in Paris? scenario:tool_use"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_fake_1", "name": "get_weather", "input": {"city": "Paris"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_fake_1", "content": "18C and sunny"}]}
        ]);
        assert_eq!(
            stream(&gw, &body).await.text(),
            "tool result: 18C and sunny",
            "{model}"
        );
    }
}

#[tokio::test]
async fn bash_tool_scenario_asks_for_bash_and_echoes_the_tool_result() {
    let gw = gateway(&[]).await;
    let mut body = msg(
        OPUS,
        "<system-reminder>x</system-reminder> run it scenario:bash_tool",
        true,
    );
    body["messages"][0]["content"] = json!([
        {"type": "text", "text": "<system-reminder>context</system-reminder>"},
        {"type": "text", "text": "please run it scenario:bash_tool"}
    ]);
    body["tools"] = bash_tool();
    let s = stream(&gw, &body).await;
    let block = s
        .events
        .iter()
        .find(|e| e.data.pointer("/content_block/type") == Some(&json!("tool_use")))
        .expect("tool_use");
    assert_eq!(block.data["content_block"]["name"], "Bash");
    let input: String = s
        .events
        .iter()
        .filter_map(|e| {
            e.data
                .pointer("/delta/partial_json")
                .and_then(Value::as_str)
        })
        .collect();
    let input: Value = serde_json::from_str(&input).expect("json");
    let command = input["command"].as_str().expect("command").to_owned();
    assert!(command.starts_with("echo tool-ran-"), "{command}");
    assert_eq!(input["description"], "print a marker");
    let delta = s
        .events
        .iter()
        .find(|e| e.name == "message_delta")
        .expect("delta");
    assert_eq!(delta.data["delta"]["stop_reason"], "tool_use");

    let marker = command.trim_start_matches("echo ").to_owned();
    let id = block.data["content_block"]["id"].clone();
    body["messages"] = json!([
        body["messages"][0].clone(),
        {"role": "assistant", "content": [{"type": "tool_use", "id": id, "name": "Bash", "input": input}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": [{"type": "text", "text": marker}]}]}
    ]);
    assert_eq!(
        stream(&gw, &body).await.text(),
        format!("tool result: {marker}")
    );

    // Without a Bash tool on offer the scenario is plain text.
    let plain = stream(&gw, &msg(OPUS, "scenario:bash_tool", true)).await;
    assert_eq!(plain.text(), "Hello from fake Bedrock.");
}

#[tokio::test]
async fn thinking_keeps_its_signature_on_both_anthropic_upstreams() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU] {
        let s = stream(&gw, &msg(model, "2+2 scenario:thinking", true)).await;
        let thinking: String = s
            .events
            .iter()
            .filter_map(|e| e.data.pointer("/delta/thinking").and_then(Value::as_str))
            .collect();
        assert_eq!(thinking, "Let me think about this.", "{model}");
        let sig = s
            .events
            .iter()
            .find_map(|e| e.data.pointer("/delta/signature").and_then(Value::as_str));
        assert_eq!(sig, Some("c2lnbmF0dXJl"), "{model}");
        let m = post(
            &gw,
            "/v1/messages",
            &msg(model, "2+2 scenario:thinking", false),
        )
        .await
        .json();
        assert_eq!(m["content"][0]["signature"], "c2lnbmF0dXJl", "{model}");
    }
}

// ---------- Converse (upstream = "converse") ----------

#[tokio::test]
async fn converse_stream_is_translated_to_anthropic_events() {
    let gw = gateway(&[]).await;
    let mut body = msg(NOVA, "weather? scenario:tool_use", true);
    body["tools"] = weather_tool();
    body["system"] = json!("be brief");
    body["temperature"] = json!(0.25);
    body["stop_sequences"] = json!(["STOP"]);
    let s = stream(&gw, &body).await;
    assert_eq!(s.status, 200);
    assert_eq!(
        s.names_without_pings(),
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let content = s.without_pings();
    assert_eq!(content[0].data["message"]["model"], NOVA);
    assert_eq!(
        content[4].data["content_block"],
        json!({"type": "tool_use", "id": "toolu_fake_1", "name": "get_weather", "input": {}})
    );
    let delta = s
        .events
        .iter()
        .find(|e| e.name == "message_delta")
        .expect("delta");
    assert_eq!(delta.data["delta"]["stop_reason"], "tool_use");
    assert_eq!(delta.data["usage"]["input_tokens"], 25);

    let sent = gw.fake.requests().pop().expect("upstream call");
    assert_eq!(
        sent["path"],
        "/model/us.amazon.nova-pro-v1%3A0/converse-stream"
    );
    let b = &sent["body"];
    assert_eq!(
        b["messages"][0]["content"][0]["text"],
        "weather? scenario:tool_use"
    );
    assert_eq!(b["system"][0]["text"], "be brief");
    assert_eq!(b["inferenceConfig"]["maxTokens"], 256);
    assert_eq!(b["inferenceConfig"]["temperature"], 0.25);
    assert_eq!(b["inferenceConfig"]["stopSequences"], json!(["STOP"]));
    assert_eq!(
        b["toolConfig"]["tools"][0]["toolSpec"]["name"],
        "get_weather"
    );
    assert_eq!(
        b["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["required"],
        json!(["city"])
    );
}

#[tokio::test]
async fn converse_non_streaming_returns_an_anthropic_message() {
    let gw = gateway(&[]).await;
    let r = post(
        &gw,
        "/v1/messages",
        &msg(NOVA, "think scenario:thinking", false),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = r.json();
    assert_eq!(m["type"], "message");
    assert_eq!(m["model"], NOVA);
    assert_eq!(
        m["content"][0],
        json!({"type": "thinking", "thinking": "Let me think about this.", "signature": "c2lnbmF0dXJl"})
    );
    assert_eq!(
        m["content"][1],
        json!({"type": "text", "text": "Answer: 4"})
    );
    assert_eq!(m["stop_reason"], "end_turn");
    assert_eq!(m["usage"]["output_tokens"], 12);
}

#[tokio::test]
async fn converse_tool_result_and_images_are_sent_in_converse_shape() {
    let gw = gateway(&[]).await;
    let png = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG fake");
    let body = json!({"model": NOVA, "max_tokens": 50, "tools": weather_tool(), "messages": [
        {"role": "user", "content": [{"type": "text", "text": "look"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}}]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"city": "Oslo"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "-3C"}]}]}
    ]});
    let r = post(&gw, "/v1/messages", &body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.json()["content"][0]["text"], "tool result: -3C");
    let sent = gw.fake.requests().pop().expect("upstream call");
    let m = &sent["body"]["messages"];
    assert_eq!(m[0]["content"][1]["image"]["format"], "png");
    assert_eq!(m[0]["content"][1]["image"]["source"]["bytes"], json!(png));
    assert_eq!(
        m[1]["content"][0]["toolUse"],
        json!({"toolUseId": "t1", "name": "get_weather", "input": {"city": "Oslo"}})
    );
    assert_eq!(m[2]["content"][0]["toolResult"]["status"], "success");
}

// ---------- errors ----------

#[tokio::test]
async fn bedrock_http_errors_map_to_anthropic_errors_on_every_upstream() {
    let gw = gateway(&[]).await;
    let cases = [
        ("http-429-ThrottlingException", 429, "rate_limit_error"),
        ("http-400-ValidationException", 400, "invalid_request_error"),
        ("http-403-AccessDeniedException", 403, "permission_error"),
        ("http-404-ResourceNotFoundException", 404, "not_found_error"),
        ("http-429-ModelNotReadyException", 529, "overloaded_error"),
        (
            "http-503-ServiceUnavailableException",
            529,
            "overloaded_error",
        ),
        ("http-408-ModelTimeoutException", 504, "timeout_error"),
        ("http-500-InternalServerException", 500, "api_error"),
        ("http-424-ModelErrorException", 500, "api_error"),
    ];
    for (scenario, status, kind) in cases {
        for model in [OPUS, HAIKU, NOVA] {
            for streaming in [false, true] {
                let r = post(
                    &gw,
                    "/v1/messages",
                    &msg(model, &format!("scenario:{scenario}"), streaming),
                )
                .await;
                assert_eq!(
                    (r.status, r.error_type()),
                    (status, kind.to_owned()),
                    "{scenario} {model} stream={streaming}"
                );
                assert_eq!(r.headers["content-type"], "application/json");
                let body = r.json();
                assert_eq!(body["type"], "error");
                assert_eq!(
                    body["request_id"].as_str(),
                    r.headers["request-id"].to_str().ok()
                );
            }
        }
    }
}

#[tokio::test]
async fn anthropic_errors_from_the_messages_endpoint_keep_their_status_type_and_message() {
    let gw = gateway(&[]).await;
    for (status, kind) in [
        (400, "invalid_request_error"),
        (402, "billing_error"),
        (404, "not_found_error"),
        (413, "request_too_large"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (529, "overloaded_error"),
    ] {
        for streaming in [false, true] {
            let r = post(
                &gw,
                "/v1/messages",
                &msg(OPUS, &format!("scenario:http-{status}-{kind}"), streaming),
            )
            .await;
            assert_eq!(
                (r.status, r.error_type()),
                (status, kind.to_owned()),
                "stream={streaming}"
            );
            assert_eq!(
                r.json()["error"]["message"],
                "fake failure requested by the scenario"
            );
        }
    }
}

#[tokio::test]
async fn an_error_as_the_first_frame_still_gets_an_http_status() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU, NOVA] {
        let r = post(
            &gw,
            "/v1/messages",
            &msg(model, "scenario:early-throttlingException", true),
        )
        .await;
        assert_eq!(
            (r.status, r.error_type()),
            (429, "rate_limit_error".to_owned()),
            "{model}"
        );
    }
}

#[tokio::test]
async fn every_documented_bedrock_error_reaches_the_client_in_first_party_words_on_every_upstream()
{
    use support::fake_bedrock::{
        CONVERSE_STREAM_EXCEPTIONS, DOCUMENTED_ERRORS, INVOKE_STREAM_EXCEPTIONS,
    };
    let gw = gateway(&[]).await;
    // Exception frames exist where Bedrock streams AWS event-stream frames, for the exceptions
    // each stream declares; the Messages endpoint answers its errors over HTTP.
    let upstreams: [(&str, &[&str]); 3] = [
        (OPUS, &[]),
        (HAIKU, INVOKE_STREAM_EXCEPTIONS),
        (NOVA, CONVERSE_STREAM_EXCEPTIONS),
    ];
    for e in DOCUMENTED_ERRORS {
        for (model, frames) in upstreams {
            let mut cases = vec![
                (format!("scenario:bedrock-{}", e.name), false),
                (format!("scenario:bedrock-{}", e.name), true),
            ];
            if frames.contains(&e.exception) {
                cases.push((format!("scenario:bedrockframe-{}", e.name), true));
            }
            for (text, stream) in cases {
                let body = json!({"model": model, "max_tokens": 8192, "stream": stream, "messages": user(&text)});
                let r = post(&gw, "/v1/messages", &body).await;
                let case = format!("{model} {text} stream={stream}");
                assert_eq!(
                    (r.status, r.error_type()),
                    (e.first_party_status, e.first_party.to_owned()),
                    "{case}"
                );
                let begins = e
                    .begins
                    .replace("{max_tokens}", "8192")
                    .replace("{model}", model);
                let message = r.json()["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                assert!(message.starts_with(&begins), "{case}: {message:?}");
            }
        }
    }
}

#[tokio::test]
async fn an_error_mid_stream_becomes_an_error_event_and_the_stream_ends_cleanly() {
    let gw = gateway(&[]).await;
    for (model, exception, kind) in [
        (OPUS, "throttlingException", "rate_limit_error"),
        (OPUS, "overloaded_error", "overloaded_error"),
        (HAIKU, "throttlingException", "rate_limit_error"),
        (HAIKU, "modelStreamErrorException", "api_error"),
        (NOVA, "serviceUnavailableException", "overloaded_error"),
    ] {
        let s = stream(
            &gw,
            &msg(model, &format!("scenario:midstream-{exception}"), true),
        )
        .await;
        assert_eq!(s.status, 200);
        let last = s.events.last().expect("events");
        assert_eq!(last.name, "error", "{model} {exception}: {:?}", s.names());
        assert_eq!(last.data["type"], "error");
        assert_eq!(last.data["error"]["type"], kind);
        assert!(!s.names().contains(&"message_stop"));
        assert_eq!(
            s.names().iter().filter(|n| **n == "error").count(),
            1,
            "forwarded once"
        );
    }
}

#[tokio::test]
async fn an_anthropic_error_event_from_bedrock_is_forwarded_once() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU] {
        let s = stream(&gw, &msg(model, "scenario:overloaded_event", true)).await;
        assert_eq!(
            s.names_without_pings(),
            ["message_start", "error"],
            "{model}"
        );
        let last = s.events.last().expect("events");
        assert_eq!(last.data["error"]["type"], "overloaded_error");
    }
}

#[tokio::test]
async fn a_stream_cut_short_ends_with_an_error_event() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU, NOVA] {
        let s = stream(&gw, &msg(model, "scenario:truncated", true)).await;
        assert_eq!(
            s.events.last().map(|e| e.name.as_str()),
            Some("error"),
            "{model}: {:?}",
            s.names()
        );
    }
}

#[tokio::test]
async fn unknown_model_is_404_naming_the_closest_models() {
    let gw = gateway(&[]).await;
    for (path, body) in [
        ("/v1/messages", msg("claude-opus-5-6", "x", true)),
        (
            "/v1/messages/count_tokens",
            json!({"model": "claude-opus-5-6", "messages": user("x")}),
        ),
    ] {
        let r = post(&gw, path, &body).await;
        assert_eq!(
            (r.status, r.error_type()),
            (404, "not_found_error".to_owned()),
            "{path}"
        );
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.starts_with(
                "model: claude-opus-5-6 not found; the closest models here are claude-opus-5-5, "
            ),
            "{message}"
        );
    }
    let r = send(request(
        "GET",
        &format!("{}/v1/models/claude-sonet-4-6", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    assert_eq!(r.status, 404);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("are claude-sonnet-4-6"))
    );
    assert!(model_calls(&gw).is_empty(), "no upstream model call");
}

// ---------- request semantics: the gateway checks little, Bedrock judges the rest ----------

#[tokio::test]
async fn only_json_shape_and_model_are_refused_by_the_gateway_itself() {
    let gw = gateway(&[]).await;
    let url = format!("{}/v1/messages", gw.url);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not valid JSON"),
        (b"[]".to_vec(), "JSON object"),
        (
            br#"{"max_tokens": 5, "messages": []}"#.to_vec(),
            "model: Field required",
        ),
        (
            br#"{"model": 4, "max_tokens": 5}"#.to_vec(),
            "model: Input should be a valid string",
        ),
        (
            br#"{"model": "claude-opus-5-5", "stream": "yes"}"#.to_vec(),
            "stream",
        ),
    ];
    for (body, expected) in cases {
        let r = send(request("POST", &url, Some(KEY), body.clone())).await;
        assert_eq!(
            (r.status, r.error_type()),
            (400, "invalid_request_error".to_owned()),
            "{}",
            String::from_utf8_lossy(&body)
        );
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.contains(expected),
            "{message} should mention {expected}"
        );
    }
    assert!(model_calls(&gw).is_empty());
}

#[tokio::test]
async fn what_bedrock_refuses_reaches_the_client_as_bedrocks_own_error() {
    let gw = gateway(&[]).await;
    // No max_tokens: the gateway passes it on, the Messages endpoint answers 400 itself.
    let r = post(
        &gw,
        "/v1/messages",
        &json!({"model": OPUS, "messages": user("hi")}),
    )
    .await;
    assert_eq!(
        (r.status, r.error_type()),
        (400, "invalid_request_error".to_owned())
    );
    assert_eq!(r.json()["error"]["message"], "max_tokens: Field required");
    assert_eq!(last_model_call(&gw)["path"], MESSAGES_PATH);
    // Nor does the gateway look inside content: undecodable image data goes to Bedrock too.
    let bad_image = json!({"model": HAIKU, "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "***not base64***"}}]}]});
    assert_eq!(post(&gw, "/v1/messages", &bad_image).await.status, 200);
    assert_eq!(
        last_model_call(&gw)["body"]["messages"],
        bad_image["messages"]
    );
    // The Converse path still needs what its translation needs.
    let mut converse_image = bad_image.clone();
    converse_image["model"] = json!(NOVA);
    let r = post(&gw, "/v1/messages", &converse_image).await;
    assert_eq!(
        (r.status, r.error_type()),
        (400, "invalid_request_error".to_owned())
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("messages.0.content.0.source"))
    );
}

#[tokio::test]
async fn bodies_over_6_mb_are_413_request_too_large() {
    let gw = gateway(&[]).await;
    let big = format!(
        r#"{{"model":"{OPUS}","max_tokens":5,"messages":[{{"role":"user","content":"{}"}}]}}"#,
        "a".repeat(6 * 1024 * 1024)
    );
    let r = send(request(
        "POST",
        &format!("{}/v1/messages", gw.url),
        Some(KEY),
        big,
    ))
    .await;
    assert_eq!(
        (r.status, r.error_type()),
        (413, "request_too_large".to_owned())
    );
}

#[tokio::test]
async fn unknown_paths_are_404_and_every_response_has_a_request_id() {
    let gw = gateway(&[]).await;
    let r = send(request(
        "GET",
        &format!("{}/v1/complete", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    assert_eq!(
        (r.status, r.error_type()),
        (404, "not_found_error".to_owned())
    );
    assert!(
        r.headers["request-id"]
            .to_str()
            .expect("ascii")
            .starts_with("req_")
    );
    let r = send(request(
        "GET",
        &format!("{}/v1/messages", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn system_turns_and_zero_max_tokens_reach_bedrock_unchanged() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU] {
        let body = json!({
            "model": model,
            "max_tokens": 0,
            "messages": [
                {"role": "system", "content": "answer tersely"},
                {"role": "user", "content": "hello"}
            ]
        });
        let r = post(&gw, "/v1/messages", &body).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let sent = last_model_call(&gw);
        assert_eq!(sent["body"]["messages"], body["messages"], "{model}");
        assert_eq!(sent["body"]["max_tokens"], 0, "{model}");
    }
}

// ---------- auth ----------

#[tokio::test]
async fn health_needs_no_key_and_no_upstream() {
    let gw = gateway(&[]).await;
    let r = send(request("GET", &format!("{}/health", gw.url), None, "")).await;
    assert_eq!((r.status, r.json()), (200, json!({"status": "ok"})));
    assert!(gw.fake.requests().is_empty());
}

#[tokio::test]
async fn head_and_hello_probes_answer_without_a_key() {
    let gw = gateway(&[]).await;
    for (method, path) in [
        ("HEAD", "/"),
        ("HEAD", "/health"),
        ("HEAD", "/api/hello"),
        ("GET", "/api/hello"),
    ] {
        let r = send(request(method, &format!("{}{path}", gw.url), None, "")).await;
        assert_eq!(r.status, 200, "{method} {path}");
        if method == "HEAD" {
            assert!(r.body.is_empty(), "{method} {path}: HEAD has no body");
        }
    }
    assert!(gw.fake.requests().is_empty());
}

#[tokio::test]
async fn missing_or_wrong_keys_are_401_and_bearer_is_accepted() {
    let gw = gateway(&[]).await;
    let url = format!("{}/v1/models", gw.url);
    for key in [None, Some("wrong"), Some("")] {
        let r = send(request("GET", &url, key, "")).await;
        assert_eq!(
            (r.status, r.error_type()),
            (401, "authentication_error".to_owned()),
            "{key:?}"
        );
    }
    let bearer = http::Request::builder()
        .uri(&url)
        .header("authorization", format!("Bearer {KEY}"))
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .expect("request");
    assert_eq!(send(bearer).await.status, 200);
    let r = post(&gw, "/v1/messages", &msg("no-such-model", "x", false)).await;
    assert_eq!(r.status, 404, "authenticated requests get past auth");
    let unauth = send(request(
        "POST",
        &format!("{}/v1/messages", gw.url),
        None,
        "{}",
    ))
    .await;
    assert_eq!(unauth.status, 401, "auth comes before body validation");
}

#[tokio::test]
async fn the_secret_is_cached_between_requests() {
    let gw = gateway(&[]).await;
    for _ in 0..3 {
        assert_eq!(
            send(request(
                "GET",
                &format!("{}/v1/models", gw.url),
                Some(KEY),
                ""
            ))
            .await
            .status,
            200
        );
    }
    assert_eq!(gw.fake.secret_fetches(), 1);
}

#[tokio::test]
async fn rotated_keys_are_picked_up_after_the_ttl_with_overlap() {
    let gw = gateway(&[("SECRET_TTL_SECONDS", "1")]).await;
    let url = format!("{}/v1/models", gw.url);
    gw.fake.set_secret(Some(r#"{"api_key": "old-key"}"#));
    assert_eq!(
        send(request("GET", &url, Some("old-key"), "")).await.status,
        200
    );
    gw.fake
        .set_secret(Some(r#"{"api_keys": ["old-key", "new-key"]}"#));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        send(request("GET", &url, Some("new-key"), "")).await.status,
        200
    );
    assert_eq!(
        send(request("GET", &url, Some("old-key"), "")).await.status,
        200
    );
    gw.fake.set_secret(Some("new-key"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Past the TTL a known key is answered from the cache while the refresh runs (it never
    // waits on Secrets Manager); once the refresh lands, the retired key is refused.
    assert_eq!(
        send(request("GET", &url, Some("new-key"), "")).await.status,
        200
    );
    let until = Instant::now() + Duration::from_secs(20);
    while send(request("GET", &url, Some("old-key"), "")).await.status != 401 {
        assert!(
            Instant::now() < until,
            "the retired key still works 20 s after the TTL"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        send(request("GET", &url, Some("new-key"), "")).await.status,
        200
    );
}

#[tokio::test]
async fn a_secrets_manager_outage_keeps_the_last_good_keys() {
    let gw = gateway(&[("SECRET_TTL_SECONDS", "0")]).await;
    let url = format!("{}/v1/models", gw.url);
    assert_eq!(send(request("GET", &url, Some(KEY), "")).await.status, 200);
    gw.fake.set_secret(None);
    assert_eq!(send(request("GET", &url, Some(KEY), "")).await.status, 200);
}

#[tokio::test]
async fn without_any_readable_secret_requests_fail_with_500_not_401() {
    let gw = gateway(&[]).await;
    gw.fake.set_secret(None);
    let r = send(request(
        "GET",
        &format!("{}/v1/models", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    assert_eq!((r.status, r.error_type()), (500, "api_error".to_owned()));
}

// ---------- streaming behaviour ----------

/// A gate name no other request of this process uses.
fn gate() -> String {
    format!("gate{}", support::unique_id())
}

#[tokio::test]
async fn a_silent_upstream_gets_pings() {
    // The fake stays silent after message_start until the client has seen two gateway pings, so
    // the pings can only have come from the gateway covering that silence, however slow the
    // machine. (The Messages endpoint's own ping follows message_start; it is not counted.)
    let gw = gateway(&[("PING_INTERVAL_MS", "20")]).await;
    for model in [OPUS, HAIKU, NOVA] {
        let g = gate();
        let s = support::stream_watching(
            &gw,
            &msg(model, &format!("scenario:silent-{g}"), true),
            |events| {
                if pings_after_message_start(events) >= 2 + own_pings(model) {
                    gw.fake.open(&g);
                }
            },
        )
        .await;
        assert_eq!(s.status, 200);
        assert!(
            pings_after_message_start(&s.events) >= 2 + own_pings(model),
            "{model}: {:?}",
            s.names()
        );
        // Every content event came after the silence the pings covered, nothing was lost.
        let content = s.names_without_pings();
        assert_eq!(content.first(), Some(&"message_start"), "{model}");
        assert_eq!(content.last(), Some(&"message_stop"), "{model}");
        assert_eq!(s.text(), "Hello from fake Bedrock.", "{model}");
    }
    // Silence before the first frame, or before Bedrock even answers: the stream is committed
    // with a ping instead of waiting (the fake answers only once that ping has arrived).
    for model in [OPUS, HAIKU, NOVA] {
        for scenario in ["scenario:silentfirst-", "text delay:"] {
            let g = gate();
            let s = support::stream_watching(
                &gw,
                &msg(model, &format!("{scenario}{g}"), true),
                |events| {
                    if events.iter().any(|e| e.name == "ping") {
                        gw.fake.open(&g);
                    }
                },
            )
            .await;
            assert_eq!(s.status, 200, "{model} {scenario}");
            assert_eq!(s.names()[0], "ping", "{model} {scenario}");
            let content = s.names_without_pings();
            assert_eq!(
                content.first(),
                Some(&"message_start"),
                "{model} {scenario}"
            );
            assert_eq!(content.last(), Some(&"message_stop"), "{model} {scenario}");
        }
    }
}

/// Pings the Messages endpoint itself sends per stream (one, after message_start).
fn own_pings(model: &str) -> usize {
    usize::from(model == OPUS)
}

fn pings_after_message_start(events: &[support::Event]) -> usize {
    events
        .iter()
        .skip_while(|e| e.name != "message_start")
        .filter(|e| e.name == "ping")
        .count()
}

#[tokio::test]
async fn an_upstream_error_after_the_stream_was_committed_is_an_error_event() {
    let gw = gateway(&[("PING_INTERVAL_MS", "20")]).await;
    for model in [OPUS, HAIKU, NOVA] {
        // Bedrock answers its 429 only after the gateway has committed the stream with a ping.
        let g = gate();
        let s = support::stream_watching(
            &gw,
            &msg(
                model,
                &format!("scenario:http-429-ThrottlingException delay:{g}"),
                true,
            ),
            |events| {
                if events.iter().any(|e| e.name == "ping") {
                    gw.fake.open(&g);
                }
            },
        )
        .await;
        assert_eq!(s.status, 200, "committed by the first ping");
        assert_eq!(s.names().first(), Some(&"ping"));
        let last = s.events.last().expect("events");
        assert_eq!(
            (last.name.as_str(), &last.data["error"]["type"]),
            ("error", &json!("rate_limit_error")),
            "{model}"
        );
    }
}

#[tokio::test]
async fn an_upstream_silent_past_the_idle_timeout_ends_the_stream_with_a_timeout_error() {
    let gw = gateway(&[
        ("PING_INTERVAL_MS", "20"),
        ("STREAM_IDLE_TIMEOUT_MS", "100"),
    ])
    .await;
    // Both Anthropic-body upstreams: the Messages endpoint (OPUS) and InvokeModel (HAIKU). The
    // gates are never opened: the upstream stays silent for as long as the gateway waits.
    for model in [OPUS, HAIKU] {
        for scenario in ["silent", "silentfirst"] {
            let s = stream(
                &gw,
                &msg(model, &format!("scenario:{scenario}-{}", gate()), true),
            )
            .await;
            assert_eq!(s.status, 200, "{model} {scenario}");
            let last = s.events.last().expect("events");
            assert_eq!(
                (last.name.as_str(), &last.data["error"]["type"]),
                ("error", &json!("timeout_error")),
                "{model} {scenario}"
            );
            assert!(!s.names().contains(&"message_stop"));
        }
    }
}

#[tokio::test]
async fn a_key_limited_to_some_models_gets_403_for_the_others() {
    let gw = gateway(&[]).await;
    gw.fake.set_secret(Some(
        r#"{"keys": [{"name": "alice", "key": "sk-alice", "models": ["claude-haiku-4-5"]}]}"#,
    ));
    let as_alice = |body: Value| {
        send(request(
            "POST",
            &format!("{}/v1/messages", gw.url),
            Some("sk-alice"),
            serde_json::to_vec(&body).expect("json"),
        ))
    };
    let r = as_alice(msg(OPUS, "hi", false)).await;
    assert_eq!(
        (r.status, r.error_type()),
        (403, "permission_error".to_owned())
    );
    assert_eq!(r.headers["x-should-retry"], "false");
    // By alias in the secret, by id in the request: the model map decides they are one model.
    assert_eq!(
        as_alice(msg("claude-haiku-4-5-20251001", "hi", false))
            .await
            .status,
        200
    );
    assert!(
        model_calls(&gw)
            .iter()
            .all(|c| !c["path"].as_str().unwrap_or_default().contains("sonnet")),
        "a refused model is never called"
    );
}

#[tokio::test]
async fn a_client_that_disconnects_stops_the_upstream_read() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU, NOVA] {
        let before = gw.fake.cancelled_streams();
        let req = request(
            "POST",
            &format!("{}/v1/messages", gw.url),
            Some(KEY),
            serde_json::to_vec(&msg(model, "scenario:endless", true)).expect("json"),
        );
        let resp = support::client().request(req).await.expect("response");
        let mut body = resp.into_body();
        use http_body_util::BodyExt as _;
        for _ in 0..3 {
            tokio::time::timeout(Duration::from_secs(20), body.frame())
                .await
                .expect("frame")
                .expect("some")
                .expect("ok");
        }
        drop(body);
        let deadline = Instant::now() + Duration::from_secs(20);
        while gw.fake.cancelled_streams() == before {
            assert!(
                Instant::now() < deadline,
                "{model}: the gateway kept reading the upstream after the client left"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // And the gateway is still healthy.
    assert_eq!(
        stream(&gw, &msg(OPUS, "again", true)).await.text(),
        "Hello from fake Bedrock."
    );
}

#[tokio::test]
async fn a_large_response_streams_through_intact() {
    let gw = gateway(&[]).await;
    for model in [OPUS, HAIKU] {
        let s = stream(&gw, &msg(model, "scenario:big-262144", true)).await;
        assert!(s.text().len() >= 262_144, "{model}: {}", s.text().len());
        assert_eq!(s.names_without_pings().last(), Some(&"message_stop"));
    }
}

// ---------- other endpoints ----------

#[tokio::test]
async fn count_tokens_uses_the_foundation_model_for_every_upstream() {
    let gw = gateway(&[]).await;
    for (model, foundation) in [
        (OPUS, "anthropic.claude-opus-5-5"),
        ("claude-opus-4-5", "anthropic.claude-opus-4-5-20251101-v1:0"),
    ] {
        let body = json!({"model": model, "messages": user("count me"), "system": "s"});
        let r = post(&gw, "/v1/messages/count_tokens", &body).await;
        assert_eq!(
            (r.status, r.json()),
            (200, json!({"input_tokens": 42})),
            "{model}"
        );
        let sent = last_model_call(&gw);
        assert_eq!(sent["path"], invoke_path(foundation, "count-tokens"));
        let inner = sent["body"]["input"]["invokeModel"]["body"]
            .as_str()
            .expect("base64 body");
        let inner: Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(inner)
                .expect("b64"),
        )
        .expect("json");
        assert_eq!(inner["anthropic_version"], "bedrock-2023-05-31");
        assert_eq!(inner["messages"], user("count me"));
        assert!(inner.get("model").is_none());
    }

    let r = post(
        &gw,
        "/v1/messages/count_tokens",
        &json!({"model": NOVA, "messages": user("count me")}),
    )
    .await;
    assert_eq!(r.status, 200);
    let sent = last_model_call(&gw);
    assert_eq!(sent["path"], "/model/amazon.nova-pro-v1%3A0/count-tokens");
    assert_eq!(
        sent["body"]["input"]["converse"]["messages"][0]["content"][0]["text"],
        "count me"
    );
}

#[tokio::test]
async fn models_come_from_the_map_in_the_sdks_model_info_shape() {
    let gw = gateway(&[]).await;
    let get = |path: String| send(request("GET", &format!("{}{path}", gw.url), Some(KEY), ""));
    let v = get("/v1/models?limit=2".into()).await.json();
    assert_eq!(v["data"][0]["id"], "claude-fable-5-2");
    assert_eq!(v["has_more"], true);
    let all = get("/v1/models?limit=1000".into()).await.json();
    let map = ModelMap::load(None).expect("map");
    for info in all["data"].as_array().expect("data") {
        for key in [
            "type",
            "id",
            "display_name",
            "created_at",
            "lifecycle",
            "deprecated_at",
            "retires_at",
            "line",
            "max_input_tokens",
            "max_tokens",
            "capabilities",
        ] {
            assert!(info.get(key).is_some(), "{key} missing in {info}");
        }
        assert!(
            ["active", "deprecated", "retired"]
                .contains(&info["lifecycle"].as_str().unwrap_or_default())
        );
        assert!(map.find(info["id"].as_str().unwrap_or_default()).is_some());
    }
    let one = get("/v1/models/claude-haiku-4-5".into()).await.json();
    assert_eq!(one["id"], HAIKU);
    assert_eq!(one["display_name"], "Claude Haiku 4.5");
    assert_eq!(one["created_at"], "2025-10-15T00:00:00Z");
    assert_eq!(one["line"], "haiku");
    assert_eq!(
        (one["max_input_tokens"].as_u64(), one["max_tokens"].as_u64()),
        (Some(200_000), Some(64_000))
    );
    let opus = get(format!("/v1/models/{OPUS}")).await.json();
    assert_eq!(opus["created_at"], "2026-09-22T00:00:00Z");
    assert!(
        gw.fake
            .requests()
            .iter()
            .all(|r| r["target"] == "secretsmanager.GetSecretValue"),
        "served from the map, not from Bedrock"
    );
}
