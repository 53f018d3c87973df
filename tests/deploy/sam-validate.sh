#!/usr/bin/env bash
# `sam validate --lint` of every generated template, through its samconfig.toml config-env
# (so the config file is exercised too). Offline: sam validate needs a region (samconfig.toml
# has each stack's) but no credentials and no network; the endpoint below is unreachable, so
# any attempt to call AWS would fail the run instead of reaching AWS.
# Usage: VENV=<virtualenv with tests/deploy/requirements.txt> bash tests/deploy/sam-validate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${VENV:?set VENV to a virtualenv with tests/deploy/requirements.txt installed}"
VENV=$(cd "$VENV" && pwd) # the script changes directory
sam=$VENV/bin/sam
[ -x "$sam" ] || { echo "error: $sam not found: pip install -r tests/deploy/requirements.txt into \$VENV" >&2; exit 2; }

export SAM_CLI_TELEMETRY=0
export AWS_ENDPOINT_URL=http://127.0.0.1:9
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION

cd generated
templates=(*.yaml)
for template in "${templates[@]}"; do
  stack=${template%.yaml}
  # The config-env sets template_file, region and lint = true.
  "$sam" validate --config-env "$stack"
done
echo "ok: sam validate --lint passed for ${#templates[@]} template(s)"
