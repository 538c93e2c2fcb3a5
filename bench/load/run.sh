#!/usr/bin/env bash
# Load benchmark of the public assembly page: starts `klero serve --demo` on SQLite and on PostgreSQL
# (loopback only), finds the first public assembly page, and runs wrk with 100 connections for a
# bounded time. Prints one markdown table row per backend for BENCHMARKS.md.
#
#   bash bench/load/run.sh            # 20 s per backend
#   DURATION=60s bash bench/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-100}"
PG_ADMIN="${KLERO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p klero >&2
KLERO="$CARGO_TARGET_DIR/release/klero"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

bench_one() { # label database-url
  local label=$1 url=$2
  start_server "$label" "$url" "$work"
  local pid=$SERVER_PID base=$SERVER_BASE
  local path
  path=$(curl -fsS "$base/" | grep -o 'href="/assemblies/[^"/]*"' | head -n 1 | sed 's/href="//; s/"$//')
  [ -n "$path" ] || { echo "no public assembly link on $base/" >&2; exit 1; }
  curl -fsS -o /dev/null "$base$path"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$base$path" > "$work/$label.wrk"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$label.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$work/$label.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$work/$label.wrk")
  errors=$(grep -E 'Non-2xx|Socket errors' "$work/$label.wrk" | tr '\n' ' ' || true)
  echo "| $label | \`$path\` | $CONNECTIONS | $DURATION | $rps | $p50 | $p99 | ${errors:-none} |"
}

echo "| backend | page | connections | duration | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|---|---|"
bench_one sqlite "sqlite://$work/load.db"
database="klero_load_$$"
psql "$PG_ADMIN" -q -c "CREATE DATABASE $database"
bench_one postgres "${PG_ADMIN%/*}/$database"
psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
