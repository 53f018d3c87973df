#!/usr/bin/env bash
# The client suite: real, unmodified clients with their default settings against `bootstrap serve`,
# with the wire-level fake as Bedrock Runtime and Secrets Manager:
#   - Claude Code (print mode, isolated environment) and the newest Python SDK, under pytest;
#   - the TypeScript SDK, under node's built-in test runner.
#
#   VENV=/path/to/venv tests/clients/run.sh     # venv with tests/clients/requirements.txt
#
# Installs Claude Code and the TypeScript SDK with `npm ci` from package-lock.json, builds what it
# needs with cargo (honours CARGO_TARGET_DIR), starts the fake and the gateway on loopback
# ports each picks itself, and stops everything on exit. Every client run has a timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
: "${VENV:?set VENV to a virtualenv with tests/clients/requirements.txt installed}"
py="$VENV/bin/python"
[ -x "$py" ] || { echo "run.sh: $py not found" >&2; exit 2; }
for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed (apt-get install nodejs npm)" >&2; exit 2; }
done

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
claude="$here/node_modules/.bin/claude"
# Claude Code's postinstall puts its native binary in place; an npm that skips install scripts
# leaves a stub that says to run it by hand.
if ! "$claude" --version >/dev/null 2>&1; then
    node "$here/node_modules/@anthropic-ai/claude-code/install.cjs"
fi
echo "run.sh: $("$claude" --version)"

target="${CARGO_TARGET_DIR:-$repo/target}"
# Two builds, as in function/tests/run.sh: dev-dependency features must not leak into `bootstrap`.
(cd "$repo" && cargo build --quiet -p function --bin bootstrap && cargo build --quiet -p function --example fake_bedrock)
bootstrap="$target/debug/bootstrap"
fake_bin="$target/debug/examples/fake_bedrock"

work="$(mktemp -d)"
pids=()
cleanup() {
    status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT INT TERM

# shellcheck source=../support/announced.sh
source "$repo/tests/support/announced.sh"

api_key="sk-gw-clients-$("$py" -c 'import secrets; print(secrets.token_hex(8))')"

# A second key, stopped by a monthly spend limit of 0, for the spend-limit answer (Claude Code's
# default model has a price in the map).
capped_key="sk-gw-capped-$("$py" -c 'import secrets; print(secrets.token_hex(8))')"
FAKE_SECRET="{\"api_key\": \"$api_key\", \"keys\": [{\"name\": \"capped\", \"key\": \"$capped_key\", \"limits\": {\"monthly_usd\": 0}}]}" \
    "$fake_bin" 0 >"$work/fake.out" 2>"$work/fake.err" &
pids+=($!)
fake_url="$(announced "$!" "$work/fake.out" 's/^FAKE_BEDROCK_URL=//p')" \
    || { echo "run.sh: the fake Bedrock did not start" >&2; cat "$work/fake.err" >&2; exit 1; }

env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    API_KEY_SECRET_ARN=clients-suite \
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$fake_url" \
    AWS_ENDPOINT_URL_SECRETS_MANAGER="$fake_url" \
    PORT=0 \
    "$bootstrap" serve >"$work/gateway.log" 2>&1 &
pids+=($!)
gw_address="$(announced "$!" "$work/gateway.log" 's/.*"message":"listening","address":"\([^"]*\)".*/\1/p')" \
    || { echo "run.sh: the gateway did not come up; its log:" >&2; cat "$work/gateway.log" >&2; exit 1; }
gw_url="http://$gw_address"

export GATEWAY_URL="$gw_url" GATEWAY_API_KEY="$api_key" GATEWAY_CAPPED_KEY="$capped_key" FAKE_BEDROCK_URL="$fake_url" CLAUDE_BIN="$claude" \
    GATEWAY_LOG="$work/gateway.log"
unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN ANTHROPIC_BASE_URL || true

set +e
timeout 900 "$py" -m pytest -p no:cacheprovider -q --tb=short "$here/python"
pytest_result=$?
(cd "$here" && timeout 300 node --test --test-reporter=spec sdk.test.mjs)
node_result=$?
set -e
if [ "$pytest_result" -ne 0 ] || [ "$node_result" -ne 0 ]; then
    echo "run.sh: pytest exited $pytest_result, node --test exited $node_result; last gateway log lines:" >&2
    tail -n 30 "$work/gateway.log" >&2 || true
    exit 1
fi
