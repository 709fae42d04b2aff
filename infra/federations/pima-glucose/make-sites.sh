#!/usr/bin/env bash
# Rebuilds data/pima-glucose-4-sites.csv and schema.pima-glucose.json from data/pima-diabetes.csv (R mlbench's
# PimaIndiansDiabetes: 768 women of Pima heritage, NIDDK). Both outputs are committed; this script documents how they
# were made and reproduces them byte for byte (python3, standard library only).
#
#   infra/federations/pima-glucose/make-sites.sh
#
# What changes: a 0 in glucose, pressure, triceps, insulin or mass is a missing measurement (no living person has
# them), written NA as mlbench's PimaIndiansDiabetes2 does; a `site` column (1 to 4) splits the cohort into four
# simulated sites by a seeded shuffle (random.Random(1)) dealt round the sites. The diabetes column is kept but not
# used: the diagnosis is made from this very glucose test, so it would leak the label.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

SEED=1 SITES=4 python3 - "$here" <<'PY'
import csv, json, math, os, random, sys

here = sys.argv[1]
seed, sites = int(os.environ["SEED"]), int(os.environ["SITES"])
with open(os.path.join(here, "data", "pima-diabetes.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
assert len(rows) == 768
columns = ["pregnant", "glucose", "pressure", "triceps", "insulin", "mass", "pedigree", "age", "diabetes"]
for r in rows:
    for c in ("glucose", "pressure", "triceps", "insulin", "mass"):
        if float(r[c]) == 0:
            r[c] = "NA"

order = list(range(len(rows)))
random.Random(seed).shuffle(order)
site_of = [0] * len(rows)
for k, i in enumerate(order):
    site_of[i] = k % sites + 1

with open(os.path.join(here, "data", "pima-glucose-4-sites.csv"), "w", newline="") as out:
    out.write(",".join(columns + ["site"]) + "\n")
    for r, site in zip(rows, site_of):
        out.write(",".join([r[c] for c in columns] + [str(site)]) + "\n")

def four_digits(x):
    return float(f"{x:.4g}")

def measured(c):
    return [float(r[c]) for r in rows if r[c] != "NA"]

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2

def stats(xs):
    mean = sum(xs) / len(xs)
    return four_digits(mean), four_digits(math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs)))

features = []
for c in ("pregnant", "pressure", "triceps", "insulin", "mass", "pedigree", "age"):
    xs = measured(c)
    fill = median(xs)
    log = c in ("insulin", "pedigree")
    values = [math.log1p(x) for x in xs] if log else xs
    center, scale = stats(values + ([math.log1p(fill) if log else fill] * (len(rows) - len(xs))))
    f = {"name": c, "column": c, "center": center, "scale": scale}
    if len(xs) < len(rows):
        f["missing"] = fill
    if log:
        f["log1p"] = True
    features.append(f)
    if c in ("triceps", "insulin"):
        share = (len(rows) - len(xs)) / len(rows)
        features.append({"name": f"{c}_missing", "column": c, "missingIndicator": True,
                         "center": four_digits(share), "scale": four_digits(math.sqrt(share * (1 - share)))})
center, scale = stats(measured("glucose"))
schema = {
    "name": "pima-glucose",
    "columns": [{"name": c, "type": "number"} for c in columns[:-1]],
    "features": features,
    "label": {"kind": "regression", "column": "glucose", "center": center, "scale": scale},
    "subgroups": [{"name": "age band", "column": "age", "bands": [30, 50]}],
}
with open(os.path.join(here, "schema.pima-glucose.json"), "w") as out:
    out.write(json.dumps(schema, indent=2) + "\n")

print("site  rows  glucose measured  mean glucose")
for k in range(1, sites + 1):
    g = [float(r["glucose"]) for r, s in zip(rows, site_of) if s == k and r["glucose"] != "NA"]
    print(f"{k:>4}  {sum(1 for s in site_of if s == k):>4}  {len(g):>16}  {sum(g) / len(g):>12.1f}")
PY
