#!/usr/bin/env python3
"""Bootstrap-resamples a Pol.is openData conversation to N participants (new ids 0..N-1, each a
copy of a participant drawn with replacement, keeping their latest votes), for the scale
benchmarks: `resample.py <folder> <N> <out-folder> [seed]`. The data are CC BY 4.0, The
Computational Democracy Project; the resample is a changed copy (say so wherever it is shown)."""
import csv, os, random, shutil, sys

folder, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
latest = {}
with open(os.path.join(folder, "votes.csv"), newline="") as f:
    for row in csv.DictReader(f):
        key = (row["voter-id"], row["comment-id"])
        if key not in latest or int(row["timestamp"]) >= int(latest[key]["timestamp"]):
            latest[key] = row
by_voter = {}
for (voter, _), row in latest.items():
    by_voter.setdefault(voter, []).append(row)
voters = sorted(by_voter, key=int)
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "votes.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    for new_id in range(n):
        for row in by_voter[rng.choice(voters)]:
            w.writerow([row["timestamp"], row["datetime"], row["comment-id"], new_id, row["vote"]])
shutil.copy(os.path.join(folder, "comments.csv"), os.path.join(out, "comments.csv"))
