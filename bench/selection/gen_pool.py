#!/usr/bin/env python3
"""Deterministic response pools that look like the replies to a national civic lottery.

Usage: gen_pool.py OUT_DIR N K [FEATURES] [HOUSEHOLDS] [SEED]   (defaults: 8 features, households on, seed 1)

  N           respondents (1,000 to 10,000 in the benchmark sweep)
  K           panel size (100 to 200)
  FEATURES    how many of the nine features below to use, 6 to 9, in the order listed
  HOUSEHOLDS  1: about a fifth of respondents share a household with one or two others; 0: none
  SEED        any integer

Writes OUT_DIR/people.csv (id, the feature columns, household column `household`) and OUT_DIR/features.csv
(feature,value,min,max: the population share times K, minus and plus about 10 %, as organisers set them).

How it differs from gen_synthetic.py: people are drawn from a *population* in which the features are correlated
(a latent social position drives education, housing and tenure; age drives attitude and housing; the capital has
more minorities, renters and degrees), then kept with a response propensity (older, degree-holding and very
concerned people reply more), so the pool is skewed against the quotas in correlated ways, as real pools are.
Members of a household share region, area type, housing and mostly ethnicity. Only random.Random.random() is
used, whose output is stable across Python 3 versions, so the files are identical everywhere.
"""
import math, os, random, sys

# feature -> [(value, population share)]; the order of features is the order FEATURES selects them in.
SHARES = {
    "gender": [("female", 0.51), ("male", 0.48), ("other", 0.01)],
    "age": [("16-29", 0.22), ("30-44", 0.24), ("45-59", 0.25), ("60-74", 0.19), ("75+", 0.10)],
    "education": [("none", 0.20), ("secondary", 0.35), ("vocational", 0.15), ("degree", 0.30)],
    "region": [("north", 0.24), ("midlands", 0.20), ("south", 0.22), ("west", 0.18), ("capital", 0.16)],
    "attitude": [("very concerned", 0.30), ("fairly concerned", 0.40), ("not very", 0.20), ("not at all", 0.10)],
    "ethnicity": [("majority", 0.82), ("minority-a", 0.10), ("minority-b", 0.08)],
    "housing": [("owner", 0.63), ("social renter", 0.17), ("private renter", 0.20)],
    "area": [("urban", 0.55), ("suburban", 0.28), ("rural", 0.17)],
    "disability": [("no", 0.80), ("yes", 0.20)],
}
NAMES = list(SHARES)


def pick(rng, weights):
    total = sum(weights)
    r = rng.random() * total
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    return len(weights) - 1


def tilt(shares, factors):
    return [s * f for s, f in zip(shares, factors)]


def person(rng, base=None):
    """One member of the population (value index per feature); `base` is a household member to resemble."""
    share = {f: [s for _, s in SHARES[f]] for f in NAMES}
    p = {}
    position = rng.random()  # latent social position, 0 low .. 1 high
    p["gender"] = pick(rng, share["gender"])
    if base is None:
        p["region"] = pick(rng, share["region"])
        capital = p["region"] == 4
        p["area"] = pick(rng, tilt(share["area"], [3.0, 0.6, 0.05] if capital else [1, 1, 1.2]))
    else:
        p["region"], p["area"] = base["region"], base["area"]
        capital = p["region"] == 4
    p["age"] = pick(rng, share["age"])
    old = p["age"] >= 3
    # Education follows social position, and the young and the capital hold more degrees.
    p["education"] = pick(rng, tilt(share["education"], [
        1.8 - 1.5 * position + (0.6 if p["age"] == 4 else 0.0),
        1.2 - 0.4 * position,
        1.0,
        0.3 + 1.6 * position + (0.5 if capital else 0.0) + (0.3 if p["age"] == 1 else 0.0),
    ]))
    if base is not None and rng.random() < 0.9:
        p["ethnicity"] = base["ethnicity"]
    else:
        p["ethnicity"] = pick(rng, tilt(share["ethnicity"], [1.0, 2.5, 2.5] if capital else [1.0, 0.8, 0.8]))
    if base is not None:
        p["housing"] = base["housing"]
    else:
        p["housing"] = pick(rng, tilt(share["housing"], [
            0.3 + 1.2 * position + (0.6 if old else 0.0) - (0.3 if capital else 0.0),
            1.6 - 1.4 * position,
            (1.8 if p["age"] <= 1 else 0.6) + (0.8 if capital else 0.0),
        ]))
    p["attitude"] = pick(rng, tilt(share["attitude"], [
        1.0 + 0.6 * position + (0.3 if p["age"] == 0 else 0.0), 1.0, 1.0, 1.0 + (0.5 if p["area"] == 2 else 0.0)]))
    p["disability"] = pick(rng, tilt(share["disability"], [1.0, 2.2 if old else 0.6]))
    return p


def propensity(p):
    """Relative chance of replying: older, degree-holding and very concerned people reply more."""
    value = [1.0, 0.9, 1.0][p["gender"]]
    value *= [0.5, 0.8, 1.0, 1.5, 1.3][p["age"]]
    value *= [0.5, 0.8, 0.9, 1.7][p["education"]]
    value *= [2.0, 1.1, 0.6, 0.35][p["attitude"]]
    value *= [1.0, 0.7, 0.6][p["ethnicity"]]
    value *= [1.2, 0.6, 0.8][p["housing"]]
    value *= [0.9, 1.0, 1.1, 1.0, 1.2][p["region"]]
    return value


MAX_PROPENSITY = 1.0 * 1.5 * 1.7 * 2.0 * 1.0 * 1.2 * 1.2


def respondent(rng, base=None):
    while True:
        p = person(rng, base)
        if rng.random() * MAX_PROPENSITY < propensity(p):
            return p


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    feature_count = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    households = (int(sys.argv[5]) if len(sys.argv) > 5 else 1) != 0
    rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    if not 1 <= feature_count <= len(NAMES):
        sys.exit(f"FEATURES must be between 1 and {len(NAMES)}")
    names = NAMES[:feature_count]
    rows = []
    household = 0
    while len(rows) < n:
        household += 1
        # Households of 2 or 3 replying together (one of every ~9 households, so that about a fifth of the
        # respondents share one); the others reply alone.
        size = 1
        if households and rng.random() < 0.115:
            size = 2 if rng.random() < 0.75 else 3
        first = respondent(rng)
        members = [first] + [respondent(rng, first) for _ in range(size - 1)]
        for member in members[: n - len(rows)]:
            rows.append((f"r{len(rows) + 1}", member, f"h{household}"))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "people.csv"), "w") as fh:
        fh.write("id," + ",".join(names) + ",household\n")
        for pid, p, key in rows:
            fh.write(pid + "," + ",".join(SHARES[f][p[f]][0] for f in names) + "," + key + "\n")
    with open(os.path.join(out, "features.csv"), "w") as fh:
        fh.write("feature,value,min,max\n")
        for f in names:
            for value, share in SHARES[f]:
                target = share * k
                fh.write(f"{f},{value},{max(0, math.floor(target * 0.9) - 1)},{math.ceil(target * 1.1) + 1}\n")
    sizes = {}
    for _, _, key in rows:
        sizes[key] = sizes.get(key, 0) + 1
    in_households = sum(c for c in sizes.values() if c > 1)
    cells = {tuple(p[f] for f in names) for _, p, key in rows if sizes[key] == 1}
    print(f"{len(rows)} respondents, {len(names)} features, {in_households} in shared households, "
          f"{len(cells) + in_households} profiles", file=sys.stderr)


if __name__ == "__main__":
    main()
