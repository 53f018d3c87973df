#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust tests, the drift check, and every suite that
# needs a third-party peer (cfn-lint, moto, the anthropic SDK, ...). Python tools go into
# virtualenvs under .venvs/ (one per requirements file, so their pins cannot clash).
# Usage: bash tests/run.sh        (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venvs=${VENV_ROOT:-$root/.venvs}
summary=()

# Creates (once) and updates the virtualenv $venvs/$1 from requirements file $2.
venv() {
  local dir=$venvs/$1
  if [ ! -x "$dir/bin/python" ]; then
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  fi
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$2" >&2
  echo "$dir"
}

# Runs a named step, recording its duration for the summary.
step() {
  local name=$1
  shift
  echo "::: $name"
  local start=$SECONDS
  "$@"
  summary+=("$(printf '%-44s %4ds' "$name" $((SECONDS - start)))")
}

step "cargo fmt --check" cargo fmt --all --check
# `function/moto` only gates the limits suite (it needs moto from a venv), so it is linted too.
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets --features function/moto -- -D warnings
step "cargo test (workspace)" cargo test --workspace
step "cargo infra-gen check (drift)" cargo infra-gen check

# The gateway against its peers: moto (Secrets Manager), the official anthropic SDK, and
# `cargo lambda watch` (the Lambda Runtime API), with the wire-level fake of Bedrock.
function_venv=$(venv function function/tests/requirements.txt)
step "function suite (anthropic SDK, moto, cargo-lambda)" env VENV="$function_venv" bash function/tests/run.sh
step "arm64 build (cargo lambda build --arm64)" env VENV="$function_venv" bash tests/build-arm64.sh

# Real clients, unmodified, with their default settings: Claude Code in print mode (isolated), the
# newest Python SDK and the TypeScript SDK (npm ci from tests/clients/package-lock.json).
clients_venv=$(venv clients tests/clients/requirements.txt)
step "client suite (Claude Code, Python and TS SDKs)" env VENV="$clients_venv" bash tests/clients/run.sh

# cfn-lint, cfn-guard (Control Tower rules) and checkov on every template, SAM and translated.
validate_venv=$(venv validate tests/validate/requirements.txt)
step "third-party checks (tests/validate)" env VENV="$validate_venv" \
  VALIDATE_TOOLS_DIR="$venvs/validate-tools" bash tests/validate/run.sh

# The emitter against PyYAML (the YAML 1.1 reader cfn-lint uses): 3000 generated documents of
# control characters, line separators, type-lookalike words and nesting must read back exactly.
step "PyYAML round-trip (emitter corpus)" bash -c \
  'set -o pipefail; cargo run -q -p infra-gen --example yaml_corpus 3000 | "$0/bin/python" tests/validate/pyyaml_roundtrip.py' \
  "$validate_venv"

# Lint `dependency` against cfn-lint's graph of the transformed templates (E3004): 200 generated
# services whose resources name one another; infra-gen must refuse exactly the circular ones.
step "dependency cycles vs cfn-lint (corpus)" bash -c \
  'set -o pipefail; cargo run -q -p infra-gen --example dependency_corpus 200 | "$0/bin/python" tests/validate/dependency_corpus.py "$0/bin/cfn-lint"' \
  "$validate_venv"

# The deploy loop: sam validate, workflow lint, and diff/plan/drift against moto and a fake
# CloudFormation (the SAM CLI pins its own boto3, hence a separate virtualenv).
deploy_venv=$(venv deploy tests/deploy/requirements.txt)
step "sam validate --lint (generated/)" env VENV="$deploy_venv" bash tests/deploy/sam-validate.sh
step "actionlint .github/workflows" env VENV="$deploy_venv" bash tests/deploy/actionlint.sh
step "deploy suite (aws feature, moto)" env VENV="$deploy_venv" bash tests/deploy/run.sh

echo
echo "::: summary"
printf '%s\n' "${summary[@]}"
echo "all steps passed"
