#!/usr/bin/env bash
# Recruitment through the web app (issue 4): starts `klero serve --demo` on SQLite and on PostgreSQL (loopback only)
# and runs the `recruitment_bench` example against each: an address-list upload with the invitation draw, the
# public registration endpoint under load, and a selection run for a pool uploaded as a file. Prints markdown rows.
#
#   bash bench/recruitment/run.sh
#   ADDRESSES=100000 INVITATIONS=10000 REGISTRATIONS=3000 CONCURRENCY=32 POOL=2000 PANEL=100 bash bench/recruitment/run.sh
#   ADDRESSES=0 RUNS=5 bash bench/recruitment/run.sh     # the selection alone: 5 MAXIMIN and 5 LEXIMIN test runs
#   ADDRESSES=0 RUNS=5 BACKENDS=sqlite bash bench/recruitment/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}"
PG_ADMIN="${KLERO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
ARGS=("${ADDRESSES:-100000}" "${INVITATIONS:-10000}" "${REGISTRATIONS:-3000}" "${CONCURRENCY:-32}" "${POOL:-2000}" "${PANEL:-100}")
# The server binary and the driver (with `--example` alone, cargo would build only the driver and run a stale server).
cargo build --release --locked --workspace --bins --example recruitment_bench >&2
KLERO="$CARGO_TARGET_DIR/release/klero"
BENCH="$CARGO_TARGET_DIR/release/examples/recruitment_bench"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

bench_one() { # label database-url
  local label=$1 url=$2
  start_server "$label" "$url" "$work"
  local pid=$SERVER_PID base=$SERVER_BASE
  echo "### $label"
  "$BENCH" "$base" "$pid" "${ARGS[@]}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

BACKENDS="${BACKENDS:-sqlite postgres}"
if [[ " $BACKENDS " == *" sqlite "* ]]; then
  bench_one sqlite "sqlite://$work/recruitment.db"
fi
if [[ " $BACKENDS " == *" postgres "* ]]; then
  database="klero_recruitment_$$"
  psql "$PG_ADMIN" -q -c "CREATE DATABASE $database"
  bench_one postgres "${PG_ADMIN%/*}/$database"
  psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
fi
