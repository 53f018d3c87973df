#!/usr/bin/env bash
# Re-extracts schemas/ from the pinned cfn-lint and aws-sam-translator packages (see README.md).
# Offline once the venv holds tests/validate/requirements.txt: nothing here reaches a network.
#   VENV=/path/to/venv bash schemas/refresh.sh [AWS::Service::Type ...]
# With type names, their provider schemas are added (a new resource kind); without, the files
# present are refreshed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$root/.venv}"
py="$venv/bin/python"

# The packages must be exactly the pinned ones, or the schemas would not match the record.
for pkg in cfn-lint aws-sam-translator; do
  want="$(grep -iE "^${pkg}==" "$root/tests/validate/requirements.txt" | cut -d= -f3)"
  have="$("$py" -c "from importlib.metadata import version; print(version('$pkg'))")"
  if [[ "$want" != "$have" ]]; then
    echo "refresh.sh: $pkg $have is installed but requirements.txt pins $want;" >&2
    echo "  run: $venv/bin/pip install -r tests/validate/requirements.txt" >&2
    exit 1
  fi
done

"$py" "$root/schemas/extract.py" "$root/schemas" "$@"
echo "schemas/ refreshed from cfn-lint $("$py" -c "from importlib.metadata import version; print(version('cfn-lint'))") and aws-sam-translator $("$py" -c "from importlib.metadata import version; print(version('aws-sam-translator'))")"
