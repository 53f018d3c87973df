"""Claude Code (pinned in package-lock.json) in print mode against the gateway, headless and
isolated: a scratch HOME and working directory, no inherited environment, nothing but the gateway
to talk to."""

import json
import subprocess

import pytest

CURRENT = ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-fable-5-2"]
DEFAULT_MODEL = "claude-opus-5-5"
RUN_TIMEOUT = 60  # seconds; a healthy run takes about one


def claude(env, tmp_path, *args, credential=("ANTHROPIC_API_KEY", None), extra_env=None, timeout=RUN_TIMEOUT):
    """Runs `claude -p` with stream-json output; returns (exit code, events, stderr)."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    name, value = credential
    isolated = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TERM": "dumb",
        "ANTHROPIC_BASE_URL": env["GATEWAY_URL"],
        name: value or env["GATEWAY_API_KEY"],
        "DISABLE_TELEMETRY": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        **(extra_env or {}),
    }
    command = [env["CLAUDE_BIN"], "-p", "--output-format", "stream-json", "--verbose",
               "--no-session-persistence", *args]
    try:
        done = subprocess.run(command, env=isolated, cwd=work, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        so_far = e.stdout.decode() if isinstance(e.stdout, bytes) else e.stdout or ""
        pytest.fail(f"claude -p did not finish in {timeout} s; its output so far:\n{so_far[-4000:]}")
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, events, done.stderr


def result_of(events) -> dict:
    results = [e for e in events if e.get("type") == "result"]
    assert len(results) == 1, f"one result event expected, got {events}"
    return results[0]


def assistant_models(events) -> set:
    return {e["message"]["model"] for e in events if e.get("type") == "assistant"}


def explain(code, events, stderr) -> str:
    """The run for a failure message, without the long init event."""
    shown = "\n".join(json.dumps(e)[:1500] for e in events if e.get("subtype") != "init")
    return f"exit {code}\nstderr: {stderr[-2000:]}\nevents:\n{shown}"


def test_default_model_answers(env, tmp_path):
    code, events, stderr = claude(env, tmp_path, "Say hello")
    assert code == 0, explain(code, events, stderr)
    result = result_of(events)
    assert result["subtype"] == "success" and not result["is_error"]
    assert result["result"] == "Hello from fake Bedrock."
    init = next(e for e in events if e.get("type") == "system" and e.get("subtype") == "init")
    assert init["model"] == DEFAULT_MODEL
    assert assistant_models(events) == {DEFAULT_MODEL}


@pytest.mark.parametrize("model", CURRENT)
def test_each_current_model_answers(env, tmp_path, model):
    code, events, stderr = claude(env, tmp_path, "--model", model, "Say hello")
    assert code == 0, explain(code, events, stderr)
    assert result_of(events)["result"] == "Hello from fake Bedrock."
    assert assistant_models(events) == {model}


def test_gateway_model_discovery_reads_the_models_endpoint(env, tmp_path):
    with open(env["GATEWAY_LOG"]) as log:
        before = len(log.readlines())
    code, events, stderr = claude(env, tmp_path, "--model", "claude-haiku-5-5", "Say hello",
                                  extra_env={"CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY": "1"})
    assert code == 0, explain(code, events, stderr)
    assert result_of(events)["result"] == "Hello from fake Bedrock."
    with open(env["GATEWAY_LOG"]) as log:
        lines = [json.loads(line) for line in log.readlines()[before:] if line.startswith("{")]
    listed = [(line["path"], line["status"]) for line in lines if line.get("path", "").startswith("/v1/models")]
    assert listed and all(status == 200 for _, status in listed), lines


def test_tool_use_turn_runs_bash_and_sends_the_result(env, tmp_path):
    code, events, stderr = claude(env, tmp_path, "--allowedTools", "Bash", "--permission-prompts", "none",
                                  "Run the command scenario:bash_tool")
    assert code == 0, explain(code, events, stderr)
    calls = [b for e in events if e.get("type") == "assistant" for b in e["message"]["content"]
             if b["type"] == "tool_use"]
    assert [c["name"] for c in calls] == ["Bash"]
    command = calls[0]["input"]["command"]
    assert command.startswith("echo tool-ran-")
    results = [b for e in events if e.get("type") == "user" for b in e["message"]["content"]
               if isinstance(b, dict) and b.get("type") == "tool_result"]
    assert len(results) == 1 and not results[0].get("is_error"), explain(code, events, stderr)
    ran = command.removeprefix("echo ")
    assert ran in json.dumps(results[0]["content"])
    assert result_of(events)["result"] == f"tool result: {ran}"


def test_auth_token_instead_of_api_key_is_accepted(env, tmp_path):
    code, events, stderr = claude(env, tmp_path, "Say hello", credential=("ANTHROPIC_AUTH_TOKEN", None))
    assert code == 0, explain(code, events, stderr)
    assert result_of(events)["result"] == "Hello from fake Bedrock."


def test_wrong_key_fails_fast_with_the_auth_error(env, tmp_path):
    # Claude Code retries a 401 ten times over about three minutes unless the answer carries
    # `x-should-retry: false`; the timeout turns that into a failure instead of a hang.
    code, events, stderr = claude(env, tmp_path, "Say hello", credential=("ANTHROPIC_API_KEY", "sk-not-the-key"),
                                  timeout=30)
    assert code == 1, explain(code, events, stderr)
    assert not [e for e in events if e.get("subtype") == "api_retry"], "Claude Code retried the 401"
    result = result_of(events)
    assert result["is_error"]
    assert (result["api_error_status"], result["api_error_type"]) == (401, "authentication_error")
    assert result["result"].startswith("Invalid API key")


def test_a_key_over_its_spend_limit_gets_the_limit_message_at_once(env, tmp_path):
    # The gateway answers a spend limit as Anthropic answers its own: 400 invalid_request_error
    # with `x-should-retry: false`, so Claude Code shows the message instead of retrying.
    code, events, stderr = claude(env, tmp_path, "Say hello",
                                  credential=("ANTHROPIC_API_KEY", env["GATEWAY_CAPPED_KEY"]), timeout=30)
    assert code == 1, explain(code, events, stderr)
    assert not [e for e in events if e.get("subtype") == "api_retry"], "Claude Code retried the spend limit"
    result = result_of(events)
    assert result["is_error"]
    assert (result["api_error_status"], result["api_error_type"]) == (400, "invalid_request_error")
    assert "monthly spend limit" in result["result"] and "regain access on" in result["result"], result["result"]
