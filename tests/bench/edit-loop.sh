#!/usr/bin/env bash
# Times the edit -> `cargo infra-gen check` loop: touch a stack definition, rebuild, check.
# Prints figures; asserts nothing about speed. Usage: bash tests/bench/edit-loop.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo infra-gen check >/dev/null # warm: the first build is not part of the loop
times=()
for _ in $(seq "$runs"); do
  touch stacks/src/chatrix.rs
  start=$(date +%s%N)
  cargo infra-gen check >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "edit -> cargo infra-gen check (debug): median ${median} ms over ${runs} runs; all: $(echo $sorted | tr '\n' ' ')"
