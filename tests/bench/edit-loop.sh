#!/usr/bin/env bash
# Times the edit -> `cargo infra-gen check` loop: touch a stack definition, rebuild, check.
# Prints figures; asserts nothing about speed. Usage: bash tests/bench/edit-loop.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo infra-gen check >/dev/null # warm: the first build is not part of the loop
# The definition file of the first stack, from the definitions themselves.
definition=$(cargo infra-gen list --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["stacks"][0]["source"])')
[ -f "$definition" ] || { echo "error: no definition file for the first stack ($definition)" >&2; exit 2; }
times=()
for _ in $(seq "$runs"); do
  touch "$definition"
  start=$(date +%s%N)
  cargo infra-gen check >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "edit $definition -> cargo infra-gen check (debug): median ${median} ms over ${runs} runs; all: $(echo $sorted | tr '\n' ' ')"
