#!/usr/bin/env bash
# Rewrites regions.txt from botocore's partitions data (pip install botocore; Apache-2.0): every
# region of the partitions infra-gen writes ARNs for (aws, aws-cn, aws-us-gov). partitions.json is
# what the SDKs resolve endpoints by; endpoints.json lags it (it lacked me-west-1 and sa-west-1).
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, pathlib, botocore
data = pathlib.Path(botocore.__file__).parent / "data" / "partitions.json"
doc = json.loads(data.read_text())
rows = sorted(
    (region, p["id"])
    for p in doc["partitions"]
    if p["id"] in ("aws", "aws-cn", "aws-us-gov")
    for region in p["regions"]
    # `aws-global` and the like name a partition's global endpoint, not a region.
    if not region.endswith("-global")
)
with open("regions.txt", "w") as out:
    out.write("# AWS regions, one `<region> <partition>` a line, sorted: the regions an Environment may name.\n")
    out.write(f"# Source: botocore {botocore.__version__} data/partitions.json (Apache-2.0), partitions aws, aws-cn and\n")
    out.write("# aws-us-gov, by refresh-regions.sh.\n")
    for region, partition in rows:
        out.write(f"{region} {partition}\n")
PY
