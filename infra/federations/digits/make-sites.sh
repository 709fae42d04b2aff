#!/usr/bin/env bash
# Rebuilds data/digits-5-sites.csv and schema.digits.json from data/digits-8x8.csv.gz (the UCI optical digits as
# scikit-learn ships them: 1797 rows of 64 pixel counts, 0 to 16, then the digit). Both outputs are committed; this
# script documents how they were made and reproduces them byte for byte (python3, standard library only).
#
#   infra/federations/digits/make-sites.sh
#
# The split: 5 simulated sites, IID and stratified: per digit, the rows are shuffled with random.Random(1) and dealt
# round the sites in turn, so every site holds every digit in the same proportions (about 360 rows each).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

SEED=1 SITES=5 python3 - "$here" <<'PY'
import gzip, json, os, random, sys

here = sys.argv[1]
seed, sites = int(os.environ["SEED"]), int(os.environ["SITES"])
with gzip.open(os.path.join(here, "data", "digits-8x8.csv.gz"), "rt") as f:
    rows = [line.strip().split(",") for line in f if line.strip()]
assert len(rows) == 1797 and all(len(r) == 65 for r in rows), "expected 1797 rows of 64 pixels and a label"

rng = random.Random(seed)
site_of = [0] * len(rows)
for digit in range(10):
    members = [i for i, r in enumerate(rows) if int(r[64]) == digit]
    rng.shuffle(members)
    for k, i in enumerate(members):
        site_of[i] = k % sites + 1

pixels = [f"p{i}" for i in range(64)]
with open(os.path.join(here, "data", "digits-5-sites.csv"), "w", newline="") as out:
    out.write(",".join(pixels + ["digit", "site"]) + "\n")
    for r, site in zip(rows, site_of):
        out.write(",".join(r + [str(site)]) + "\n")

# Pixels count ink in 4x4 blocks, 0 to 16: one agreed scale for all, to [-1, 1].
schema = {
    "name": "digits-8x8",
    "columns": [{"name": p, "type": "number"} for p in pixels] + [{"name": "digit", "type": "category"}],
    "features": [{"name": p, "column": p, "center": 8, "scale": 8} for p in pixels],
    "label": {"kind": "multiclass", "column": "digit", "classes": [str(d) for d in range(10)]},
}
with open(os.path.join(here, "schema.digits.json"), "w") as out:
    out.write(json.dumps(schema, indent=2) + "\n")

print("site  rows  " + "  ".join(f"{d:>3}" for d in range(10)))
for k in range(1, sites + 1):
    counts = [sum(1 for r, s in zip(rows, site_of) if s == k and int(r[64]) == d) for d in range(10)]
    print(f"{k:>4}  {sum(counts):>4}  " + "  ".join(f"{c:>3}" for c in counts))
PY
