#!/usr/bin/env bash
# Selection benchmark: `klero select` (LEXIMIN, and MAXIMIN for reference) against sortition-algorithms
# MAXIMIN with the highspy backend (its LEXIMIN needs Gurobi), on the same instances in one run.
#
# Usage: bench/selection/run.sh
# Environment (all optional):
#   PY_TIMEOUT=1200        per-run time limit for the Python side, in seconds ("did not finish in N s")
#   KLERO_TIMEOUT=1800     per-run time limit for klero
#   PY_INSTANCES="..."     instances the Python side runs (default: all four)
#   ALGORITHMS="..."       klero's algorithms (default: "maximin leximin")
#   VENV=...               Python venv (default $HOME/.cache/kleroterion-bench/venv, created if missing)
#   CARGO_TARGET_DIR       shared target dir (default $HOME/.cache/kleroterion)
# Prints a markdown table (also written to $WORK/results.md; the work dir is printed at the end).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/selection"
DATA="$ROOT/crates/selection/tests/data"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}
VENV=${VENV:-$HOME/.cache/kleroterion-bench/venv}
PY_TIMEOUT=${PY_TIMEOUT:-1200}
KLERO_TIMEOUT=${KLERO_TIMEOUT:-1800}
PY_INSTANCES=${PY_INSTANCES:-"sf_fixture_22 example_small_20 example_large_200 synthetic_5000"}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klero-selection-bench.XXXXXX")

(cd "$ROOT" && cargo build --release -p klero >&2)
KLERO="$CARGO_TARGET_DIR/release/klero"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q sortition-algorithms >&2
fi
PY_VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('sortition-algorithms'), 'highspy', m.version('highspy'))")

# The synthetic pool (deterministic).
python3 "$HERE/gen_synthetic.py" "$WORK/synthetic_5000" 5000 150 1

# name | people | features | k | id column | household columns
INSTANCES=(
    "sf_fixture_22|$DATA/sf_fixture_22/candidates.csv|$DATA/sf_fixture_22/features.csv|22|nationbuilder_id|"
    "example_small_20|$DATA/example_small_20/people.csv|$DATA/example_small_20/features.csv|20|id|"
    "example_large_200|$DATA/example_large_200/people.csv|$DATA/example_large_200/features.csv|200|id|"
    "synthetic_5000|$WORK/synthetic_5000/people.csv|$WORK/synthetic_5000/features.csv|150|id|address"
)

# Runs a command under /usr/bin/time -v with a timeout; sets WALL (s), RSS (MB), STATUS, LOG.
measure() {
    local limit=$1; shift
    LOG="$WORK/run.$RANDOM.log"
    set +e
    /usr/bin/time -v -o "$WORK/time.txt" timeout "$limit" "$@" >"$LOG" 2>&1
    STATUS=$?
    set -e
    WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$WORK/time.txt")
    RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/time.txt")
}

ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"); echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |" >&2; }

for spec in "${INSTANCES[@]}"; do
    IFS='|' read -r name people features k id households <<<"$spec"
    n=$(($(wc -l <"$people") - 1))
    for algorithm in ${ALGORITHMS:-maximin leximin}; do
        args=(select --people "$people" --features "$features" --panel-size "$k" --id-column "$id" --algorithm "$algorithm" --seed bench)
        [ -n "$households" ] && args+=(--household-columns "$households")
        measure "$KLERO_TIMEOUT" "$KLERO" "${args[@]}"
        if [ "$STATUS" -eq 0 ]; then
            probs=$(sed -n 's/.*selection probabilities from \([0-9.]*\) to \([0-9.]*\).*/\1 – \2/p' "$LOG")
            panels=$(sed -n 's/^distribution: \([0-9]*\) panels/\1/p' "$LOG")
            row "$name" "$n / $k" "klero select ($algorithm)" "$WALL s" "$RSS MB" "$probs" "$panels" ""
        else
            row "$name" "$n / $k" "klero select ($algorithm)" "did not finish in $KLERO_TIMEOUT s" "$RSS MB" "" "" "exit $STATUS"
        fi
    done
    if [[ " $PY_INSTANCES " == *" $name "* ]]; then
        measure "$PY_TIMEOUT" "$VENV/bin/python" "$HERE/drive.py" "$people" "$features" "$k" "$id" "$households" highspy
        if [ "$STATUS" -eq 0 ]; then
            json=$(tail -1 "$LOG")
            read -r solve support pmin pmax < <("$VENV/bin/python" -c "import json,sys; d=json.loads(sys.argv[1]); print(d['solve_s'], d['support'], '%.6f' % d['min_prob'], '%.6f' % d['max_prob'])" "$json")
            row "$name" "$n / $k" "sortition-algorithms (maximin, highspy)" "$WALL s" "$RSS MB" "$pmin – $pmax" "$support" "solve $solve s"
        elif [ "$STATUS" -eq 124 ]; then
            row "$name" "$n / $k" "sortition-algorithms (maximin, highspy)" "did not finish in $PY_TIMEOUT s" "$RSS MB" "" "" "killed by timeout"
        else
            row "$name" "$n / $k" "sortition-algorithms (maximin, highspy)" "failed" "$RSS MB" "" "" "exit $STATUS, see $LOG"
        fi
    fi
done

{
    echo "sortition-algorithms $PY_VERSION; klero $(git -C "$ROOT" rev-parse --short HEAD); $(nproc) cores; $(date -u +%Y-%m-%d)"
    echo
    echo "| instance | n / k | run | wall time | peak memory | selection probabilities (min – max) | panels in distribution | notes |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} | tee "$WORK/results.md"
echo "work dir: $WORK" >&2
