#!/usr/bin/env bash
# The Python suite: the official Anthropic SDK against `bootstrap serve`, with moto as Secrets
# Manager and the wire-level fake as Bedrock Runtime.
#
#   VENV=/path/to/venv function/tests/run.sh     # venv with function/tests/requirements.txt
#
# Builds what it needs with cargo (honours CARGO_TARGET_DIR), starts moto, the fake and the
# gateway on loopback ports each picks itself, runs pytest, and stops everything on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
: "${VENV:?set VENV to a virtualenv with function/tests/requirements.txt installed}"
py="$VENV/bin/python"
[ -x "$py" ] || { echo "run.sh: $py not found" >&2; exit 2; }
"$py" -c 'import moto.server' 2>/dev/null || { echo "run.sh: moto[server] missing: pip install -r $here/requirements.txt" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-$repo/target}"
# Two builds, not one: with the example in the same build, dev-dependency features would leak into
# `bootstrap`, and `cargo lambda watch` (which runs plain `cargo run --bin bootstrap`) would
# rebuild most of the dependency tree.
(cd "$repo" && cargo build --quiet -p function --bin bootstrap && cargo build --quiet -p function --example fake_bedrock)
bootstrap="$target/debug/bootstrap"
fake_bin="$target/debug/examples/fake_bedrock"

work="$(mktemp -d)"
pids=()
cleanup() {
    status=$?
    # Gateways are started inside `$(serve …)`, a subshell: their pids come back through a file.
    if [ -f "$work/serve.pids" ]; then
        while read -r pid; do pids+=("$pid"); done <"$work/serve.pids"
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

# shellcheck source=../../tests/support/announced.sh
source "$repo/tests/support/announced.sh"

"$py" "$repo/tests/support/moto_server.py" >"$work/moto.url" 2>"$work/moto.log" &
pids+=($!)
moto_url="$(announced "$!" "$work/moto.url" 's/^MOTO_URL=//p')" \
    || { echo "run.sh: moto did not start; its log:" >&2; cat "$work/moto.log" >&2; exit 1; }

"$fake_bin" 0 >"$work/fake.out" 2>"$work/fake.err" &
pids+=($!)
fake_url="$(announced "$!" "$work/fake.out" 's/^FAKE_BEDROCK_URL=//p')" \
    || { echo "run.sh: the fake Bedrock did not start" >&2; cat "$work/fake.err" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN ANTHROPIC_BASE_URL || true

api_key="sk-gw-test-$("$py" -c 'import secrets; print(secrets.token_hex(8))')"
secret_id="$("$py" - "$moto_url" "$api_key" <<'EOF'
import json, sys, boto3
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="us-east-1")
print(sm.create_secret(Name="gateway-api-key", SecretString=json.dumps({"api_key": sys.argv[2]}))["ARN"])
EOF
)"

secret_ttl=1
# serve PING_INTERVAL_MS LOG: a gateway on a port of its choosing; prints its URL once it listens.
serve() {
    API_KEY_SECRET_ARN="$secret_id" \
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$fake_url" \
        AWS_ENDPOINT_URL_SECRETS_MANAGER="$moto_url" \
        SECRET_TTL_SECONDS="$secret_ttl" \
        PING_INTERVAL_MS="$1" \
        PORT=0 \
        "$bootstrap" serve >"$2" 2>&1 &
    echo "$!" >>"$work/serve.pids"
    local address
    address="$(announced "$!" "$2" 's/.*"message":"listening","address":"\([^"]*\)".*/\1/p')" \
        || { echo "run.sh: the gateway did not start; its log:" >&2; cat "$2" >&2; return 1; }
    echo "http://$address"
}
# No ping unless a test asks for one: a ping commits the stream, so on a busy machine a short
# interval would turn up-front errors into error events at random. The ping tests use a second
# gateway with a short interval, and hold the fake silent on a gate until they have seen pings.
gw_url="$(serve 600000 "$work/gateway.log")"
pinging_url="$(serve 20 "$work/pinging.log")"

set +e
REPO_ROOT="$repo" GATEWAY_URL="$gw_url" PINGING_GATEWAY_URL="$pinging_url" FAKE_BEDROCK_URL="$fake_url" MOTO_URL="$moto_url" SECRET_ID="$secret_id" \
    GATEWAY_API_KEY="$api_key" GATEWAY_LOG="$work/gateway.log" SECRET_TTL_SECONDS="$secret_ttl" \
    timeout 600 "$py" -m pytest -p no:cacheprovider -q "$here/python"
result=$?
set -e
if [ "$result" -ne 0 ]; then
    echo "run.sh: pytest failed ($result); last gateway log lines:" >&2
    tail -n 30 "$work/gateway.log" >&2 || true
fi

# Spend and rate limits against DynamoDB (moto, started by the suite itself from $VENV): the
# table protocol, and two `bootstrap serve` processes sharing one table.
set +e
(cd "$repo" && VENV="$VENV" cargo test --quiet -p function --features moto --test limits)
limits=$?
set -e
[ "$limits" -eq 0 ] || { echo "run.sh: the limits suite failed ($limits)" >&2; result=1; }
exit "$result"
