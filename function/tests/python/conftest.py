"""Fixtures for the gateway suite. run.sh starts moto, the fake Bedrock and `bootstrap serve`
and passes their addresses in the environment."""

import os
import urllib.request

import anthropic
import boto3
import pytest


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run this suite through function/tests/run.sh", returncode=2)
    return value


@pytest.fixture(scope="session")
def env() -> dict:
    return {
        name: _env(name)
        for name in ("GATEWAY_URL", "PINGING_GATEWAY_URL", "FAKE_BEDROCK_URL", "MOTO_URL", "SECRET_ID", "GATEWAY_API_KEY", "GATEWAY_LOG",
                     "SECRET_TTL_SECONDS")
    }


@pytest.fixture()
def client(env) -> anthropic.Anthropic:
    # No SDK retries: each test sees exactly what the gateway answered.
    return anthropic.Anthropic(base_url=env["GATEWAY_URL"], api_key=env["GATEWAY_API_KEY"], max_retries=0, timeout=20)


@pytest.fixture()
def secrets(env):
    return boto3.client(
        "secretsmanager",
        endpoint_url=env["MOTO_URL"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def open_gate(env, gate: str) -> None:
    """Ends the fake's pauses on `gate` (`silent-<gate>`, `delay:<gate>`, ...)."""
    request = urllib.request.Request(f"{env['FAKE_BEDROCK_URL']}/__fake/open/{gate}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=20) as r:
        assert r.status == 200
