#!/usr/bin/env bash
# Rewrites the vendored part of stateful-types.txt from cfn-lint's list of stateful resource
# types (pip install cfn-lint; MIT-0: src/cfnlint/data/AdditionalSpecs/StatefulResources.json,
# what its rule I3011 asks explicit policies of). The types it does not list that hold data,
# each with why, are kept from the file's second part.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, pathlib, cfnlint
spec = pathlib.Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "StatefulResources.json"
types = sorted(json.loads(spec.read_text())["ResourceTypes"])
from importlib.metadata import version
old = pathlib.Path("stateful-types.txt").read_text()
marker = "# Not in cfn-lint's list"
ours = old[old.index(marker):] if marker in old else marker + ":\n"
with open("stateful-types.txt", "w") as out:
    out.write("# Resource types whose resources hold data a deployment does not recreate, one a line.\n")
    out.write(f"# Source: cfn-lint {version('cfn-lint')} src/cfnlint/data/AdditionalSpecs/StatefulResources.json\n")
    out.write("# (MIT-0), by refresh-stateful-types.sh; then the types it does not list that hold data.\n")
    for t in types:
        out.write(f"{t}\n")
    out.write(ours)
PY
