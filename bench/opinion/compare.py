#!/usr/bin/env python3
"""Compares `klero opinion` JSON with red-dwarf's (reddwarf_run.py) and with the groups exported in
participants-votes.csv: adjusted Rand indices, numbers of groups, and overlaps of the top-5
consensus, representative and group-aware consensus statements. Prints one JSON object:
`compare.py <ours.json> <reddwarf.json or -> <participants-votes.csv or ->`."""
import csv, json, sys
from collections import Counter
from math import comb


def ari(a, b):
    n = len(a)
    if n < 2:
        return float("nan")
    table = Counter(zip(a, b))
    index = sum(comb(c, 2) for c in table.values())
    rows = sum(comb(c, 2) for c in Counter(a).values())
    cols = sum(comb(c, 2) for c in Counter(b).values())
    expected = rows * cols / comb(n, 2)
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def silhouette(points, labels):
    """Participant-level silhouette (Euclidean) of a labelling of points; None past 5,000 points."""
    n = len(points)
    if n > 5000 or len(set(labels)) < 2:
        return None
    total = 0.0
    for i in range(n):
        sums, counts = Counter(), Counter()
        xi, yi = points[i]
        for j in range(n):
            if i != j:
                d = ((points[j][0] - xi) ** 2 + (points[j][1] - yi) ** 2) ** 0.5
                sums[labels[j]] += d
                counts[labels[j]] += 1
        own = labels[i]
        if counts[own] == 0:
            continue
        a = sums[own] / counts[own]
        b = min(sums[g] / counts[g] for g in counts if g != own)
        total += (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return round(total / n, 3)


def paired(x, y):
    keys = sorted(set(x) & set(y))
    return [x[k] for k in keys], [y[k] for k in keys], len(keys)


def overlap(a, b):
    a, b = set(a[:5]), set(b[:5])
    return f"{len(a & b)}/{max(len(a), len(b))}" if a or b else "0/0"


ours = json.load(open(sys.argv[1]))
our_groups = {str(p["id"]): p["group"] for p in ours["participants"] if p["group"] is not None}
out = {
    "k_ours": len(ours["groups"]),
    "sizes_ours": [g["size"] for g in ours["groups"]],
    "clustered_ours": len(our_groups),
    "timing_ms_ours": ours["timing_ms"],
}
if sys.argv[3] != "-":
    exported = {}
    with open(sys.argv[3], newline="") as f:
        for row in csv.DictReader(f):
            if row["group-id"].strip():
                exported[row["participant"]] = int(row["group-id"])
    out["k_export"] = len(set(exported.values()))
    out["sizes_export"] = sorted(Counter(exported.values()).values(), reverse=True)
    a, b, n = paired(our_groups, exported)
    out["ari_ours_export"] = round(ari(a, b), 3)
    out["n_ours_export"] = n
    # On our map, how well separated are our groups and the exported ones (same participants)?
    xy = {str(p["id"]): (p["x"], p["y"]) for p in ours["participants"] if p["x"] is not None}
    keys = sorted(k for k in set(our_groups) & set(exported) if k in xy)
    points = [xy[k] for k in keys]
    out["silhouette_ours_on_our_map"] = silhouette(points, [our_groups[k] for k in keys])
    out["silhouette_export_on_our_map"] = silhouette(points, [exported[k] for k in keys])
    out["export_sizes_among_ours"] = sorted(Counter(exported[k] for k in keys).values(), reverse=True)
if sys.argv[2] != "-":
    rd = json.load(open(sys.argv[2]))
    out["k_reddwarf"] = len(set(rd["groups"].values()))
    out["sizes_reddwarf"] = sorted(Counter(rd["groups"].values()).values(), reverse=True)
    out["pipeline_s_reddwarf"] = round(rd["pipeline_s"], 3)
    a, b, n = paired(our_groups, rd["groups"])
    out["ari_ours_reddwarf"] = round(ari(a, b), 3)
    out["n_ours_reddwarf"] = n
    if sys.argv[3] != "-":
        a, b, _ = paired(rd["groups"], exported)
        out["ari_reddwarf_export"] = round(ari(a, b), 3)
    out["consensus_agree_overlap"] = overlap(ours["consensus"]["agree"], rd["consensus"]["agree"])
    out["consensus_disagree_overlap"] = overlap(ours["consensus"]["disagree"], rd["consensus"]["disagree"])
    out["gac_top5_overlap"] = overlap(
        [c["statement"] for c in ours["group_informed_consensus"]], rd["gac_top5"])
    # Representative statements: pair each of our groups with the red-dwarf group sharing most members.
    reps = []
    for g in ours["groups"]:
        members = [p for p, q in our_groups.items() if q == g["id"]]
        votes = Counter(rd["groups"][p] for p in members if p in rd["groups"])
        if not votes:
            continue
        match = str(votes.most_common(1)[0][0])
        mine = [(r["statement"], r["direction"]) for r in g["representative"]]
        theirs = [tuple(x) for x in rd["repness"].get(match, [])]
        reps.append(f"{len(set(mine[:5]) & set(theirs[:5]))}/{max(len(mine[:5]), len(theirs[:5]))}")
    out["representative_overlap_by_group"] = reps
print(json.dumps(out))
