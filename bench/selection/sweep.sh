#!/usr/bin/env bash
# Sweep of synthetic response pools (bench/selection/gen_pool.py) through the engine alone
# (`examples/solve`): LEXIMIN and MAXIMIN CPU time, wall time, peak memory, profiles, the way the LEXIMIN
# was found and the minimum probability.
#
# Usage: bench/selection/sweep.sh [SPEC...]   where SPEC is N:K:FEATURES:HOUSEHOLDS (default: the issue's sweep)
# Environment (all optional):
#   ALGORITHMS="leximin maximin"   which objectives to run
#   TIMEOUT=600                    per-run limit in seconds ("did not finish in N s")
#   SEED=1                         generator seed
#   CARGO_TARGET_DIR               target dir (default $HOME/.cache/kleroterion)
# Prints a markdown table on standard output.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}
ALGORITHMS=${ALGORITHMS:-"leximin maximin"}
TIMEOUT=${TIMEOUT:-600}
SEED=${SEED:-1}
if [ $# -eq 0 ]; then
    set -- 1000:100:6:1 1000:100:7:0 2000:100:7:1 2000:100:8:1 2000:150:8:0 5000:150:8:1 10000:160:8:1 10000:200:9:1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klero-sweep.XXXXXX")
(cd "$ROOT" && cargo build --release --locked -p selection --example solve >&2)
SOLVE="$CARGO_TARGET_DIR/release/examples/solve"

echo "| n | k | features | households | profiles | algorithm | CPU | wall | peak memory | way | minimum probability |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
    IFS=':' read -r n k features households <<<"$spec"
    dir="$WORK/pool-$n-$k-$features-$households"
    python3 "$ROOT/bench/selection/gen_pool.py" "$dir" "$n" "$k" "$features" "$households" "$SEED" 2>/dev/null
    for algorithm in $ALGORITHMS; do
        set +e
        /usr/bin/time -v -o "$dir/time.txt" timeout "$TIMEOUT" \
            "$SOLVE" "$dir/people.csv" "$dir/features.csv" "$k" id household "$algorithm" >"$dir/out.txt" 2>&1
        status=$?
        set -e
        cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f s", u + s }' "$dir/time.txt")
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f s", s }' "$dir/time.txt")
        rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }' "$dir/time.txt")
        line=$(grep -E '^cpu ' "$dir/out.txt" || true)
        profiles=$(sed -n 's/.*profiles \([0-9]*\).*/\1/p' <<<"$line")
        way=$(sed -n 's/.*way \([a-z -]*\)  .*/\1/p' <<<"$line")
        minimum=$(sed -n 's/.*min \([0-9.]*\).*/\1/p' <<<"$line")
        if [ "$status" -ne 0 ]; then
            cpu="did not finish in $TIMEOUT s"; wall=""; way=""; minimum=""
        fi
        echo "| $n | $k | $features | $households | $profiles | $algorithm | $cpu | $wall | $rss | $way | $minimum |"
    done
done
echo "(pools and logs in $WORK)" >&2
