#!/usr/bin/env bash
# Outbox throughput: 10,000 invoice mails through Mailroom to Postfix's smtp-sink, printed
# beside smtp-source sending as many messages of the same size to the same sink, reusing
# connections (-d) and with one connection per message. Two Mailroom figures:
#   end to end:    the API queues while the worker sends (HTTP, render, seal, store, send);
#   delivery only: the same mails queued beforehand, drained by the worker alone.
# Ratios, not thresholds: this machine is shared and noisy.
# BENCH_POSTGRES=1 runs the same on a throwaway PostgreSQL cluster instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${BENCH_MAILS:-10000}
port=${BENCH_PORT:-3920}
sink=${BENCH_SINK_PORT:-2625}

if ! command -v /usr/sbin/smtp-sink >/dev/null 2>&1; then
  echo "==> Installing Debian's postfix for smtp-sink and smtp-source"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postfix >/dev/null
fi

data=$(mktemp -d)
server=""; sink_pid=""; cluster=""; database_url=""; backend=SQLite
cleanup() {
  kill $server $sink_pid 2>/dev/null || true
  rm -rf "$data"
  [ -z "$cluster" ] || ./scripts/postgres.sh stop "$cluster"
}
trap cleanup EXIT
if [ "${BENCH_POSTGRES:-0}" = 1 ]; then
  backend=PostgreSQL
  cluster=$(mktemp -d /tmp/mailroom-bench-pg.XXXXXX)
  admin_url=$(./scripts/postgres.sh start "$cluster")
  database_url="${admin_url%/postgres}/bench"
fi
# A new, empty database: the data directory, and on PostgreSQL the bench database.
fresh_database() {
  rm -rf "$data"; mkdir -p "$data"
  if [ -n "$cluster" ]; then
    psql -q "$admin_url" -c "drop database if exists bench" -c "create database bench" >/dev/null
  fi
}
start_sink() { /usr/sbin/smtp-sink -u nobody -m 64 "127.0.0.1:$sink" 1024 & sink_pid=$!; sleep 0.3; }
start_mailroom() {
  DATABASE_URL=$database_url MAILROOM_ADDR=127.0.0.1:$port MAILROOM_DATA_DIR=$data RUST_LOG=warn \
    MAILROOM_ADMIN_EMAIL=bench@example.com MAILROOM_ADMIN_PASSWORD='benchmark password' \
    ./target/release/mailroom >/dev/null &
  server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done
}
stop_mailroom() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""; }
sql() {
  if [ -n "$cluster" ]; then psql -qtA "$database_url" -c "$1"; return; fi
  python3 -c "import sqlite3,sys; c=sqlite3.connect('$data/mailroom.db'); r=c.execute(sys.argv[1]).fetchone(); c.commit(); print(r[0] if r else '')" "$1"
}
# The number of sent mails, printed every 50 ms by one process for as long as it is read: a
# process started for each look took CPU from the server being measured.
watch_sent() {
  if [ -n "$cluster" ]; then
    printf "select count(*) from outbox where status = 'sent' \\watch 0.05\n" | psql -qtA "$database_url"
  else
    python3 -u -c "import sqlite3, time
c = sqlite3.connect('file:$data/mailroom.db?mode=ro', uri=True)
while True:
    print(c.execute(\"select count(*) from outbox where status = 'sent'\").fetchone()[0]); time.sleep(0.05)"
  fi
}
# Returns once every mail is sent.
wait_sent() {
  local n
  while read -r n; do [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge "$count" ] && return; done < <(watch_sent 2>/dev/null)
  echo "the watch on the outbox ended before every mail was sent" >&2; return 1
}
now() { date +%s.%N; }

# Delivery only: queue with the sink down, then let a fresh start drain the outbox.
fresh_database
start_mailroom
token=$(node bench/outbox.mjs setup "http://127.0.0.1:$port" "$sink")
node bench/outbox.mjs queue "http://127.0.0.1:$port" "$token" "$count"
stop_mailroom
sql "update outbox set status = 'queued', attempts = 0, next_attempt_at = 0, last_error = null"
start_sink
echo "== $backend: $count queued invoice mails drained by the worker to smtp-sink"
drain_start=$(now)
start_mailroom
wait_sent
drain_done=$(now)
# Delivery itself, by the database's own clock: from the first mail sent to the last.
drain_sending=$(sql "select (max(sent_at) - min(sent_at)) / 1000.0 from outbox")
stop_mailroom
fresh_database
start_mailroom

token=$(node bench/outbox.mjs setup "http://127.0.0.1:$port" "$sink")
echo "== $backend: $count invoice mails through Mailroom (API, outbox, SMTP) to smtp-sink"
start=$(now)
node bench/outbox.mjs queue "http://127.0.0.1:$port" "$token" "$count"
queued=$(now)
wait_sent
done_at=$(now)
size=$(sql "select cast(avg(size) as integer) from outbox")

echo "== smtp-source, $count messages of $size bytes, 8 sessions"
reuse_start=$(now)
/usr/sbin/smtp-source -d -s 8 -m "$count" -l "$size" -f billing@example.com -t grace@example.com "127.0.0.1:$sink"
reuse_done=$(now)
/usr/sbin/smtp-source -s 8 -m "$count" -l "$size" -f billing@example.com -t grace@example.com "127.0.0.1:$sink"
single_done=$(now)

python3 - "$backend" "$count" "$start" "$queued" "$done_at" "$reuse_start" "$reuse_done" "$single_done" "$drain_start" "$drain_done" "$drain_sending" <<'PY'
import sys
backend, n, start, queued, done, rs, rd, sd, ds, dd, sending = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
e2e, queue_only, drain = n / (done - start), n / (queued - start), (n - 1) / sending
reuse, single = n / (rd - rs), n / (sd - rd)
print(f"Mailroom on {backend}, end to end    : {e2e:8.0f} mails/s  ({done - start:.1f} s; the API queued {queue_only:.0f}/s meanwhile)")
print(f"Mailroom on {backend}, delivery only : {drain:8.0f} mails/s  ({sending:.2f} s first to last sent; {n / (dd - ds):.0f}/s including start-up)")
print(f"smtp-source, reused conns  : {reuse:8.0f} mails/s")
print(f"smtp-source, conn per mail : {single:8.0f} mails/s")
print(f"ratio delivery only / smtp-source reused conns : {drain / reuse:.2f}")
print(f"ratio delivery only / one connection per mail  : {drain / single:.2f}")
print(f"ratio end to end / one connection per mail     : {e2e / single:.2f}")
PY
