#!/usr/bin/env bash
# Sweep of synthetic response pools (bench/selection/gen_pool.py) through the engine alone
# (`examples/solve`): LEXIMIN and MAXIMIN CPU time (user + system), wall time, peak memory, profiles, the way
# the distribution was found and the minimum probability; optionally sortition-algorithms' MAXIMIN (highspy)
# on the same pools, with a time cap.
#
# Usage: bench/selection/sweep.sh [SPEC...]   where SPEC is N:K:FEATURES:HOUSEHOLDS (default: the issue's sweep)
# Environment (all optional):
#   ALGORITHMS="leximin maximin"   which objectives to run (empty: none, e.g. to run only sortition-algorithms)
#   TIMEOUT=600                    per-run limit of wall time in seconds ("did not finish in N s")
#   SEED=1                         generator seed
#   PY_TIMEOUT=0                   when positive, also run sortition-algorithms' MAXIMIN with this wall limit
#   PY_CPU=0                       when positive, a limit of CPU seconds for it as well (on a shared machine the
#                                  fair cap: a wall limit gives a process that gets a tenth of a core a tenth of it)
#   VENV=...                       Python venv with sortition-algorithms (default
#                                  $HOME/.cache/kleroterion-bench/venv, created if missing)
#   CARGO_TARGET_DIR               target dir (default $HOME/.cache/kleroterion)
# Prints a markdown table on standard output. The machine may be shared: compare CPU times, not wall times.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}
ALGORITHMS=${ALGORITHMS-"leximin maximin"}
TIMEOUT=${TIMEOUT:-600}
SEED=${SEED:-1}
PY_TIMEOUT=${PY_TIMEOUT:-0}
PY_CPU=${PY_CPU:-0}
VENV=${VENV:-$HOME/.cache/kleroterion-bench/venv}
if [ $# -eq 0 ]; then
    set -- 1000:100:6:1 1000:100:7:0 2000:100:7:1 2000:100:8:1 2000:150:8:0 5000:150:8:1 10000:160:8:1 10000:200:9:1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klero-sweep.XXXXXX")
# The whole workspace's features (building the `selection` package alone would build HiGHS again).
(cd "$ROOT" && cargo build --release --offline --workspace --example solve >&2)
SOLVE="$CARGO_TARGET_DIR/release/examples/solve"
if [ "$PY_TIMEOUT" -gt 0 ] && [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q sortition-algorithms >&2
fi

# Runs a command under /usr/bin/time -v with a timeout (and CPU_LIMIT seconds of CPU when positive); sets
# STATUS, CPU, WALL, RSS from $dir/time.txt.
measure() {
    local limit=$1 out=$2; shift 2
    set +e
    (
        [ "${CPU_LIMIT:-0}" -gt 0 ] && ulimit -t "$CPU_LIMIT"
        /usr/bin/time -v -o "$dir/time.txt" timeout "$limit" "$@" >"$out" 2>&1
    )
    STATUS=$?
    set -e
    CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f s", u + s }' "$dir/time.txt")
    WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f s", s }' "$dir/time.txt")
    RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }' "$dir/time.txt")
}

echo "| n | k | features | households | profiles | run | CPU | wall | peak memory | way | minimum probability |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
    IFS=':' read -r n k features households <<<"$spec"
    dir="$WORK/pool-$n-$k-$features-$households"
    python3 "$ROOT/bench/selection/gen_pool.py" "$dir" "$n" "$k" "$features" "$households" "$SEED" 2>/dev/null
    profiles=""
    for algorithm in $ALGORITHMS; do
        measure "$TIMEOUT" "$dir/out-$algorithm.txt" \
            "$SOLVE" "$dir/people.csv" "$dir/features.csv" "$k" id household "$algorithm"
        line=$(grep -E '^cpu ' "$dir/out-$algorithm.txt" || true)
        profiles=$(sed -n 's/.*profiles \([0-9]*\).*/\1/p' <<<"$line")
        way=$(sed -n 's/.*way \([a-z -]*\)  .*/\1/p' <<<"$line")
        minimum=$(sed -n 's/.*min \([0-9.]*\).*/\1/p' <<<"$line")
        if [ "$STATUS" -ne 0 ]; then
            CPU="did not finish in $TIMEOUT s of wall time ($CPU of CPU)"; WALL=""; way=""; minimum=""
        fi
        echo "| $n | $k | $features | $households | $profiles | $algorithm | $CPU | $WALL | $RSS | $way | $minimum |"
    done
    if [ "$PY_TIMEOUT" -gt 0 ]; then
        households_column=""
        [ "$households" = 1 ] && households_column=household
        CPU_LIMIT=$PY_CPU measure "$PY_TIMEOUT" "$dir/out-python.txt" \
            "$VENV/bin/python" "$ROOT/bench/selection/drive.py" "$dir/people.csv" "$dir/features.csv" "$k" id "$households_column" highspy
        if [ "$STATUS" -eq 0 ]; then
            minimum=$("$VENV/bin/python" -c "import json,sys; print('%.9f' % json.loads(sys.argv[1])['min_prob'])" "$(tail -1 "$dir/out-python.txt")")
        else
            limits="$PY_TIMEOUT s of wall time"
            [ "$PY_CPU" -gt 0 ] && limits="$limits or $PY_CPU s of CPU"
            CPU="did not finish in $limits ($CPU of CPU)"; WALL=""; minimum=""
        fi
        echo "| $n | $k | $features | $households | $profiles | sortition-algorithms maximin | $CPU | $WALL | $RSS | | $minimum |"
    fi
done
echo "(pools and logs in $WORK)" >&2
