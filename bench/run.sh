#!/usr/bin/env bash
# Benchmarks, printed as ratios to baselines measured in the same run; never pass/fail.
#   1. the release wasm: raw, gzip and brotli bytes
#   2. a Filter keystroke with 10,000 settings, against a plain-JS page filtering the same rows
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/test-deps.sh
port=${BENCH_PORT:-3919}
data=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT

echo "== Release wasm size"
node bench/size.mjs dist/*.wasm

MAILROOM_ADDR=127.0.0.1:$port MAILROOM_DATA_DIR=$data RUST_LOG=warn \
  MAILROOM_ADMIN_EMAIL=bench@example.com MAILROOM_ADMIN_PASSWORD='benchmark password' \
  ./target/release/mailroom >/dev/null &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done

echo "== Filter keystroke with 10,000 settings (Chromium)"
node bench/filter.mjs "http://127.0.0.1:$port" 10000
