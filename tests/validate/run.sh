#!/usr/bin/env bash
# Third-party checks of generated/: cfn-lint, cfn-guard with the AWS Control Tower rules, and
# checkov, on each SAM template and on its offline SAM translation. Prints one table and exits
# non-zero on any finding that no suppression in the definitions explains (see report.py).
#
#   VENV=.venv bash tests/validate/run.sh
#
# VENV                 venv with tests/validate/requirements.txt (cfn-lint, aws-sam-translator);
#                      installed into it when the pinned versions are missing. Default: .venv
# VALIDATE_TOOLS_DIR   where the checkov venv, the npm package and the reports go.
#                      Default: target/validate-tools (ignored by git)
#
# Nothing here calls AWS; installs use PyPI and the npm registry only when a pin is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tests/validate"
venv="${VENV:-$root/.venv}"
tools="${VALIDATE_TOOLS_DIR:-$root/target/validate-tools}"
out="$tools/reports"
mkdir -p "$tools"
rm -rf "$out"
mkdir -p "$out/translated"

# No tool may phone home: checkov's guideline download (BC_SKIP_MAPPING, --skip-download) and
# its PyPI version check (run when its banner module loads), and any AWS SDK credential or
# region lookup.
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

# Each pinned version from a requirements file, as name==version lines.
pins() { grep -E '^[A-Za-z0-9_.-]+==' "$1"; }

# Installs $2 into venv $1 unless every pin in it is already satisfied.
ensure_venv() {
  local v="$1" req="$2"
  if [[ ! -x "$v/bin/python" ]]; then
    python3 -m venv "$v"
  fi
  local frozen
  frozen="$("$v/bin/python" -m pip freeze 2>/dev/null | tr '[:upper:]_' '[:lower:]-')"
  if ! pins "$req" | tr '[:upper:]_' '[:lower:]-' | grep -qvxF -f <(printf '%s\n' "$frozen"); then
    return 0
  fi
  echo "installing $(basename "$req") into $v" >&2
  "$v/bin/python" -m pip install -q -r "$req"
}

ensure_venv "$venv" "$here/requirements.txt"
ensure_venv "$tools/checkov-venv" "$here/requirements-checkov.txt"

npm_dir="$tools/npm"
guard_pkg="$npm_dir/node_modules/@cdklabs/cdk-validator-cfnguard"
if ! cmp -s "$here/package-lock.json" "$npm_dir/package-lock.json" || [[ ! -d "$guard_pkg" ]]; then
  echo "installing @cdklabs/cdk-validator-cfnguard into $npm_dir" >&2
  mkdir -p "$npm_dir"
  cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
  # The package's peer dependency (aws-cdk-lib) is for CDK apps; the binary and rules need none.
  (cd "$npm_dir" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error)
fi
case "$(uname -m)" in
  x86_64) guard="$guard_pkg/bin/ubuntu/x86_64/cfn-guard" ;;
  aarch64 | arm64) guard="$guard_pkg/bin/ubuntu/aarch64/cfn-guard" ;;
  *) echo "run.sh: no cfn-guard binary for $(uname -m)" >&2; exit 2 ;;
esac
rules="$guard_pkg/rules/control-tower/cfn-guard"

templates=("$root"/generated/*.yaml)
start=$EPOCHREALTIME

# 1. The offline SAM translation (templates without a transform are copied as JSON).
"$venv/bin/python" "$here/translate.py" "$out/translated" "${templates[@]}" 2>"$out/translate.log" \
  || { cat "$out/translate.log" >&2; exit 1; }
translated=("$out"/translated/*.json)

# 2. cfn-lint, both forms. Exit codes encode severities; the JSON says what was found.
"$venv/bin/cfn-lint" --format json -- "${templates[@]}" >"$out/cfn-lint-sam.json" || true
"$venv/bin/cfn-lint" --format json -- "${translated[@]}" >"$out/cfn-lint-translated.json" || true
"$venv/bin/cfn-lint" --list-rules >"$out/cfn-lint-rules.txt"

# 3. cfn-guard with the Control Tower rules, translated form (the rules match the resource
#    types SAM expands to; on the SAM form they would skip the function).
"$guard" validate --rules "$rules" --data "$out/translated" --structured --show-summary none \
  --output-format json >"$out/guard-translated.json" || true

# 4. checkov, both forms.
checkov=("$tools/checkov-venv/bin/checkov" --framework cloudformation --compact
  --skip-download --output json)
"${checkov[@]}" --directory "$root/generated" >"$out/checkov-sam.json" || true
"${checkov[@]}" --directory "$out/translated" >"$out/checkov-translated.json" || true

"$venv/bin/python" "$here/report.py" "$out" "$root/generated" \
  --seconds "$("$venv/bin/python" -c "print($EPOCHREALTIME - $start)")"
