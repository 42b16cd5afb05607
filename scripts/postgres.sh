#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: installs Debian's postgresql when missing,
# then `start DIR` runs initdb and pg_ctl in DIR (as the unprivileged postgres user when run
# as root, which PostgreSQL refuses), on a free port, and prints the superuser URL;
# `stop DIR` stops it. Nothing outside DIR is touched.
set -euo pipefail
# Debian's server binaries: version 15 here, whatever version a newer release ships.
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true; }
bin=$(find_bin)
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install() {
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && return
  step "Installing Debian's postgresql"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
}

# Runs a PostgreSQL binary: as the postgres user when we are root, else as ourselves.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port nothing listens on, below the kernel's ephemeral range (32768-60999), so no outgoing
# connection can take it before the server binds it.
free_port() {
  python3 -c '
import random, socket
for port in random.sample(range(20000, 32000), 12000):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break'
}

start() {
  local dir=$1
  install
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  chmod 700 "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local port; port=$(free_port)
  # fsync off: a test cluster that dies is thrown away anyway.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
