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

core_venv=$(venv core tests/requirements.txt)

step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test (workspace)" cargo test --workspace
step "cargo infra-gen check (drift)" cargo infra-gen check
step "cfn-lint generated/*.yaml" "$core_venv/bin/cfn-lint" generated/*.yaml

echo
echo "::: summary"
printf '%s\n' "${summary[@]}"
echo "all steps passed"
