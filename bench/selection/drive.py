#!/usr/bin/env python3
"""Benchmark driver for sortition-algorithms (our own code, calling its public functions).

Usage: drive.py PEOPLE_CSV FEATURES_CSV K ID_COLUMN [HOUSEHOLD_COLUMNS] [BACKEND]

Runs find_distribution_maximin (its LEXIMIN needs Gurobi) and prints one JSON line with the solve
time, support size and min/max selection probability. HOUSEHOLD_COLUMNS is comma-separated or empty.
"""
import csv, json, sys, time

from sortition_algorithms import settings as S
from sortition_algorithms.committee_generation import find_distribution_maximin, standardize_distribution
from sortition_algorithms.features import read_in_features
from sortition_algorithms.people import read_in_people


def main():
    people_csv, features_csv, k, id_column = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    households = [c for c in (sys.argv[5] if len(sys.argv) > 5 else "").split(",") if c]
    backend = sys.argv[6] if len(sys.argv) > 6 else "highspy"
    settings = S.Settings(
        id_column=id_column,
        columns_to_keep=households,
        check_same_address=bool(households),
        check_same_address_columns=households,
        solver_backend=backend,
        selection_algorithm="maximin",
    )
    with open(features_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    features = read_in_features(list(rows[0].keys()), rows, k)[0]
    with open(people_csv, newline="") as fh:
        people_rows = list(csv.DictReader(fh))
    people = read_in_people(list(people_rows[0].keys()), people_rows, features, settings)[0]
    started = time.perf_counter()
    committees, probabilities, _ = find_distribution_maximin(features, people, k, households, backend)
    solve = time.perf_counter() - started
    committees, probabilities = standardize_distribution(committees, probabilities)
    marginal = dict.fromkeys(people, 0.0)
    for committee, probability in zip(committees, probabilities):
        for person in committee:
            marginal[person] += probability
    values = sorted(marginal.values())
    print(json.dumps({"n": len(values), "k": k, "solve_s": round(solve, 3), "support": len(committees),
                      "min_prob": values[0], "max_prob": values[-1]}))


if __name__ == "__main__":
    main()
