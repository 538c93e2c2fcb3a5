# Shared by the benchmark scripts: start_server LABEL DATABASE-URL WORKDIR starts `klero serve --demo` on a free
# loopback port and sets SERVER_PID and SERVER_BASE (http://127.0.0.1:PORT), or exits with the server's errors.
start_server() {
  local label=$1 url=$2 work=$3
  RUST_LOG=warn "$KLERO" serve --demo --bind 127.0.0.1:0 --database-url "$url" --secret-file "$work/$label.secret" > "$work/$label.out" 2> "$work/$label.err" &
  SERVER_PID=$!
  SERVER_BASE=""
  for _ in $(seq 1 100); do
    SERVER_BASE=$(grep -o 'Listening on http://[0-9.:]*' "$work/$label.out" | head -n 1 | sed 's/Listening on //') || true
    [ -n "$SERVER_BASE" ] && break
    sleep 0.2
  done
  [ -n "$SERVER_BASE" ] || { echo "server for $label did not start" >&2; cat "$work/$label.err" >&2; exit 1; }
}
