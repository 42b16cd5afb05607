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
  ./target/release/mailroom >/dev/null &
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

list_against_bare() {
  call settings/list '{}' > "$data/rows.json"
  target/release/bare "127.0.0.1:$bare_port" "$data/rows.json" & bare=$!
  for _ in $(seq 50); do curl -sf -X POST "http://127.0.0.1:$bare_port/rows" >/dev/null && break; sleep 0.1; done
  echo "== settings/list with $1 rows, 16 connections, ${seconds} s each"
  $load "$base/api/settings/list" --connections 16 --seconds "$seconds" "${session[@]}" > "$data/list-$1.json"
  $load "http://127.0.0.1:$bare_port/rows" --connections 16 --seconds "$seconds" > "$data/bare-$1.json"
  kill $bare; wait $bare 2>/dev/null || true; bare=""
}

$load "$base/api/settings/save" --connections 8 --requests 99 --body "$(save_body A)" "${session[@]}" >/dev/null
list_against_bare 100
echo "== settings/save, 1,900 new settings with a password, 8 connections"
$load "$base/api/settings/save" --connections 8 --requests 1900 --body "$(save_body B)" "${session[@]}" > "$data/save.json"
list_against_bare 2000

token=$(call tokens/create '{"name":"benchmark"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "== POST /api/v1/messages, 16 connections, ${seconds} s"
invoice='{"template":"Invoice","to":"contact{n}@example.com","to_name":"Contact {n}","variables":{"contact":{"name":"Contact {n}"},"company":{"name":"Example Ltd"},"invoice":{"number":"INV-{n}","amount":"€1,250.00","due_date":"15 December 2026","url":"https://billing.example.com/{n}"}}}'
$load "$base/api/v1/messages" --connections 16 --seconds "$seconds" --expect 202 --header "authorization: Bearer $token" \
  --body "$invoice" > "$data/messages.json"
peak_rss=$(rss VmHWM)

python3 - "$backend" "$data" "$idle_rss" "$peak_rss" <<'PY'
import json, sys
backend, data, idle, peak = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
read = lambda name: json.load(open(f"{data}/{name}.json"))
for rows in (100, 2000):
    m, b = read(f"list-{rows}"), read(f"bare-{rows}")
    print(f"settings/list, {rows:>4} rows ({backend}): {m['per_second']:7.0f} req/s, p99 {m['p99_ms']:6.1f} ms | "
          f"bare axum: {b['per_second']:7.0f} req/s, p99 {b['p99_ms']:5.1f} ms | ratio {m['per_second'] / b['per_second']:.2f}")
s = read("save")
print(f"settings/save, new with a password ({backend}): {s['per_second']:7.0f} saves/s, p99 {s['p99_ms']:.1f} ms")
q = read("messages")
print(f"POST /api/v1/messages ({backend}): {q['per_second']:7.0f} queued/s, p99 {q['p99_ms']:.1f} ms")
print(f"server RSS ({backend}): idle {idle} MB, peak {peak} MB")
PY
