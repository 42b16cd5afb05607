#!/usr/bin/env bash
# Runs every suite in turn, keeps going after a failure so one run shows everything, and ends
# with one summary line. Exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PWD/.tools/npm/node_modules/.bin:$PATH"
started=$SECONDS
passed=()
failed=()
skipped=()

suite() {
  local name=$1; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  "$@"
  case $? in
    0) passed+=("$name") ;;
    3) skipped+=("$name") ;;
    *) failed+=("$name") ;;
  esac
}

fmt() { cargo fmt --all -- --check; }
clippy() {
  cargo clippy --workspace --all-targets -- -D warnings &&
    cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
}
# The unit and integration builds select the same packages, so they resolve the same features
# and share every dependency's build. The frontend is left out: it only adds leptos's csr
# features (a second build of the leptos crates) and has no tests; clippy checks it for wasm.
unit() { cargo test --workspace --exclude frontend --lib --bins; }
integration() { ./scripts/test-deps.sh && cargo test -p mailroom --test '*'; }

# The same integration tests on a throwaway PostgreSQL cluster, plus the several-instances
# tests (ignored without PostgreSQL). Skipped here: two tests that read SQLite's own files
# (its page count; a kill -9 of one process on one file, which instances.rs covers on
# PostgreSQL).
pg_cluster=""
stop_postgres() { [ -z "$pg_cluster" ] || ./scripts/postgres.sh stop "$pg_cluster"; }
trap stop_postgres EXIT
integration_postgres() {
  pg_cluster=$(mktemp -d /tmp/mailroom-test-pg.XXXXXX)
  local url
  url=$(./scripts/postgres.sh start "$pg_cluster") || return 1
  MAILROOM_TEST_POSTGRES="$url" cargo test -p mailroom --test '*' -- --include-ignored \
    --skip ten_thousand_anonymous_requests_store_almost_nothing --skip every_acknowledged_save_survives_kill_9
}
# Against the debug server the integration tests built (cargo test builds it for them; here a
# no-op when they ran): a release build of the server would compile every dependency again
# (about 13 minutes on two cores). The debug build reads the release wasm in dist/ from disk.
end2end() {
  ./scripts/test-deps.sh && make --no-print-directory tools dist/index.html &&
    cargo test -p mailroom --test '*' --no-run &&
    (cd end2end && E2E_SERVER_BIN=../target/debug/mailroom npx playwright test)
}

suite fmt fmt
suite clippy clippy
suite unit unit
suite "integration (SQLite)" integration
suite "integration (PostgreSQL)" integration_postgres
suite end-to-end end2end
suite audit ./scripts/audit.sh

elapsed=$(( SECONDS - started ))
duration="$(( elapsed / 60 ))m$(( elapsed % 60 ))s"
note=""
[ ${#skipped[@]} -eq 0 ] || note="; skipped: ${skipped[*]}"
if [ ${#failed[@]} -eq 0 ]; then
  printf '\nmake test: all %d suites passed (%s) in %s%s\n' "${#passed[@]}" "$(IFS=,; echo "${passed[*]}" | sed 's/,/, /g')" "$duration" "$note"
else
  printf '\nmake test: FAILED %s; passed %s (%s)\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" "${passed[*]:-none}" "$duration"
  exit 1
fi
