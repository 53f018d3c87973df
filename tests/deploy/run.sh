#!/usr/bin/env bash
# The deploy suite: the AWS-feature build (clippy, unit tests, and the integration tests that
# run `diff --deployed`, `plan` and `drift` against moto and a fake CloudFormation), then a real
# `sam deploy` into moto through generated/samconfig.toml. Nothing here contacts AWS.
# Usage: VENV=<virtualenv with tests/deploy/requirements.txt> bash tests/deploy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${VENV:?set VENV to a virtualenv with tests/deploy/requirements.txt installed}"
VENV=$(cd "$VENV" && pwd)
export VENV

cargo clippy -p infra-gen -p stacks --all-targets --features stacks/aws -- -D warnings
cargo test -p infra-gen -p stacks --features stacks/aws
bash tests/deploy/sam-deploy-moto.sh
