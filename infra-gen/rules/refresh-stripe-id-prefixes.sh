#!/usr/bin/env bash
# Rewrites stripe-id-prefixes.txt from Stripe's OpenAPI fixtures: the prefix of every example
# object's `id` (`price` of `price_1Pgaf…`), without the mode word of `cs_test_…`.
# Usage: refresh-stripe-id-prefixes.sh <stripe/openapi clone>/openapi/fixtures3.json [commit]
set -euo pipefail
fixtures=$1
commit=${2:-unknown}
cd "$(dirname "$0")"
{
  echo "# Stripe object ID prefixes, one per line, sorted: Stripe IDs are <prefix>_<random>, and"
  echo "# identifiers, not credentials. Source: github.com/stripe/openapi openapi/fixtures3.json at"
  echo "# commit $commit, by refresh-stripe-id-prefixes.sh. Licence: MIT, Copyright (c) 2011- Stripe, Inc."
  python3 - "$fixtures" <<'PY'
import json, re, sys
resources = json.load(open(sys.argv[1]))["resources"]
prefixes = set()
for obj in resources.values():
    # `<prefix>_[test_|live_]<random>`; readable IDs (`climsup_charm_industrial`) carry no
    # random part and are left out.
    m = re.fullmatch(r"([a-z]+(?:_[a-z]+)*?)(?:_(?:test|live))?_([A-Za-z0-9]*[0-9A-Z][A-Za-z0-9]*)", str(obj.get("id", "")))
    if m:
        prefixes.add(m.group(1))
print("\n".join(sorted(prefixes)))
PY
} > stripe-id-prefixes.txt
