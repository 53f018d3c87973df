"""The Lambda path under `cargo lambda watch`, a third-party Runtime API emulator: Function URL
events in, the streamed prelude applied by the emulator, SSE out."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

# On Bedrock's Messages endpoint: the SigV4-signed path, configured from the environment only.
OPUS = "claude-opus-5-5"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lambda_url(env, tmp_path_factory):
    cargo_lambda = os.path.join(os.path.dirname(sys.executable), "cargo-lambda")
    if not os.path.exists(cargo_lambda):
        pytest.fail("cargo-lambda is missing from the venv: pip install -r function/tests/requirements.txt")
    port = _free_port()
    log = tmp_path_factory.mktemp("cargo-lambda") / "watch.log"
    child_env = dict(
        os.environ,
        API_KEY_SECRET_ARN=env["SECRET_ID"],
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME=env["FAKE_BEDROCK_URL"],
        AWS_ENDPOINT_URL_SECRETS_MANAGER=env["MOTO_URL"],
        PING_INTERVAL_MS="200",
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [cargo_lambda, "lambda", "watch", "-A", "127.0.0.1", "-P", str(port),
             "-p", "function", "--bin", "bootstrap", "--ignore-changes"],
            cwd=os.environ["REPO_ROOT"], env=child_env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}/lambda-url/bootstrap"
    try:
        # The first invocation may wait for `cargo run` to build the binary.
        deadline = time.monotonic() + 420
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=60) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("cargo lambda watch did not serve /health:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def _post(lambda_url, env, body: dict):
    url = urllib.parse.urlparse(lambda_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("POST", url.path + "/v1/messages", json.dumps(body),
                 {"content-type": "application/json", "x-api-key": env["GATEWAY_API_KEY"]})
    return conn, conn.getresponse()


def test_streaming_through_the_emulator(lambda_url, env):
    conn, resp = _post(lambda_url, env, {"model": OPUS, "max_tokens": 8, "stream": True,
                                         "messages": [{"role": "user", "content": "scenario:silent-600"}]})
    assert resp.status == 200
    assert resp.getheader("content-type") == "text/event-stream"
    assert resp.getheader("request-id")
    names = [line.decode().strip()[len("event: "):] for line in resp if line.startswith(b"event: ")]
    conn.close()
    assert names[0] == "message_start" and names[-1] == "message_stop"
    assert "ping" in names


def test_errors_keep_their_status_through_the_emulator(lambda_url, env):
    conn, resp = _post(lambda_url, env, {"model": "no-such-model", "max_tokens": 8,
                                         "messages": [{"role": "user", "content": "x"}]})
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 404
    assert body["error"]["type"] == "not_found_error"


def test_non_streaming_through_the_emulator(lambda_url, env):
    conn, resp = _post(lambda_url, env, {"model": OPUS, "max_tokens": 8,
                                         "messages": [{"role": "user", "content": "hello"}]})
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 200
    assert body["model"] == OPUS
    assert body["content"][0]["text"] == "Hello from fake Bedrock."
