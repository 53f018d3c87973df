#!/usr/bin/env bash
# Proves the function builds for arm64 without emulation: `cargo lambda build --release --arm64`
# (zig as the cross linker), then checks the binary is an aarch64 ELF and prints its size.
# Usage: VENV=<virtualenv with function/tests/requirements.txt (cargo-lambda)> bash tests/build-arm64.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VENV:?set VENV to a virtualenv with cargo-lambda installed}"
export PATH="$(cd "$VENV" && pwd)/bin:$PATH"
rustup target add aarch64-unknown-linux-gnu >/dev/null
cargo lambda build --release --arm64 -p function --bin bootstrap >/dev/null
binary=${CARGO_TARGET_DIR:-target}/lambda/bootstrap/bootstrap
# ELF e_machine (bytes 18-19, little endian): 183 is EM_AARCH64.
machine=$(od -An -t u2 -j 18 -N 2 "$binary" | tr -d ' ')
if [ "$machine" != 183 ]; then
  echo "error: $binary is not an aarch64 binary (ELF machine $machine)" >&2
  exit 1
fi
echo "ok: $binary is aarch64, $(( $(stat -c %s "$binary") / 1024 )) KiB"
