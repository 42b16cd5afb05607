#!/usr/bin/env bash
# The server's data path under load, each figure beside a baseline from the same run:
#   settings/list with 100 and 2,000 rows, against a bare axum route (bench/src/bin/bare.rs)
#   serving the same rows from memory; new settings with a password saved over 8 connections;
#   POST /api/v1/messages over 16 connections; the server's resident memory, idle and peak.
# Load comes from bench/src/bin/load.rs (one kept-alive connection per worker). Ratios, not
# thresholds: this machine is shared and noisy. BENCH_POSTGRES=1 runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p mailroom-bench
port=${BENCH_PORT:-3921}
bare_port=${BENCH_BARE_PORT:-3922}
seconds=${BENCH_SECONDS:-10}
load=target/release/load
data=$(mktemp -d)
server=""; bare=""; cluster=""; database_url=""; backend=SQLite
cleanup() {
  kill $server $bare 2>/dev/null || true
  rm -rf "$data"
  [ -z "$cluster" ] || ./scripts/postgres.sh stop "$cluster"
}
trap cleanup EXIT
if [ "${BENCH_POSTGRES:-0}" = 1 ]; then
  backend=PostgreSQL
  cluster=$(mktemp -d /tmp/mailroom-bench-pg.XXXXXX)
  admin_url=$(./scripts/postgres.sh start "$cluster")
  psql -q "$admin_url" -c "create database bench" >/dev/null
  database_url="${admin_url%/postgres}/bench"
fi

DATABASE_URL=$database_url MAILROOM_ADDR=127.0.0.1:$port MAILROOM_DATA_DIR=$data RUST_LOG=warn \
  MAILROOM_ADMIN_EMAIL=bench@example.com MAILROOM_ADMIN_PASSWORD='benchmark password' \
  ${BIN:-./target/release/mailroom} >/dev/null &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf "$base/" >/dev/null && break; sleep 0.2; done
rss() { awk -v k="$1:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }
idle_rss=$(rss VmRSS)

cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' -H "origin: $base" \
  --data '{"credentials":{"email":"bench@example.com","password":"benchmark password"}}' "$base/api/auth/sign-in" |
  tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')
session=(--header "origin: $base" --header "cookie: $cookie")
call() { curl -sf -H 'content-type: application/json' -H "origin: $base" -H "cookie: $cookie" --data "$2" "$base/api/$1"; }
save_body() {
  printf '{"input":{"id":null,"version":null,"form":{"name":"Relay %s{n}","starttls_only":true,"host":"relay{n}.example.com","port":"587","from_name":"Billing","email":"billing@example.com","username":"billing"},"password":{"Set":"relay password {n}"}}}' "$1"
}
# The default settings: a closed port on loopback, so queued mail fails fast and retries later.
call settings/save '{"input":{"id":null,"version":null,"form":{"name":"Loopback","starttls_only":false,"host":"127.0.0.1","port":"9","from_name":"Billing","email":"billing@example.com","username":""},"password":"Keep"}}' >/dev/null

$load "$base/api/settings/save" --connections 8 --requests ${ROWS:-99} --body "$(save_body A)" "${session[@]}" >/dev/null
perf record -F 499 --call-graph dwarf,16384 -p $server -o /tmp/prof/list.data -- sleep 5 >/dev/null 2>&1 &
perfpid=$!
$load "$base/api/settings/list" --connections 16 --seconds 5 "${session[@]}"
wait $perfpid
