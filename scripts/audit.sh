#!/usr/bin/env bash
# Checks Cargo.lock against the RustSec advisory database snapshot, offline. The snapshot is
# plain files, so a throwaway git copy is made for cargo-audit. Accepted exceptions, each with
# its reason, live in .cargo/audit.toml. Exit 0 clean, 1 vulnerable, 3 no snapshot found.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PATH"
AUDIT_VERSION=0.22.2

db=""
for candidate in "${MAILROOM_ADVISORY_DB:-}" ../shared/advisory-db /work/shared/advisory-db; do
  if [ -n "$candidate" ] && [ -d "$candidate/crates" ]; then db=$candidate; break; fi
done
if [ -z "$db" ]; then
  echo "No RustSec advisory database snapshot found (looked at \$MAILROOM_ADVISORY_DB and ../shared/advisory-db); audit skipped."
  exit 3
fi

if ! .tools/bin/cargo-audit audit --version 2>/dev/null | grep -q " $AUDIT_VERSION$"; then
  printf '\033[1m==> Installing cargo-audit %s into .tools (a few minutes, once)\033[0m\n' "$AUDIT_VERSION"
  cargo install cargo-audit --version "$AUDIT_VERSION" --locked --root .tools
fi

copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -R "$db"/. "$copy"
git -C "$copy" init -q
git -C "$copy" add -A
git -C "$copy" -c user.name=audit -c user.email=audit@localhost commit -qm snapshot
echo "Advisory database: $db ($(head -c 80 "$db/SNAPSHOT" 2>/dev/null || echo 'no SNAPSHOT file'))"
cargo audit --db "$copy" --no-fetch --stale
