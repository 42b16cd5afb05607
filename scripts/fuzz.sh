#!/usr/bin/env bash
# Runs every fuzz target for a while (FUZZ_SECONDS each, default 180) with cargo fuzz on the
# nightly toolchain, and prints executions and crashes per target. A crash leaves its input in
# fuzz/artifacts/<target>/; reproduce with `cargo +nightly fuzz run <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PATH"
seconds=${FUZZ_SECONDS:-180}

if ! rustup toolchain list | grep '^nightly' >/dev/null; then
  echo "==> Installing the nightly toolchain (cargo fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  echo "==> Installing cargo-fuzz into .tools"
  cargo install cargo-fuzz --locked --root .tools
fi
[ -f dist/index.html ] || make --no-print-directory dist/index.html

cd fuzz
targets=$(cargo +nightly fuzz list)
echo "==> Building the fuzz targets: $(echo $targets)"
cargo +nightly fuzz build --release
summary=()
status=0
for target in $targets; do
  echo "==> $target for ${seconds}s"
  log="artifacts/$target.log"
  mkdir -p artifacts
  if cargo +nightly fuzz run --release "$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see fuzz/$log)"
    status=1
  fi
  # "Done N runs" at a clean end; after a crash, the last "#N" status line (if any).
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  summary+=("$target: ${runs:-?} executions, $result")
done
printf '\nfuzz:\n'
printf '  %s\n' "${summary[@]}"
exit $status
