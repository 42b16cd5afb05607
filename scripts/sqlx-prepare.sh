#!/usr/bin/env bash
# Regenerates .sqlx/ (the compile-time query data that lets builds run without a database) for
# both databases: once against a scratch SQLite file, once against a throwaway PostgreSQL
# cluster, each with every migration of its kind applied.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/sqlx
rm -rf .sqlx && mkdir .sqlx

db=target/sqlx/dev.db
rm -f "$db"
for migration in server/migrations/sqlite/*.sql; do sqlite3 "$db" < "$migration"; done
touch server/src/db/mod.rs
SQLX_OFFLINE=false DATABASE_URL="sqlite:$db" SQLX_OFFLINE_DIR="$PWD/.sqlx" \
  cargo check -q -p mailroom --lib --features prepare-sqlite

cluster=$(mktemp -d /tmp/mailroom-sqlx-pg.XXXXXX)
trap './scripts/postgres.sh stop "$cluster"' EXIT
url=$(./scripts/postgres.sh start "$cluster")
for migration in server/migrations/postgres/*.sql; do psql -q -v ON_ERROR_STOP=1 "$url" -f "$migration" >/dev/null; done
touch server/src/db/mod.rs
SQLX_OFFLINE=false DATABASE_URL="$url" SQLX_OFFLINE_DIR="$PWD/.sqlx" \
  cargo check -q -p mailroom --lib --features prepare-postgres
touch server/src/db/mod.rs
echo "==> .sqlx/ now holds $(ls .sqlx | wc -l) queries for SQLite and PostgreSQL"
