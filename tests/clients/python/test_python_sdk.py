"""The newest Python SDK with its default settings (only base URL and key given) against the
gateway: what a user who installs `anthropic` today gets."""

import anthropic
import pytest

MODEL = "claude-sonnet-5-5"
CURRENT = {"claude-opus-5-5": "opus", "claude-sonnet-5-5": "sonnet", "claude-haiku-5-5": "haiku",
           "claude-fable-5-2": "fable"}  # id -> the SDK's ModelLine
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture()
def client(env) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key=env["GATEWAY_API_KEY"])


def model_calls(received) -> list:
    """The upstream model invocations (not GetSecretValue, not CountTokens) the fake saw."""
    return [r for r in received() if "messages" in (r["body"] or {}) and "count" not in r["path"]]


def test_non_streaming_with_todays_headers(client, env):
    raw = client.messages.with_raw_response.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "Hello"}])
    sent = raw.http_request.headers
    assert sent["authorization"] == f"Bearer {env['GATEWAY_API_KEY']}"
    assert "x-api-key" not in sent
    assert sent["anthropic-version"] == "2026-10-21"
    assert raw.headers["request-id"]
    message = raw.parse()
    assert message.model == MODEL
    assert message.content[0].text == "Hello from fake Bedrock."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_streaming(client):
    with client.messages.stream(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "Hi"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from fake Bedrock."
    assert final.model == MODEL
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


def test_tool_use_then_tool_result(client):
    messages = [{"role": "user", "content": "Weather in Paris? scenario:tool_use"}]
    with client.messages.stream(model=MODEL, max_tokens=256, tools=[WEATHER_TOOL], messages=messages) as stream:
        first = stream.get_final_message()
    assert first.stop_reason == "tool_use"
    call = next(b for b in first.content if b.type == "tool_use")
    assert (call.name, call.input) == ("get_weather", {"city": "Paris"})

    messages += [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18C and sunny"}]},
    ]
    second = client.messages.create(model=MODEL, max_tokens=256, tools=[WEATHER_TOOL], messages=messages)
    assert second.stop_reason == "end_turn"
    assert "18C and sunny" in second.content[0].text


def test_thinking_signature_goes_back_unchanged(client, fake_requests):
    question = {"role": "user", "content": "2+2? scenario:thinking"}
    with client.messages.stream(model=MODEL, max_tokens=2048, thinking={"type": "adaptive", "display": "summarized"},
                                messages=[question]) as stream:
        first = stream.get_final_message()
    thinking = first.content[0]
    assert thinking.type == "thinking"
    assert thinking.thinking and thinking.signature
    assert first.content[1].text == "Answer: 4"

    replayed = [b.model_dump(exclude_none=True) for b in first.content]
    second = client.messages.create(
        model=MODEL, max_tokens=2048, thinking={"type": "adaptive", "display": "summarized"},
        messages=[question, {"role": "assistant", "content": replayed}, {"role": "user", "content": "Thanks"}])
    assert second.content
    upstream = model_calls(fake_requests)[-1]["body"]["messages"][1]["content"][0]
    assert upstream == {"type": "thinking", "thinking": thinking.thinking, "signature": thinking.signature}


def test_count_tokens(client, fake_requests):
    result = client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "count me"}])
    assert result.input_tokens == 42
    assert any("count" in r["path"] for r in fake_requests()), "answered without asking Bedrock"


def test_models_list_pages_and_retrieve(client):
    everything = list(client.models.list())
    paged = list(client.models.list(limit=2))  # the SDK follows `has_more` / `last_id` itself
    assert [m.id for m in paged] == [m.id for m in everything]
    listed = {m.id: m for m in everything}
    for model_id, line in CURRENT.items():
        info = listed[model_id]
        assert info.display_name.startswith("Claude ")
        assert (info.lifecycle, info.line) == ("active", line)
        assert info.max_input_tokens and info.max_tokens
    retrieved = client.models.retrieve(MODEL)
    assert retrieved.id == MODEL
    assert retrieved.lifecycle == "active"
