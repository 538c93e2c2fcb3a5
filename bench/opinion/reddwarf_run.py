#!/usr/bin/env python3
"""Runs red-dwarf 0.4.0 (polis-community/red-dwarf, MPL-2.0, from PyPI) on a Pol.is openData
folder and writes its groups, consensus, representative statements and group-aware consensus as
JSON for compare.py: `reddwarf_run.py <folder> <out.json> [seed]`. Our own glue: latest vote per
(voter, comment), comments with moderated = -1 moderated out, random_state fixed."""
import csv, json, os, sys, time

folder, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
t0 = time.time()
from reddwarf.implementations.polis import run_pipeline  # noqa: E402
t_import = time.time() - t0

latest = {}
with open(os.path.join(folder, "votes.csv"), newline="") as f:
    for row in csv.DictReader(f):
        key = (int(row["voter-id"]), int(row["comment-id"]))
        ts = int(row["timestamp"])
        if key not in latest or ts >= latest[key][0]:
            latest[key] = (ts, int(row["vote"]))
votes = [
    {"participant_id": p, "statement_id": s, "vote": v, "modified": ts}
    for (p, s), (ts, v) in latest.items()
]
mod_out = []
with open(os.path.join(folder, "comments.csv"), newline="") as f:
    for row in csv.DictReader(f):
        if int(row["moderated"]) == -1:
            mod_out.append(int(row["comment-id"]))

t1 = time.time()
result = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=seed)
pipeline_s = time.time() - t1

groups = {}
for pid, label in result.participants_df["cluster_id"].items():
    if label is not None and str(label) != "<NA>":
        groups[str(int(pid))] = int(label)
gac = result.group_aware_consensus["agree"]
gac_top = sorted(gac, key=lambda tid: (-gac[tid], tid))[:5]
json.dump(
    {
        "pipeline_s": pipeline_s,
        "import_s": t_import,
        "groups": groups,
        "consensus": {
            "agree": [int(s["tid"]) for s in result.consensus["agree"]],
            "disagree": [int(s["tid"]) for s in result.consensus["disagree"]],
        },
        "repness": {
            str(g): [[int(s["tid"]), s.get("repful_for", s.get("repful-for", ""))] for s in statements]
            for g, statements in result.repness.items()
        },
        "gac_top5": [int(t) for t in gac_top],
    },
    open(out, "w"),
)
print(f"red-dwarf pipeline {pipeline_s:.2f} s, {len(groups)} clustered, "
      f"{len(set(groups.values()))} groups", file=sys.stderr)
