"""Checks a Kleroterion draw from its published files alone (reference implementation, standard library only).

Written from docs/selection.md: it reads the pool, the quotas and the distribution file, recomputes the
commitment (version 2: the inputs and the SHA-256 of the distribution file), checks that every panel of the
distribution meets the quotas, and replays the draw from the seed (a transparent lottery or the plain
distribution). Exit status 0: everything checks; 1: a mismatch (named on standard output); 2: unreadable input.
"""
import argparse, csv, decimal, hashlib, io, re, struct, sys

# Unicode White_Space, the characters trimmed from fields (Python's str.strip() would trim U+001C to U+001F too).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
    "\u2028\u2029\u202f\u205f\u3000"


class InputError(Exception):
    pass


def trim(text):
    return text.strip(WHITE_SPACE)


def norm(text):
    return trim(text).lower()


# ---- the random stream (Step 2) ----

def chacha20_block(key, counter):
    def rotl(v, c): return ((v << c) & 0xffffffff) | (v >> (32 - c))
    def qr(s, a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 7)
    state = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, *struct.unpack("<8I", key),
             counter & 0xffffffff, counter >> 32, 0, 0]
    w = state[:]
    for _ in range(10):
        qr(w, 0, 4, 8, 12); qr(w, 1, 5, 9, 13); qr(w, 2, 6, 10, 14); qr(w, 3, 7, 11, 15)
        qr(w, 0, 5, 10, 15); qr(w, 1, 6, 11, 12); qr(w, 2, 7, 8, 13); qr(w, 3, 4, 9, 14)
    return struct.pack("<16I", *[(a + b) & 0xffffffff for a, b in zip(w, state)])


class Stream:
    def __init__(self, seed):
        self.key, self.buffer, self.counter = hashlib.sha256(seed.encode("utf-8")).digest(), b"", 0

    def next_u64(self):
        if len(self.buffer) < 8:
            self.buffer += chacha20_block(self.key, self.counter); self.counter += 1
        value, self.buffer = struct.unpack("<Q", self.buffer[:8])[0], self.buffer[8:]
        return value

    def uniform_below(self, n):
        zone = (2**64 // n) * n          # the one integer rule, shared with docs/invitations.md
        while True:
            r = self.next_u64()
            if r < zone:
                return r % n

    def unit(self):
        return (self.next_u64() >> 11) / 2.0**53


# ---- the input files ----

def read_csv(path):
    """The header (trimmed, byte order mark removed) and the non-blank records, each with its line number."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise InputError(f"{path} line {reader.line_num}: {error}")
    rows = [(line, row) for line, row in rows if row]
    if not rows:
        raise InputError(f"{path}: no header")
    header = [trim(field.lstrip("\ufeff")) for field in rows[0][1]]
    records = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise InputError(f"{path} line {line}: {len(row)} fields, the header has {len(header)}")
        if all(trim(field) == "" for field in row):
            continue
        records.append((line, row))
    return header, records


def find_column(header, names):
    for name in names:
        for position, column in enumerate(header):
            if norm(column) == name:
                return position
    return None


def count(path, line, name, text):
    text = trim(text)
    if not re.fullmatch(r"\+?[0-9]+", text) or int(text) > 2**32 - 1:
        raise InputError(f"{path} line {line}: `{text}` is not a non-negative whole number for `{name}`")
    return int(text)


def read_features(path, panel_size):
    """[(feature name, [(value, min, max, min_flex, max_flex), ...]), ...]: features in order of first
    appearance (grouped by name, compared trimmed and lowercased), values in file order within each."""
    header, records = read_csv(path)
    feature_column = find_column(header, ["feature", "category"])
    if feature_column is None:
        raise InputError(f"{path}: missing column `feature`")
    value_names = ["value", "name", "category value", "category_value", "category-value"]
    if norm(header[feature_column]) == "category":
        value_names.append("feature")
    value_column = find_column(header, value_names)
    min_column, max_column = find_column(header, ["min"]), find_column(header, ["max"])
    for column, name in ((value_column, "value"), (min_column, "min"), (max_column, "max")):
        if column is None:
            raise InputError(f"{path}: missing column `{name}`")
    min_flex_column, max_flex_column = find_column(header, ["min_flex"]), find_column(header, ["max_flex"])
    features = []
    for line, row in records:
        name, value = trim(row[feature_column]), trim(row[value_column])
        if not name or not value:
            raise InputError(f"{path} line {line}: empty feature or value")
        low, high = count(path, line, "min", row[min_column]), count(path, line, "max", row[max_column])
        low_flex = 0
        if min_flex_column is not None and trim(row[min_flex_column]):
            low_flex = count(path, line, "min_flex", row[min_flex_column])
        high_flex = max(panel_size, high)
        if max_flex_column is not None and trim(row[max_flex_column]):
            high_flex = count(path, line, "max_flex", row[max_flex_column])
        if low > high or low_flex > low or high_flex < high:
            raise InputError(f"{path} line {line}: inconsistent quota for {name}={value}")
        group = next((f for f in features if norm(f[0]) == norm(name)), None)
        if group is None:
            group = (name, [])
            features.append(group)
        if any(norm(quota[0]) == norm(value) for quota in group[1]):
            raise InputError(f"{path} line {line}: duplicate quota for {name}={value}")
        group[1].append((value, low, high, low_flex, high_flex))
    if not features:
        raise InputError(f"{path}: no features")
    return features


def read_people(path, features, id_column, household_columns):
    """[(id, [value index per feature], household key or None), ...] in file order."""
    header, records = read_csv(path)
    def column(name):
        position = find_column(header, [norm(name)])
        if position is None:
            raise InputError(f"{path}: missing column `{name}`")
        return position
    id_index = column(id_column)
    feature_indices = [column(name) for name, _ in features]
    household_indices = [column(name) for name in household_columns]
    lookups = [{norm(quota[0]): index for index, quota in enumerate(quotas)} for _, quotas in features]
    people, seen = [], set()
    for line, row in records:
        person_id = trim(row[id_index])
        if not person_id or person_id in seen:
            raise InputError(f"{path} line {line}: empty or duplicate id `{person_id}`")
        seen.add(person_id)
        values = []
        for (name, _), position, lookup in zip(features, feature_indices, lookups):
            if norm(row[position]) not in lookup:
                raise InputError(f"{path} line {line}: unknown value `{row[position]}` for `{name}`")
            values.append(lookup[norm(row[position])])
        household = None
        if household_indices and any(trim(row[i]) for i in household_indices):
            household = "\n".join(row[i] for i in household_indices).replace("\x1f", "\n")
        people.append((person_id, values, household))
    return people


def read_ids(path, id_column, index):
    """Pool indices named by a file of ids (the id column, or the first column), sorted."""
    header, records = read_csv(path)
    position = find_column(header, [norm(id_column)])
    position = 0 if position is None else position
    chosen = []
    for line, row in records:
        person_id = trim(row[position])
        if person_id not in index or index[person_id] in chosen:
            raise InputError(f"{path} line {line}: `{person_id}` is not in the pool, or is named twice")
        chosen.append(index[person_id])
    return sorted(chosen)


# ---- the commitment ----

def netstring(text):
    data = text.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


def record(*fields):
    return b"".join(netstring(field) for field in fields) + b"\n"


def canonical(version, algorithm, panel_size, lottery_panels, features, people, already, distribution_bytes):
    out = record(version, algorithm, str(panel_size), "" if lottery_panels is None else str(lottery_panels))
    for name, quotas in features:
        for value, low, high, low_flex, high_flex in quotas:
            out += record("quota", name, value, str(low), str(high), str(low_flex), str(high_flex))
    for person_id, values, household in people:
        spelled = [features[f][1][v][0] for f, v in enumerate(values)]
        out += record("person", person_id, *spelled, household or "")
    for person in already:
        out += record("already-selected", people[person][0])
    if version == "kleroterion-selection-v2":
        out += record("distribution", hashlib.sha256(distribution_bytes).hexdigest())
    return out


# ---- the distribution file ----

def rust_float(value):
    """A double as Rust's `{}` writes it: the shortest digits that read back exactly, never an exponent."""
    text = format(decimal.Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


def cell(text):
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def read_distribution(data, index):
    """Panels [(probability, [(seats, [pool indices])...])], the numbered lottery panels, and the rows
    written back in canonical form (to compare with the file's bytes)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if not rows or rows[0] != ["kind", "panel", "probability", "seats", "members"]:
        raise InputError("the distribution file does not start with kind,panel,probability,seats,members")
    panels, lottery, canonical_rows = [], [], [rows[0]]
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 5:
            raise InputError(f"distribution line {line}: {len(row)} fields instead of 5")
        kind, number, probability, seats, members = row
        ids = members.split(" ")
        if any(person_id not in index for person_id in ids):
            raise InputError(f"distribution line {line}: an id is not in the pool")
        people = [index[person_id] for person_id in ids]
        if kind == "already-selected":
            canonical_rows.append([kind, "", "", str(len(people)), members])
        elif kind == "panel":
            if int(number) == len(panels):
                panels.append((float(probability), []))
            elif int(number) != len(panels) - 1:
                raise InputError(f"distribution line {line}: panels must be numbered 0, 1, 2, ... in order")
            if float(probability) != panels[-1][0]:
                raise InputError(f"distribution line {line}: two probabilities for panel {number}")
            panels[-1][1].append((int(seats), people))
            canonical_rows.append([kind, str(int(number)), rust_float(float(probability)), str(int(seats)), members])
        elif kind == "lottery":
            if int(number) != len(lottery):
                raise InputError(f"distribution line {line}: numbered panels must be numbered 0, 1, 2, ... in order")
            lottery.append(people)
            canonical_rows.append([kind, str(len(lottery) - 1), "", str(len(people)), members])
        else:
            raise InputError(f"distribution line {line}: unknown row kind `{kind}`")
    written = "".join(",".join(cell(c) for c in r) + "\n" for r in canonical_rows).encode("utf-8")
    return panels, lottery, written


def panel_problem(panel, features, people, panel_size):
    """What is wrong with a concrete panel (pool indices), or None."""
    if len(panel) != panel_size or len(set(panel)) != len(panel):
        return f"{len(panel)} members ({len(set(panel))} different) instead of {panel_size}"
    for f, (name, quotas) in enumerate(features):
        for v, (value, low, high, _, _) in enumerate(quotas):
            seated = sum(1 for person in panel if people[person][1][f] == v)
            if not low <= seated <= high:
                return f"{name}={value}: {seated} seated, quota {low}..{high}"
    households = [people[person][2] for person in panel if people[person][2] is not None]
    if len(households) != len(set(households)):
        return "two members share a household"
    return None


def distribution_problem(panels, lottery, lottery_panels, features, people, already, panel_size):
    if (len(lottery) or None) != lottery_panels:
        return f"{len(lottery)} numbered panels, but the inputs say {lottery_panels or 0}"
    listed = {person for _, rows in panels for _, members in rows for person in members} | set(already)
    households = {}
    for person in listed:
        households[people[person][2]] = households.get(people[person][2], 0) + 1
    profile_of = {}
    for _, rows in panels:
        last_first = -1
        for seats, members in rows:
            if not 1 <= seats <= len(members) or members != sorted(members) or members[0] <= last_first:
                return "a panel's rows are not profiles in order with at most their size of seats"
            last_first = members[0]
            for person in members:
                if profile_of.setdefault(person, members) != members:
                    return f"`{people[person][0]}` is in two profiles"
                if person in already or people[person][1] != people[members[0]][1]:
                    return f"`{people[person][0]}` does not belong to its profile"
                # Only a profile of its own keeps the household rule whichever members are drawn.
                if len(members) > 1 and people[person][2] is not None and households[people[person][2]] > 1:
                    return f"`{people[person][0]}` shares a household with someone else and a profile with others"
    for index, (_, rows) in enumerate(panels):
        # Members of a profile are interchangeable: the first `seats` stand for any `seats` of them.
        panel = list(already) + [person for seats, members in rows for person in members[:seats]]
        problem = panel_problem(panel, features, people, panel_size)
        if problem:
            return f"panel {index}: {problem}"
    for number, panel in enumerate(lottery):
        if not set(already) <= set(panel):
            return f"numbered panel {number} leaves out an already-selected person"
        problem = panel_problem(panel, features, people, panel_size)
        if problem:
            return f"numbered panel {number}: {problem}"
    total = sum(probability for probability, _ in panels)
    if abs(total - 1.0) > 1e-6:
        return f"the probabilities add up to {total}, not 1"
    return None


# ---- the draw (Step 3) ----

def draw(panels, lottery, already, seed):
    """The drawn panel (sorted pool indices) and the lottery number (or None)."""
    rng = Stream(seed)
    if lottery:
        digits = seed[len("number:"):] if seed.startswith("number:") else ""
        public = (digits != "" and len(digits) <= 18 and all(c in "0123456789" for c in digits)
                  and (digits == "0" or not digits.startswith("0")) and int(digits) < len(lottery))
        number = int(digits) if public else rng.uniform_below(len(lottery))   # a number drawn in public
        return sorted(lottery[number]), number
    u, total, chosen = rng.unit(), 0.0, len(panels) - 1
    for index, (probability, _) in enumerate(panels):
        total += probability
        if u < total:
            chosen = index
            break
    selected = list(already)
    for seats, members in panels[chosen][1]:      # profiles in file order = engine order
        order = list(members)
        for i in range(seats):
            j = i + rng.uniform_below(len(order) - i)
            order[i], order[j] = order[j], order[i]
        selected += order[:seats]
    return sorted(selected), None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", required=True)
    parser.add_argument("--features", required=True)
    parser.add_argument("--panel-size", type=int, required=True)
    parser.add_argument("--algorithm", default="leximin", choices=["leximin", "maximin"])
    parser.add_argument("--id-column", default="id")
    parser.add_argument("--household-columns", default="")
    parser.add_argument("--already-selected")
    parser.add_argument("--lottery-panels", type=int)
    parser.add_argument("--distribution", required=True)
    parser.add_argument("--commitment", required=True, help="the published commitment (version 2)")
    parser.add_argument("--seed", help="the published seed: replay the draw")
    parser.add_argument("--selected", help="the published panel (ids in the id column): compare with the replay")
    args = parser.parse_args(argv)
    households = [c for c in args.household_columns.split(",") if c]
    try:
        features = read_features(args.features, args.panel_size)
        people = read_people(args.people, features, args.id_column, households)
        index = {person[0]: position for position, person in enumerate(people)}
        already = read_ids(args.already_selected, args.id_column, index) if args.already_selected else []
        if not 0 < args.panel_size <= len(people) or len(already) > args.panel_size:
            raise InputError(f"panel size {args.panel_size} is impossible for a pool of {len(people)}")
        with open(args.distribution, "rb") as fh:
            data = fh.read()
        panels, lottery, written = read_distribution(data, index)
    except (InputError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ok = True
    def mismatch(text):
        nonlocal ok
        ok = False
        print(f"MISMATCH: {text}")
    inputs = (args.algorithm, args.panel_size, args.lottery_panels, features, people, already, data)
    commitment = hashlib.sha256(canonical("kleroterion-selection-v2", *inputs)).hexdigest()
    print(f"commitment: {commitment}")
    print(f"distribution: SHA-256 {hashlib.sha256(data).hexdigest()}, {len(panels)} panels, "
          f"{len(lottery)} numbered panels")
    if commitment != trim(args.commitment).lower():
        mismatch("the published commitment is not the one the inputs and the distribution file give")
    if written != data:
        mismatch("the distribution file is not in canonical form")
    problem = distribution_problem(panels, lottery, args.lottery_panels, features, people, already,
                                   args.panel_size)
    if problem:
        mismatch(f"the distribution is not one the quotas allow: {problem}")
    if args.seed is not None and not problem:
        panel, number = draw(panels, lottery, already, args.seed)
        if number is not None:
            print(f"lottery: the seed draws numbered panel {number} of {len(lottery)}")
        print("panel: " + " ".join(people[person][0] for person in panel))
        if args.selected:
            try:
                published = read_ids(args.selected, args.id_column, index)
            except InputError as error:
                mismatch(str(error))
            else:
                if published != panel:
                    mismatch(f"{args.selected} is not the panel that the seed draws")
    if ok:
        print("OK: the commitment covers these inputs and this distribution"
              + (", and the seed draws the published panel" if args.selected else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
