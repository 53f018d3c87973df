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
import uuid

import pytest

from conftest import open_gate

# On Bedrock's Messages endpoint: the SigV4-signed path, configured from the environment only.
OPUS = "claude-opus-5-5"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Watch:
    """A `cargo lambda watch` process serving the gateway, and the log it writes."""

    def __init__(self, env, log):
        cargo_lambda = os.path.join(os.path.dirname(sys.executable), "cargo-lambda")
        if not os.path.exists(cargo_lambda):
            pytest.fail("cargo-lambda is missing from the venv: pip install -r function/tests/requirements.txt")
        # `watch` cannot bind port 0 (`-P 0` means its default, 9000), so the port is picked here
        # and may be taken before `watch` binds it; `watch` then exits at once, and the fixture
        # starts another on a new port.
        port = _free_port()
        self.log = log
        child_env = dict(
            os.environ,
            API_KEY_SECRET_ARN=env["SECRET_ID"],
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME=env["FAKE_BEDROCK_URL"],
            AWS_ENDPOINT_URL_SECRETS_MANAGER=env["MOTO_URL"],
            PING_INTERVAL_MS="20",
        )
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [cargo_lambda, "lambda", "watch", "-A", "127.0.0.1", "-P", str(port),
                 "-p", "function", "--bin", "bootstrap", "--ignore-changes"],
                cwd=os.environ["REPO_ROOT"], env=child_env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{port}/lambda-url/bootstrap"

    def wait_until_serving(self) -> bool:
        """True once /health answers; False if `watch` exited before it bound its port."""
        # The first invocation may wait for `cargo run` to build the binary.
        deadline = time.monotonic() + 420
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=60) as r:
                    if r.status == 200 and self.proc.poll() is None:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.proc.poll() is not None:
                # Exiting with status 0 and no invocation is what `watch` does on a taken port.
                if self.proc.returncode == 0 and "invoke" not in self.text():
                    return False
                pytest.fail("cargo lambda watch exited:\n" + self.text()[-3000:])
            if time.monotonic() > deadline:
                pytest.fail("cargo lambda watch did not serve /health:\n" + self.text()[-3000:])
            time.sleep(0.5)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except ProcessLookupError:  # the group is gone already
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def watch(env, tmp_path_factory):
    for _ in range(5):
        w = Watch(env, tmp_path_factory.mktemp("cargo-lambda") / "watch.log")
        try:
            if w.wait_until_serving():
                yield w
                return
        finally:
            w.stop()
    pytest.fail("cargo lambda watch found its port taken five times:\n" + w.text()[-3000:])


@pytest.fixture(scope="module")
def lambda_url(watch):
    return watch.url


def _post(lambda_url, env, body: dict):
    url = urllib.parse.urlparse(lambda_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("POST", url.path + "/v1/messages", json.dumps(body),
                 {"content-type": "application/json", "x-api-key": env["GATEWAY_API_KEY"]})
    return conn, conn.getresponse()


def test_streaming_through_the_emulator(lambda_url, env):
    # The fake holds the answer after message_start until a ping of the gateway's has come through
    # the emulator (the Messages endpoint's own ping follows message_start): streamed, not buffered.
    gate = f"gate{uuid.uuid4().hex}"
    conn, resp = _post(lambda_url, env, {"model": OPUS, "max_tokens": 8, "stream": True,
                                         "messages": [{"role": "user", "content": f"scenario:silent-{gate}"}]})
    assert resp.status == 200
    assert resp.getheader("content-type") == "text/event-stream"
    assert resp.getheader("request-id")
    names = []
    for line in resp:
        if line.startswith(b"event: "):
            names.append(line.decode().strip()[len("event: "):])
            if "message_start" in names and names[names.index("message_start"):].count("ping") == 2:
                open_gate(env, gate)
    conn.close()
    content = [n for n in names if n != "ping"]
    assert content[0] == "message_start" and content[-1] == "message_stop", names
    assert names[names.index("message_start"):].count("ping") >= 2, names


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


def test_the_trace_id_reaches_the_log(watch, env):
    # cargo lambda watch sends Lambda-Runtime-Trace-Id like Lambda; the log line carries it.
    conn, resp = _post(watch.url, env, {"model": OPUS, "max_tokens": 8,
                                        "messages": [{"role": "user", "content": "hello"}]})
    request_id = resp.getheader("request-id")
    resp.read()
    conn.close()
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(l) for l in watch.text().splitlines() if l.startswith("{")]
        mine = [l for l in lines if l.get("message") == "request" and l.get("request_id") == request_id]
        if mine:
            break
        assert time.monotonic() < deadline, "no request log line in cargo lambda's output"
        time.sleep(0.1)
    assert mine[0].get("trace_id", "").startswith("Root="), mine[0]

