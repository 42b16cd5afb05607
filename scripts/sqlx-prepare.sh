#!/usr/bin/env bash
# Regenerates .sqlx/ (the compile-time query data that lets builds run without a database)
# from a scratch SQLite file with every migration applied.
set -euo pipefail
cd "$(dirname "$0")/.."
db=target/sqlx/dev.db
mkdir -p target/sqlx
rm -f "$db"
for migration in server/migrations/*.sql; do sqlite3 "$db" < "$migration"; done
rm -rf .sqlx && mkdir .sqlx
touch server/src/db/mod.rs
SQLX_OFFLINE=false DATABASE_URL="sqlite:$db" SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo check -q -p mailroom --all-targets
echo "==> .sqlx/ now holds $(ls .sqlx | wc -l) queries"
