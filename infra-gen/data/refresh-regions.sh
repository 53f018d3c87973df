#!/usr/bin/env bash
# Rewrites regions.txt from botocore's partitions data (pip install botocore; Apache-2.0): every
# region of the partitions infra-gen writes ARNs for (aws, aws-cn, aws-us-gov).
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, pathlib, botocore
data = pathlib.Path(botocore.__file__).parent / "data" / "endpoints.json"
doc = json.loads(data.read_text())
rows = sorted(
    (region, p["partition"])
    for p in doc["partitions"]
    if p["partition"] in ("aws", "aws-cn", "aws-us-gov")
    for region in p["regions"]
)
with open("regions.txt", "w") as out:
    out.write("# AWS regions, one `<region> <partition>` a line, sorted: the regions an Environment may name.\n")
    out.write(f"# Source: botocore {botocore.__version__} data/endpoints.json (Apache-2.0), partitions aws, aws-cn and\n")
    out.write("# aws-us-gov, by refresh-regions.sh.\n")
    for region, partition in rows:
        out.write(f"{region} {partition}\n")
PY
