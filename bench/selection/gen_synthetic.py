#!/usr/bin/env python3
"""Deterministic synthetic pool for the selection benchmark.

Usage: gen_synthetic.py OUT_DIR [N] [K] [SEED]  (defaults 5000 150 1)

Writes OUT_DIR/people.csv (id, 7 feature columns, household column `address`) and OUT_DIR/features.csv
(feature,value,min,max). The pool is skewed against the population targets (older, more educated,
more urban people volunteer more), the way real respondent pools are, so the fair distribution is
not uniform. About 12% of people share an address with one or two others. Only random.Random.random()
is used, whose output is stable across Python 3 versions, so the files are identical everywhere.
"""
import math, os, random, sys

# feature -> [(value, population share, volunteering propensity)]
FEATURES = {
    "gender": [("female", 0.50, 1.0), ("male", 0.48, 0.9), ("other", 0.02, 1.1)],
    "age": [("16-29", 0.22, 0.6), ("30-44", 0.25, 0.9), ("45-59", 0.25, 1.1), ("60+", 0.28, 1.5)],
    "education": [("none", 0.25, 0.5), ("secondary", 0.40, 0.9), ("degree", 0.35, 1.6)],
    "region": [("north", 0.18, 0.9), ("south", 0.22, 1.0), ("east", 0.20, 1.0), ("west", 0.20, 1.0), ("capital", 0.20, 1.3)],
    "ethnicity": [("majority", 0.82, 1.0), ("minority-a", 0.12, 0.7), ("minority-b", 0.06, 0.6)],
    "housing": [("owner", 0.62, 1.2), ("renter", 0.33, 0.8), ("other", 0.05, 0.7)],
    "attitude": [("concerned", 0.40, 1.4), ("neutral", 0.45, 0.9), ("unconcerned", 0.15, 0.5)],
}


def pick(rng, weights):
    total = sum(weights)
    r = rng.random() * total
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    return len(weights) - 1


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    os.makedirs(out, exist_ok=True)
    names = list(FEATURES)
    rows = []
    address = 0
    while len(rows) < n:
        size = 1 if rng.random() < 0.94 else (2 if rng.random() < 0.7 else 3)
        address += 1
        for _ in range(min(size, n - len(rows))):
            values = [FEATURES[f][pick(rng, [share * prop for _, share, prop in FEATURES[f]])][0] for f in names]
            rows.append((f"s{len(rows)}", values, f"address {address}"))
    with open(os.path.join(out, "people.csv"), "w") as fh:
        fh.write("id," + ",".join(names) + ",address\n")
        for pid, values, addr in rows:
            fh.write(pid + "," + ",".join(values) + "," + addr + "\n")
    with open(os.path.join(out, "features.csv"), "w") as fh:
        fh.write("feature,value,min,max\n")
        for f in names:
            for value, share, _ in FEATURES[f]:
                target = share * k
                fh.write(f"{f},{value},{max(0, math.floor(target * 0.9) - 1)},{math.ceil(target * 1.1) + 1}\n")


if __name__ == "__main__":
    main()
