"""Fixtures for the client suite. run.sh starts the fake Bedrock (also answering GetSecretValue)
and `bootstrap serve`, and passes their addresses in the environment."""

import json
import os
import urllib.request

import pytest


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run this suite through tests/clients/run.sh", returncode=2)
    return value


@pytest.fixture(scope="session")
def env() -> dict:
    names = ("GATEWAY_URL", "GATEWAY_API_KEY", "GATEWAY_CAPPED_KEY", "FAKE_BEDROCK_URL", "GATEWAY_LOG", "CLAUDE_BIN")
    return {name: _env(name) for name in names}


@pytest.fixture()
def fake_requests(env):
    """Returns the upstream requests the fake received since the test started."""
    urllib.request.urlopen(urllib.request.Request(env["FAKE_BEDROCK_URL"] + "/__fake/reset", method="POST"), timeout=5)

    def received() -> list:
        with urllib.request.urlopen(env["FAKE_BEDROCK_URL"] + "/__fake/requests", timeout=5) as r:
            return json.load(r)

    return received
