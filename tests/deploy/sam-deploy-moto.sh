#!/usr/bin/env bash
# End to end against moto, with the real SAM CLI: deploys one environment the way the deploy
# workflow does (registry, then service, each through its samconfig.toml config-env), then
# checks that `infra-gen diff --deployed` sees no difference, although sam deploy re-serializes
# the template and adds metadata to every resource, and that `plan` finds nothing to change.
# Never contacts AWS: every call goes to a moto server on localhost, with dummy credentials.
# Usage: VENV=<virtualenv with tests/deploy/requirements.txt> bash tests/deploy/sam-deploy-moto.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
: "${VENV:?set VENV to a virtualenv with tests/deploy/requirements.txt installed}"
VENV=$(cd "$VENV" && pwd) # the script changes directory
for tool in sam moto_server; do
  [ -x "$VENV/bin/$tool" ] || { echo "error: $VENV/bin/$tool not found: pip install -r tests/deploy/requirements.txt into \$VENV" >&2; exit 2; }
done
env_name=${1:-staging}
registry=chatrix-$env_name-registry
service=chatrix-$env_name-service

work=$(mktemp -d)
moto_pid=
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done

export AWS_ENDPOINT_URL=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_EC2_METADATA_DISABLED=true SAM_CLI_TELEMETRY=0
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION

# The commit being "deployed"; the image is not pushed (moto runs no functions).
tag=$(git rev-parse HEAD 2>/dev/null || echo 0123456789abcdef0123456789abcdef01234567)

cp -r generated "$work/generated"
(
  cd "$work/generated"
  "$VENV/bin/sam" deploy --config-env "$registry" --no-confirm-changeset --no-progressbar
  repository=$("$VENV/bin/python" - "$registry" <<'PY'
import sys, boto3
stack = boto3.client("cloudformation", region_name="us-west-2").describe_stacks(StackName=sys.argv[1])["Stacks"][0]
outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
# moto leaves outputs empty; the URI's shape is what sam checks.
print(outputs.get("RepositoryUri", "123456789012.dkr.ecr.us-west-2.amazonaws.com/" + sys.argv[1]))
PY
  )
  "$VENV/bin/sam" deploy --config-env "$service" --no-confirm-changeset --no-progressbar \
    --parameter-overrides "ImageTag=$tag" --image-repository "$repository"
)

infra_gen=(cargo run --quiet -p stacks --features aws --bin infra-gen -- --root "$root")
for stack in "$registry" "$service"; do
  "${infra_gen[@]}" diff --deployed "$stack"
done
# plan sends what sam deploy sent (same template, tags, capabilities, resource metadata), so
# right after a deploy it must find nothing to change.
plans=$("${infra_gen[@]}" plan "$registry"; "${infra_gen[@]}" plan "$service" --image-tag "$tag")
echo "$plans"
[ "$(grep -c ': no changes$' <<<"$plans")" = 2 ] || { echo "error: plan right after sam deploy should find no changes" >&2; exit 1; }
echo "ok: sam deploy through samconfig.toml, then diff --deployed and plan, against moto"
