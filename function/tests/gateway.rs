//! The gateway end to end over HTTP: in-process server, real SDK clients, wire-level fake Bedrock.

mod support;

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use support::{KEY, gateway, post, request, send, stream, user};

const SONNET: &str = "claude-sonnet-4-5-20250929";
const NOVA: &str = "amazon-nova-pro";

/// The requests the fake Bedrock received on a model path (InvokeModel*, Converse*).
fn model_calls(gw: &support::Gateway) -> Vec<Value> {
    gw.fake
        .requests()
        .into_iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/model/")))
        .collect()
}

fn msg(model: &str, text: &str, stream: bool) -> Value {
    json!({"model": model, "max_tokens": 256, "stream": stream, "messages": user(text)})
}

fn weather_tool() -> Value {
    json!([{"name": "get_weather", "description": "Weather by city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}])
}

// ---------- native (api = "anthropic") ----------

#[tokio::test]
async fn native_stream_forwards_events_in_order_with_the_client_model_id() {
    let gw = gateway(&[]).await;
    let s = stream(&gw, &msg("claude-sonnet-4-5", "hello", true)).await;
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
        ]
    );
    let start = &s.events[0].data["message"];
    assert_eq!(
        start["model"], SONNET,
        "alias resolved to the canonical id, upstream name hidden"
    );
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

#[tokio::test]
async fn native_upstream_body_is_the_client_body_minus_model_and_stream() {
    let gw = gateway(&[]).await;
    let body = json!({
        "model": SONNET, "max_tokens": 100, "stream": true, "messages": user("hi"),
        "system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
        "thinking": {"type": "enabled", "budget_tokens": 2000}, "metadata": {"user_id": "u1"},
        "top_k": 3, "tools": weather_tool(), "tool_choice": {"type": "auto"}
    });
    let req = http::Request::builder()
        .method("POST")
        .uri(format!("{}/v1/messages?beta=true", gw.url))
        .header("x-api-key", KEY)
        .header(
            "anthropic-beta",
            "interleaved-thinking-2025-05-14,context-1m-2025-08-07",
        )
        .header("anthropic-version", "2023-06-01")
        .body(http_body_util::Full::new(bytes::Bytes::from(
            serde_json::to_vec(&body).expect("json"),
        )))
        .expect("request");
    let r = send(req).await;
    assert_eq!(r.status, 200);
    let sent = model_calls(&gw).into_iter().next().expect("upstream call");
    assert_eq!(
        sent["path"],
        "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"
    );
    let mut expected = body.as_object().cloned().expect("object");
    expected.remove("model");
    expected.remove("stream");
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
async fn beta_allowlist_drops_flags_bedrock_would_reject() {
    let gw = gateway(&[(
        "ANTHROPIC_BETA_ALLOWLIST",
        "interleaved-thinking-2025-05-14",
    )])
    .await;
    let req = http::Request::builder()
        .method("POST")
        .uri(format!("{}/v1/messages", gw.url))
        .header("x-api-key", KEY)
        .header(
            "anthropic-beta",
            "oauth-2025-04-20, interleaved-thinking-2025-05-14",
        )
        .body(http_body_util::Full::new(bytes::Bytes::from(
            serde_json::to_vec(&msg(SONNET, "x", false)).expect("json"),
        )))
        .expect("request");
    assert_eq!(send(req).await.status, 200);
    let sent = gw.fake.requests().pop().expect("upstream call");
    assert_eq!(
        sent["body"]["anthropic_beta"],
        json!(["interleaved-thinking-2025-05-14"])
    );
}

#[tokio::test]
async fn native_non_streaming_returns_the_message_with_the_client_model_id() {
    let gw = gateway(&[]).await;
    let r = post(
        &gw,
        "/v1/messages",
        &msg("claude-haiku-4-5", "hello", false),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.headers["content-type"], "application/json");
    let m = r.json();
    assert_eq!(m["model"], "claude-haiku-4-5-20251001");
    assert_eq!(m["content"][0]["text"], "Hello from fake Bedrock.");
    assert_eq!(m["usage"]["cache_creation_input_tokens"], 3);
    let path = gw.fake.requests().pop().expect("call")["path"]
        .as_str()
        .map(str::to_owned);
    assert_eq!(
        path.as_deref(),
        Some("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke")
    );
}

#[tokio::test]
async fn native_tool_use_streams_input_json_deltas_and_the_result_round_trips() {
    let gw = gateway(&[]).await;
    let mut body = msg(SONNET, "weather in Paris? scenario:tool_use", true);
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
        "The tool returned: 18C and sunny"
    );
}

#[tokio::test]
async fn native_thinking_keeps_its_signature() {
    let gw = gateway(&[]).await;
    let s = stream(&gw, &msg(SONNET, "2+2 scenario:thinking", true)).await;
    let thinking: String = s
        .events
        .iter()
        .filter_map(|e| e.data.pointer("/delta/thinking").and_then(Value::as_str))
        .collect();
    assert_eq!(thinking, "Let me think about this.");
    let sig = s
        .events
        .iter()
        .find_map(|e| e.data.pointer("/delta/signature").and_then(Value::as_str));
    assert_eq!(sig, Some("c2lnbmF0dXJl"));
}

// ---------- Converse (api = "converse") ----------

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
    assert_eq!(s.events[0].data["message"]["model"], NOVA);
    assert_eq!(
        s.events[4].data["content_block"],
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
    assert_eq!(r.json()["content"][0]["text"], "The tool returned: -3C");
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
async fn bedrock_http_errors_map_to_anthropic_errors_for_both_apis() {
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
        for model in [SONNET, NOVA] {
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
async fn an_exception_as_the_first_frame_still_gets_an_http_status() {
    let gw = gateway(&[]).await;
    for model in [SONNET, NOVA] {
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
async fn an_exception_mid_stream_becomes_an_error_event_and_the_stream_ends_cleanly() {
    let gw = gateway(&[]).await;
    for (model, exception, kind) in [
        (SONNET, "throttlingException", "rate_limit_error"),
        (SONNET, "modelStreamErrorException", "api_error"),
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
    }
}

#[tokio::test]
async fn an_anthropic_error_event_from_bedrock_is_forwarded_once() {
    let gw = gateway(&[]).await;
    let s = stream(&gw, &msg(SONNET, "scenario:overloaded_event", true)).await;
    assert_eq!(s.names_without_pings(), ["message_start", "error"]);
    let last = s.events.last().expect("events");
    assert_eq!(last.data["error"]["type"], "overloaded_error");
}

#[tokio::test]
async fn a_stream_cut_short_ends_with_an_error_event() {
    let gw = gateway(&[]).await;
    for model in [SONNET, NOVA] {
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
async fn unknown_model_is_404_naming_the_models_that_exist() {
    let gw = gateway(&[]).await;
    let r = post(&gw, "/v1/messages", &msg("claude-2", "x", true)).await;
    assert_eq!(
        (r.status, r.error_type()),
        (404, "not_found_error".to_owned())
    );
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("claude-2") && message.contains(SONNET) && message.contains(NOVA),
        "{message}"
    );
    assert!(
        gw.fake.requests().iter().all(|r| r["target"] != ""),
        "no upstream model call"
    );
}

#[tokio::test]
async fn bad_input_is_a_clear_400_and_never_reaches_bedrock() {
    let gw = gateway(&[]).await;
    let url = format!("{}/v1/messages", gw.url);
    let bad_image = json!({"model": SONNET, "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "***not base64***"}}]}]});
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not valid JSON"),
        (b"[]".to_vec(), "JSON object"),
        (
            br#"{"max_tokens": 5, "messages": []}"#.to_vec(),
            "model: Field required",
        ),
        (
            br#"{"model": "claude-sonnet-4-5", "max_tokens": 5}"#.to_vec(),
            "messages: Field required",
        ),
        (
            br#"{"model": "claude-sonnet-4-5", "messages": []}"#.to_vec(),
            "max_tokens: Field required",
        ),
        (
            br#"{"model": "claude-sonnet-4-5", "messages": [], "max_tokens": "many"}"#.to_vec(),
            "max_tokens",
        ),
        (
            serde_json::to_vec(&bad_image).expect("json"),
            "messages.0.content.0.source.data",
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
    let mut converse_image = bad_image.clone();
    converse_image["model"] = json!(NOVA);
    let r = post(&gw, "/v1/messages", &converse_image).await;
    assert_eq!(r.status, 400);
    assert!(model_calls(&gw).is_empty());
}

#[tokio::test]
async fn bodies_over_6_mb_are_413_request_too_large() {
    let gw = gateway(&[]).await;
    let big = format!(
        r#"{{"model":"{SONNET}","max_tokens":5,"messages":[{{"role":"user","content":"{}"}}]}}"#,
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
async fn system_turns_and_zero_max_tokens_reach_bedrock_unchanged() {
    let gw = gateway(&[]).await;
    let body = json!({
        "model": SONNET,
        "max_tokens": 0,
        "messages": [
            {"role": "system", "content": "answer tersely"},
            {"role": "user", "content": "hello"}
        ]
    });
    let r = post(&gw, "/v1/messages", &body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sent = model_calls(&gw).into_iter().next().expect("upstream call");
    assert_eq!(sent["body"]["messages"], body["messages"]);
    assert_eq!(sent["body"]["max_tokens"], 0);
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
    let until = Instant::now() + Duration::from_secs(5);
    while send(request("GET", &url, Some("old-key"), "")).await.status != 401 {
        assert!(
            Instant::now() < until,
            "the retired key still works 5 s after the TTL"
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

#[tokio::test]
async fn a_silent_upstream_gets_pings() {
    let gw = gateway(&[("PING_INTERVAL_MS", "100")]).await;
    let s = stream(&gw, &msg(SONNET, "scenario:silent-650", true)).await;
    let names = s.names();
    let pings = names.iter().filter(|n| **n == "ping").count();
    // About six are due; a loaded machine may deliver fewer, never none.
    assert!(
        (2..=7).contains(&pings),
        "expected ~6 pings in 650 ms of silence, got {pings}: {names:?}"
    );
    assert_eq!(names[0], "message_start");
    assert_eq!(s.names_without_pings().last(), Some(&"message_stop"));
    // Silence before the first frame, or before Bedrock even answers: the stream is committed
    // with a ping instead of waiting.
    for (model, scenario) in [
        (SONNET, "silentfirst-450"),
        (NOVA, "silentfirst-450"),
        (SONNET, "text delay:450"),
        (NOVA, "text delay:450"),
    ] {
        let s = stream(&gw, &msg(model, &format!("scenario:{scenario}"), true)).await;
        assert_eq!(s.status, 200);
        // A ping first means the stream did not wait for the 450 ms of silence to end.
        assert_eq!(s.names()[0], "ping", "{model} {scenario}");
        assert_eq!(s.names_without_pings()[0], "message_start");
        assert_eq!(s.names_without_pings().last(), Some(&"message_stop"));
    }
}

#[tokio::test]
async fn an_upstream_error_after_the_stream_was_committed_is_an_error_event() {
    let gw = gateway(&[("PING_INTERVAL_MS", "100")]).await;
    for model in [SONNET, NOVA] {
        let s = stream(
            &gw,
            &msg(
                model,
                "scenario:http-429-ThrottlingException delay:350",
                true,
            ),
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
        ("PING_INTERVAL_MS", "100"),
        ("STREAM_IDLE_TIMEOUT_MS", "350"),
    ])
    .await;
    for scenario in ["silent-5000", "silentfirst-5000"] {
        let s = stream(&gw, &msg(SONNET, &format!("scenario:{scenario}"), true)).await;
        assert_eq!(s.status, 200);
        assert!(s.names().contains(&"ping"), "{scenario}: {:?}", s.names());
        let last = s.events.last().expect("events");
        assert_eq!(
            (last.name.as_str(), &last.data["error"]["type"]),
            ("error", &json!("timeout_error")),
            "{scenario}"
        );
        assert!(!s.names().contains(&"message_stop"));
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
    let r = as_alice(msg(SONNET, "hi", false)).await;
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
    for model in [SONNET, NOVA] {
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
            tokio::time::timeout(Duration::from_secs(5), body.frame())
                .await
                .expect("frame")
                .expect("some")
                .expect("ok");
        }
        drop(body);
        let deadline = Instant::now() + Duration::from_secs(5);
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
        stream(&gw, &msg(SONNET, "again", true)).await.text(),
        "Hello from fake Bedrock."
    );
}

#[tokio::test]
async fn a_large_response_streams_through_intact() {
    let gw = gateway(&[]).await;
    let s = stream(&gw, &msg(SONNET, "scenario:big-262144", true)).await;
    assert!(s.text().len() >= 262_144, "{}", s.text().len());
    assert_eq!(s.names_without_pings().last(), Some(&"message_stop"));
}

// ---------- other endpoints ----------

#[tokio::test]
async fn count_tokens_uses_the_foundation_model_for_both_apis() {
    let gw = gateway(&[]).await;
    let body = json!({"model": "claude-opus-4-5", "messages": user("count me"), "system": "s"});
    let r = post(&gw, "/v1/messages/count_tokens", &body).await;
    assert_eq!((r.status, r.json()), (200, json!({"input_tokens": 42})));
    let sent = gw.fake.requests().pop().expect("upstream call");
    assert_eq!(
        sent["path"],
        "/model/anthropic.claude-opus-4-5-20251101-v1%3A0/count-tokens"
    );
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

    let r = post(
        &gw,
        "/v1/messages/count_tokens",
        &json!({"model": NOVA, "messages": user("count me")}),
    )
    .await;
    assert_eq!(r.status, 200);
    let sent = gw.fake.requests().pop().expect("upstream call");
    assert_eq!(sent["path"], "/model/amazon.nova-pro-v1%3A0/count-tokens");
    assert_eq!(
        sent["body"]["input"]["converse"]["messages"][0]["content"][0]["text"],
        "count me"
    );
}

#[tokio::test]
async fn models_come_from_the_map_in_anthropic_list_format() {
    let gw = gateway(&[]).await;
    let r = send(request(
        "GET",
        &format!("{}/v1/models?limit=2", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    let v = r.json();
    assert_eq!(v["data"][0]["id"], "claude-opus-4-5-20251101");
    assert_eq!(v["data"][0]["type"], "model");
    assert_eq!(v["has_more"], true);
    let one = send(request(
        "GET",
        &format!("{}/v1/models/claude-haiku-4-5", gw.url),
        Some(KEY),
        "",
    ))
    .await;
    assert_eq!(one.json()["id"], "claude-haiku-4-5-20251001");
    assert!(
        gw.fake
            .requests()
            .iter()
            .all(|r| r["target"] == "secretsmanager.GetSecretValue")
    );
}
