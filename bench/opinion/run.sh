#!/usr/bin/env bash
# Opinion engine benchmark: `klero opinion` against red-dwarf 0.4.0 (PyPI) in the same run, on the
# Pol.is openData conversations in shared/datasets/polis (CC BY 4.0, The Computational Democracy
# Project), on bootstrap resamples of vTaiwan at 10,000 and 50,000 participants, and on a synthetic
# sparse conversation of 1,000,000 participants × 1,000 statements with an incremental update of
# 1,000 votes (crates/opinion/examples/synthetic.rs).
#
# Usage: bench/opinion/run.sh
# Environment (all optional):
#   DATA=...             folder of conversations (default: ../shared/datasets/polis next to the repo)
#   VENV=...             Python venv for red-dwarf (default $HOME/.cache/kleroterion-bench/reddwarf, created if missing)
#   RD_TIMEOUT=1200      per-run time limit for red-dwarf, in seconds
#   SIZES="10000 50000"  resample sizes
#   MILLION=1            0 to skip the 1,000,000-participant run
#   CARGO_TARGET_DIR     shared target dir (default $HOME/.cache/kleroterion)
# Prints a markdown table (also written to $WORK/results.md; the work dir is printed at the end).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/opinion"
DATA=${DATA:-$(cd "$ROOT/.." && pwd)/shared/datasets/polis}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/kleroterion}
VENV=${VENV:-$HOME/.cache/kleroterion-bench/reddwarf}
RD_TIMEOUT=${RD_TIMEOUT:-1200}
SIZES=${SIZES:-"10000 50000"}
MILLION=${MILLION:-1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klero-opinion-bench.XXXXXX")

(cd "$ROOT" && cargo build --release --locked -p klero -p opinion --bin klero --example synthetic >&2)
KLERO="$CARGO_TARGET_DIR/release/klero"
RD_OK=1
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >&2 && "$VENV/bin/pip" install -q 'red-dwarf==0.4.0' >&2 || RD_OK=0
fi
"$VENV/bin/python" -c "import reddwarf" 2>/dev/null || RD_OK=0

# wall seconds and peak RSS (MB) from a /usr/bin/time -v log
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; printf "%.2f", s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }

ROWS=()
run_one() { # label folder participants-votes.csv-or-dash
    local label=$1 folder=$2 pv=$3
    /usr/bin/time -v "$KLERO" opinion --votes "$folder/votes.csv" --comments "$folder/comments.csv" \
        --format json --output "$WORK/$label.ours.json" 2> "$WORK/$label.ours.time"
    "$KLERO" opinion --votes "$folder/votes.csv" --comments "$folder/comments.csv" --polis-scaling \
        --format json --output "$WORK/$label.parity.json" 2> /dev/null
    "$KLERO" opinion --votes "$folder/votes.csv" --comments "$folder/comments.csv" \
        --format html --output "$WORK/$label.html" 2> /dev/null
    local rd="-"
    if [ "$RD_OK" = 1 ]; then
        if timeout "$RD_TIMEOUT" /usr/bin/time -v "$VENV/bin/python" -W ignore "$HERE/reddwarf_run.py" \
            "$folder" "$WORK/$label.rd.json" 42 2> "$WORK/$label.rd.time"; then
            rd="$WORK/$label.rd.json"
        else
            echo "red-dwarf failed or timed out on $label (see $WORK/$label.rd.time)" >&2
        fi
    fi
    local cmp parity
    cmp=$(python3 "$HERE/compare.py" "$WORK/$label.ours.json" "$rd" "$pv")
    parity=$(python3 "$HERE/compare.py" "$WORK/$label.parity.json" "$rd" "$pv")
    echo "$cmp" > "$WORK/$label.compare.json"
    echo "$parity" > "$WORK/$label.parity.compare.json"
    ROWS+=("$(python3 - "$label" "$cmp" "$parity" "$(wall "$WORK/$label.ours.time")" "$(rss "$WORK/$label.ours.time")" \
        "$( [ "$rd" != - ] && wall "$WORK/$label.rd.time" || echo -)" "$( [ "$rd" != - ] && rss "$WORK/$label.rd.time" || echo -)" <<'PY'
import json, sys
label, c, p, ow, orss, rw, rrss = sys.argv[1:]
c, p = json.loads(c), json.loads(p)
g = lambda d, k: d.get(k, "-")
ours_ms = c["timing_ms_ours"]
rd_s = c.get("pipeline_s_reddwarf")
speed = f"{rd_s * 1000 / ours_ms:.0f}x" if rd_s else "-"
print(f"| {label} | {c['k_ours']} {c['sizes_ours']} | {g(c,'k_reddwarf')} {g(c,'sizes_reddwarf')} | {g(c,'k_export')} {g(c,'sizes_export')} "
      f"| {g(c,'ari_ours_export')} (parity {g(p,'ari_ours_export')}) | {g(c,'ari_reddwarf_export')} | {g(c,'ari_ours_reddwarf')} "
      f"| {g(c,'consensus_agree_overlap')}, {g(c,'consensus_disagree_overlap')} | {', '.join(g(c,'representative_overlap_by_group') or [])} | {g(c,'gac_top5_overlap')} "
      f"| {ours_ms:.0f} ms / {ow} s / {orss} MB | {rd_s if rd_s is not None else '-'} s / {rw} s / {rrss} MB | {speed} |")
PY
)")
}

for folder in "$DATA"/*/; do
    label=$(basename "$folder")
    [ -f "$folder/votes.csv" ] || continue
    run_one "$label" "$folder" "$folder/participants-votes.csv"
done
for n in $SIZES; do
    python3 "$HERE/resample.py" "$DATA/vtaiwan.uberx" "$n" "$WORK/vtaiwan-resample-$n" 1
    run_one "vtaiwan-resample-$n" "$WORK/vtaiwan-resample-$n" -
done

if [ "$RD_OK" = 1 ]; then
    RD_VERSION="red-dwarf $("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('red-dwarf'), 'numpy', m.version('numpy'), 'scikit-learn', m.version('scikit-learn'))")"
else
    RD_VERSION="red-dwarf 0.4.0 could NOT be installed or imported in $VENV: no red-dwarf figures"
fi
{
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; $RD_VERSION."
    echo
    echo "| conversation | ours: k [sizes] | red-dwarf: k [sizes] | Pol.is export: k [sizes] | ARI ours–export | ARI red-dwarf–export | ARI ours–red-dwarf | consensus top-5 overlap (agree, disagree) | representative top-5 overlap per group | GAC top-5 overlap | ours: compute / wall / peak RSS | red-dwarf: pipeline / wall / peak RSS | speed (pipeline) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} > "$WORK/results.md"

if [ "$MILLION" = 1 ]; then
    /usr/bin/time -v "$CARGO_TARGET_DIR/release/examples/synthetic" 1000000 1000 1 > "$WORK/million.out" 2> "$WORK/million.time"
    {
        echo
        echo "Synthetic 1,000,000 × 1,000 (5–60 votes each, four planted groups), then 1,000 more votes and the incremental update:"
        echo
        echo '```'
        cat "$WORK/million.out"
        echo "peak RSS $(rss "$WORK/million.time") MB, wall $(wall "$WORK/million.time") s (whole process)"
        echo '```'
    } >> "$WORK/results.md"
fi

# Accessibility of the HTML reports (axe-core in chromium), when the browser-test packages are installed.
if [ -d "$ROOT/tests/browser/node_modules/axe-core" ]; then
    (cd "$ROOT/tests/browser" && node opinion-report.mjs "$WORK"/*.html) >> "$WORK/axe.txt" 2>&1 \
        && echo -e "\naxe-core: $(grep -c 'axe ok' "$WORK/axe.txt") HTML reports, no serious or critical violation." >> "$WORK/results.md" \
        || echo -e "\naxe-core check FAILED: see $WORK/axe.txt" >> "$WORK/results.md"
fi
cat "$WORK/results.md"
echo "work dir: $WORK" >&2
