"""The gateway through the official Anthropic Python SDK, with moto as Secrets Manager and the
wire-level fake as Bedrock."""

import datetime
import http.client
import json
import os
import time
import urllib.parse
import urllib.request
import uuid

import anthropic
import pytest

from conftest import open_gate

OPUS = "claude-opus-5-5"  # upstream "messages": Bedrock's native Messages endpoint, SigV4
HAIKU = "claude-haiku-4-5-20251001"  # upstream "invoke": InvokeModel(WithResponseStream)
NOVA = "amazon-nova-pro"  # upstream "converse"
MODELS = [OPUS, HAIKU, NOVA]
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def fake_requests(env) -> list:
    with urllib.request.urlopen(env["FAKE_BEDROCK_URL"] + "/__fake/requests", timeout=5) as r:
        return json.load(r)


def model_map() -> list:
    with open(os.path.join(os.environ["REPO_ROOT"], "function", "models.json"), encoding="utf-8") as f:
        return json.load(f)["models"]


def raw_sse(env, body: dict, url: str = "", seen=None) -> list:
    """(event, data) pairs as sent on the wire, pings included (the SDK hides those). `seen` is
    called with the event names so far each time one arrives, while the response is open."""
    url = urllib.parse.urlparse(url or env["GATEWAY_URL"])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    conn.request("POST", "/v1/messages", json.dumps(body),
                 {"content-type": "application/json", "x-api-key": env["GATEWAY_API_KEY"]})
    resp = conn.getresponse()
    assert resp.status == 200
    events, name = [], None
    for raw in resp:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[len("data: "):])))
            if seen:
                seen([n for n, _ in events])
    conn.close()
    return events


@pytest.mark.parametrize("model", MODELS)
def test_non_streaming_text(client, model):
    message = client.messages.create(model=model, max_tokens=64, messages=[{"role": "user", "content": "Hello"}])
    assert message.type == "message"
    assert message.model == model
    assert message.content[0].text == "Hello from fake Bedrock."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 25 and message.usage.output_tokens == 12
    assert message.usage.cache_read_input_tokens == 5


@pytest.mark.parametrize("model", MODELS)
def test_streaming_text(client, model):
    with client.messages.stream(model=model, max_tokens=64, messages=[{"role": "user", "content": "Hi"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from fake Bedrock."
    assert final.model == model
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 12
    assert final.usage.cache_creation_input_tokens == 3


def test_alias_resolves_to_the_dated_model(client):
    message = client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=[{"role": "user", "content": "x"}])
    assert message.model == HAIKU


def test_default_sdk_settings_reach_the_messages_endpoint_signed(client, env):
    client.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": "defaults check"}])
    sent = [r for r in fake_requests(env) if r["path"] == "/anthropic/v1/messages"
            and "defaults check" in json.dumps(r["body"])][-1]
    assert sent["headers"]["anthropic-version"] == "2026-10-21"  # the SDK's default version
    assert sent["body"]["model"] == "global.anthropic.claude-opus-5-5"
    assert sent["signature"] == "valid"


@pytest.mark.parametrize("model", MODELS)
def test_tool_use_round_trip(client, model):
    messages = [{"role": "user", "content": "What is the weather in Paris? scenario:tool_use"}]
    with client.messages.stream(model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=messages) as stream:
        first = stream.get_final_message()
    assert first.stop_reason == "tool_use"
    tool_use = next(b for b in first.content if b.type == "tool_use")
    assert tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris"}

    messages += [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": "18C and sunny"}]},
    ]
    second = client.messages.create(model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=messages)
    assert second.content[0].text == "tool result: 18C and sunny"
    assert second.stop_reason == "end_turn"


@pytest.mark.parametrize("model,thinking", [(OPUS, {"type": "adaptive"}),
                                            (HAIKU, {"type": "enabled", "budget_tokens": 1024})])
def test_thinking_and_signature_survive_streaming(client, model, thinking):
    with client.messages.stream(
        model=model, max_tokens=2048, thinking=thinking,
        messages=[{"role": "user", "content": "2+2? scenario:thinking"}],
    ) as stream:
        final = stream.get_final_message()
    thinking = final.content[0]
    assert thinking.type == "thinking"
    assert thinking.thinking == "Let me think about this."
    assert thinking.signature == "c2lnbmF0dXJl"
    assert final.content[1].text == "Answer: 4"


def test_betas_reach_bedrock_as_each_upstream_takes_them(client, env):
    betas = ["interleaved-thinking-2025-05-14", "context-management-2025-06-27"]
    for model in (OPUS, HAIKU):
        client.beta.messages.create(model=model, max_tokens=8, betas=betas,
                                    messages=[{"role": "user", "content": f"beta check {model}"}])
    sent = {r["path"]: r for r in fake_requests(env) if "beta check" in json.dumps(r["body"])}
    native = sent["/anthropic/v1/messages"]
    assert native["headers"]["anthropic-beta"] == ",".join(betas)
    invoke = sent["/model/global.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke"]
    assert invoke["body"]["anthropic_beta"] == betas
    assert invoke["body"]["anthropic_version"] == "bedrock-2023-05-31"
    assert "model" not in invoke["body"]


@pytest.mark.parametrize("model", MODELS)
def test_count_tokens(client, model):
    result = client.messages.count_tokens(model=model, messages=[{"role": "user", "content": "count me"}])
    assert result.input_tokens == 42


def test_models_list_comes_from_the_map(client):
    today = datetime.date.today().isoformat()
    served = [m["id"] for m in model_map() if m.get("retires", "9999-12-31") > today]
    assert [m.id for m in client.models.list()] == served
    haiku = client.models.retrieve("claude-haiku-4-5")
    assert haiku.id == HAIKU and haiku.display_name == "Claude Haiku 4.5"
    assert haiku.created_at == datetime.datetime(2025, 10, 15, tzinfo=datetime.timezone.utc)
    assert (haiku.max_input_tokens, haiku.max_tokens) == (200_000, 64_000)
    assert haiku.line == "haiku"
    opus = client.models.retrieve(OPUS)
    assert opus.lifecycle == "active" and opus.deprecated_at is None and opus.retires_at is None


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
def test_throttling_is_a_rate_limit_error(client, model, stream):
    with pytest.raises(anthropic.RateLimitError) as e:
        client.messages.create(model=model, max_tokens=8, stream=stream,
                               messages=[{"role": "user", "content": "scenario:http-429-ThrottlingException"}])
    assert e.value.status_code == 429
    assert e.value.body["error"]["type"] == "rate_limit_error"
    assert e.value.request_id


def test_unknown_model_is_not_found_and_named_closest(client):
    with pytest.raises(anthropic.NotFoundError) as e:
        client.messages.create(model="claude-opus-5-6", max_tokens=8, messages=[{"role": "user", "content": "x"}])
    assert "closest models here are claude-opus-5-5" in e.value.body["error"]["message"]


def test_wrong_key_is_an_authentication_error(env):
    bad = anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key="not-the-key", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": "x"}])


def test_bearer_token_is_accepted(env):
    # Claude Code sends Authorization: Bearer when configured with ANTHROPIC_AUTH_TOKEN.
    bearer = anthropic.Anthropic(base_url=env["GATEWAY_URL"], auth_token=env["GATEWAY_API_KEY"], max_retries=0)
    assert bearer.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": "x"}]).content


@pytest.mark.parametrize("model", MODELS)
def test_bedrock_validation_is_a_bad_request(client, model):
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model=model, max_tokens=8,
                               messages=[{"role": "user", "content": "scenario:http-400-ValidationException"}])
    assert e.value.body["error"]["type"] == "invalid_request_error"


def test_messages_endpoint_errors_reach_the_sdk_as_they_are(client):
    with pytest.raises(anthropic.APIStatusError) as e:
        client.messages.create(model=OPUS, max_tokens=8,
                               messages=[{"role": "user", "content": "scenario:http-529-overloaded_error"}])
    assert isinstance(e.value, anthropic.OverloadedError) and e.value.status_code == 529
    assert e.value.body["error"]["message"] == "fake failure requested by the scenario"


def test_bad_image_data_on_converse_is_a_bad_request_before_bedrock(client):
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "%%% not base64"}}
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model=NOVA, max_tokens=8, messages=[{"role": "user", "content": [image]}])
    assert "source" in e.value.body["error"]["message"]


@pytest.mark.parametrize("scenario", ["http-503-ServiceUnavailableException", "http-429-ModelNotReadyException"])
def test_unavailable_is_529_overloaded(client, scenario):
    with pytest.raises(anthropic.APIStatusError) as e:
        client.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": f"scenario:{scenario}"}])
    assert e.value.status_code == 529
    assert isinstance(e.value, anthropic.OverloadedError)
    assert e.value.body["error"]["type"] == "overloaded_error"


@pytest.mark.parametrize("model", MODELS)
def test_error_mid_stream_is_raised_by_the_sdk(client, model):
    with pytest.raises(anthropic.APIStatusError) as e:
        with client.messages.stream(model=model, max_tokens=8,
                                    messages=[{"role": "user", "content": "scenario:midstream-throttlingException"}]) as s:
            for _ in s:
                pass
    assert e.value.body["error"]["type"] == "rate_limit_error"


def _pings_after_start(names: list) -> int:
    return names[names.index("message_start"):].count("ping") if "message_start" in names else 0


def test_silent_upstream_gets_pings_and_the_sdk_ignores_them(env):
    # The fake holds the answer after message_start until two pings of the gateway's have
    # arrived (the Messages endpoint's own ping follows message_start), so no clock decides.
    gate = f"gate{uuid.uuid4().hex}"
    events = raw_sse(env, {"model": OPUS, "max_tokens": 8, "stream": True,
                           "messages": [{"role": "user", "content": f"scenario:silent-{gate}"}]},
                     url=env["PINGING_GATEWAY_URL"],
                     seen=lambda names: _pings_after_start(names) >= 3 and open_gate(env, gate))
    names = [n for n, _ in events]
    assert _pings_after_start(names) >= 3, names
    content = [n for n in names if n != "ping"]
    assert content[0] == "message_start" and content[-1] == "message_stop", names
    pinging = anthropic.Anthropic(base_url=env["PINGING_GATEWAY_URL"], api_key=env["GATEWAY_API_KEY"],
                                  max_retries=0, timeout=20)
    with pinging.messages.stream(model=OPUS, max_tokens=8,
                                 messages=[{"role": "user", "content": "scenario:silent-300"}]) as stream:
        assert "".join(stream.text_stream) == "Hello from fake Bedrock."


def test_logs_are_json_lines_without_keys_prompts_or_completions(client, env):
    marker = f"secret-prompt-{uuid.uuid4()}"
    client.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": marker}])
    time.sleep(0.2)
    with open(env["GATEWAY_LOG"], encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    text = json.dumps(lines)
    assert marker not in text
    assert env["GATEWAY_API_KEY"] not in text
    assert "Hello from fake Bedrock" not in text
    requests = [l for l in lines if l.get("message") == "request" and l.get("path") == "/v1/messages"]
    last = requests[-1]
    for field in ("request_id", "method", "status", "model", "ttfb_ms", "duration_ms", "input_tokens", "output_tokens"):
        assert field in last, (field, last)


def test_key_rotation_without_redeploy(env, secrets):
    ttl = float(env["SECRET_TTL_SECONDS"]) + 0.3
    old, new = env["GATEWAY_API_KEY"], "rotated-" + uuid.uuid4().hex

    def works(key):
        c = anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key=key, max_retries=0)
        try:
            c.models.list()
            return True
        except anthropic.AuthenticationError:
            return False

    try:
        secrets.put_secret_value(SecretId=env["SECRET_ID"], SecretString=json.dumps({"api_keys": [old, new]}))
        time.sleep(ttl)
        assert works(old) and works(new)
        secrets.put_secret_value(SecretId=env["SECRET_ID"], SecretString=json.dumps({"api_key": new}))
        time.sleep(ttl)
        # Past the TTL a cached key is answered at once while the refresh runs; once it lands,
        # the retired key is refused.
        assert works(new)
        deadline = time.monotonic() + 5
        while works(old):
            assert time.monotonic() < deadline, "the retired key still works 5 s after the TTL"
            time.sleep(0.05)
    finally:
        secrets.put_secret_value(SecretId=env["SECRET_ID"], SecretString=json.dumps({"api_key": old}))
        time.sleep(ttl)
    assert works(old)


def _request_lines(env) -> list:
    with open(env["GATEWAY_LOG"], encoding="utf-8") as f:
        return [l for l in (json.loads(line) for line in f if line.strip()) if l.get("message") == "request"]


def test_a_wrong_key_says_do_not_retry(env):
    # x-should-retry: false on 401, as Anthropic sends it: Claude Code retried a wrong key for
    # about two minutes without it. The SDK obeys the header and makes one attempt.
    before = sum(1 for l in _request_lines(env) if l["status"] == 401)
    bad = anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key="not-the-key", max_retries=3)
    with pytest.raises(anthropic.AuthenticationError) as e:
        bad.models.list()
    assert e.value.response.headers["x-should-retry"] == "false"
    time.sleep(0.2)
    assert sum(1 for l in _request_lines(env) if l["status"] == 401) == before + 1


def test_throttling_says_when_to_retry(client):
    with pytest.raises(anthropic.RateLimitError) as e:
        client.messages.create(model=OPUS, max_tokens=8,
                               messages=[{"role": "user", "content": "scenario:http-429-ThrottlingException"}])
    assert e.value.response.headers["x-should-retry"] == "true"
    assert int(e.value.response.headers["retry-after"]) > 0


def test_named_keys_limit_models_and_are_logged_by_name(env, secrets):
    ttl = float(env["SECRET_TTL_SECONDS"]) + 0.3
    alice = "sk-alice-" + uuid.uuid4().hex
    named = {"keys": [{"name": "alice", "key": alice, "models": ["claude-haiku-4-5"]},
                      {"name": "gateway", "key": env["GATEWAY_API_KEY"]}]}
    try:
        secrets.put_secret_value(SecretId=env["SECRET_ID"], SecretString=json.dumps(named))
        time.sleep(ttl)
        as_alice = anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key=alice, max_retries=0)
        reply = as_alice.messages.create(model="claude-haiku-4-5", max_tokens=8,
                                         messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(anthropic.PermissionDeniedError) as e:
            as_alice.messages.create(model=OPUS, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
        assert e.value.body["error"]["type"] == "permission_error"
        time.sleep(0.2)
        with open(env["GATEWAY_LOG"], encoding="utf-8") as f:
            text = f.read()
        assert alice not in text
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        mine = [l for l in lines if l.get("message") == "request" and l.get("key") == "alice"]
        assert [l["status"] for l in mine[-2:]] == [200, 403], mine
        metrics = [l for l in lines if "_aws" in l and l.get("key") == "alice"]
        assert metrics and metrics[-2]["InputTokens"] == reply.usage.input_tokens
    finally:
        secrets.put_secret_value(SecretId=env["SECRET_ID"], SecretString=json.dumps({"api_key": env["GATEWAY_API_KEY"]}))
        time.sleep(ttl)
