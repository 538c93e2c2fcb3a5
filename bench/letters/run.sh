#!/usr/bin/env bash
# Print-ready letters through the web app (issue 18, item 6): starts `klero serve --demo` on SQLite (or PostgreSQL
# with BACKEND=postgres), signs in as the demo administrator, creates an assembly, uploads LETTERS synthetic addresses
# and draws one invitation per address, asks for the letters as PDF files of PER_FILE, and times the background job
# from the request to the last file stored; prints the files' count and size and the server's peak memory (VmHWM).
#
#   bash bench/letters/run.sh
#   LETTERS=30000 PER_FILE=500 PAPER=a4 BACKEND=sqlite bash bench/letters/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}"
LETTERS="${LETTERS:-30000}" PER_FILE="${PER_FILE:-500}" PAPER="${PAPER:-a4}" BACKEND="${BACKEND:-sqlite}"
PG_ADMIN="${KLERO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked --workspace --bins >&2
KLERO="$CARGO_TARGET_DIR/release/klero"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
if [ "$BACKEND" = postgres ]; then
  database="klero_letters_$$"
  psql "$PG_ADMIN" -q -c "CREATE DATABASE $database"
  url="${PG_ADMIN%/*}/$database"
else
  url="sqlite://$work/letters.db"
fi
start_server "$BACKEND" "$url" "$work"
base=$SERVER_BASE jar="$work/cookies"
csrf() { curl -s -b "$jar" -c "$jar" "$base$1" | grep -o 'name="csrf_token" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
token=$(csrf /login)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=admin@demo.kleroterion.org" --data-urlencode "password=demo-admin-password" "$base/login"
token=$(csrf /staff/assemblies/new)
staff=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "title=Letters benchmark $$" --data-urlencode "question=Comment réduire nos émissions d'ici 2030 ?" \
  --data-urlencode "authority=Conseil" --data-urlencode "commitments=Publier" --data-urlencode "current_phase=recruitment" \
  "$base/staff/assemblies")
staff=${staff#"$base"}
python3 - "$LETTERS" > "$work/addresses.csv" <<'PY'
import csv, sys
n = int(sys.argv[1])
writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(["id", "address", "area"])
for i in range(n):
    writer.writerow([f"h{i}", f"Appartement {i}, {i % 200 + 1} rue de l'Église, 42000 Saint-Étienne", f"Zone {i % 12}"])
PY
token=$(csrf "$staff/invitations")
curl -s -o /dev/null -b "$jar" -c "$jar" -F "csrf_token=$token" -F "addresses_file=@$work/addresses.csv;type=text/csv" \
  -F "invitations=$LETTERS" -F "seed=letters benchmark" -F "household_capacity=1" "$base$staff/invitations"
token=$(csrf "$staff/invitations/print")
started=$(date +%s.%N)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "paper=$PAPER" \
  --data-urlencode "per_file=$PER_FILE" "$base$staff/invitations/print"
while curl -s -b "$jar" "$base$staff/invitations/print" | grep -q 'data-state="running"'; do sleep 0.2; done
ended=$(date +%s.%N)
page=$(curl -s -b "$jar" "$base$staff/invitations/print")
files=$(grep -o 'a href="[^"]*/files/[0-9]*" download' <<< "$page" | wc -l)
echo "$LETTERS letters, $PER_FILE a file, $PAPER, $BACKEND: $(grep -o 'data-state="[a-z]*"' <<< "$page" | head -n 1), $files files"
echo "job from the request to the last file: $(python3 -c "print(round($ended - $started, 2))") s"
echo "server peak memory: $(grep VmHWM /proc/$SERVER_PID/status | tr -s ' ')"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
if [ "$BACKEND" = postgres ]; then psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"; fi
