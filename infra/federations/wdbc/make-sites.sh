#!/usr/bin/env bash
# Rebuilds data/wdbc-10-sites.csv and schema.wdbc.json from scikit-learn's copy of the Wisconsin Diagnostic Breast
# Cancer data (sklearn/datasets/data/breast_cancer.csv: first line "569,30,malignant,benign", then 30 features and
# the target, 0 = malignant, 1 = benign). Both outputs are committed; this script documents how they were made and
# reproduces them byte for byte (needs python3, standard library only).
#
#   infra/federations/wdbc/make-sites.sh [path/to/breast_cancer.csv]
#
# The split: 10 simulated hospitals, non-IID by label skew. Per class, rows are shuffled with a fixed seed; every
# site first gets MIN_PER_CLASS rows of that class (so a stratified 30% test split keeps both classes in train and
# test at every site), and the rest of the class is shared out by proportions drawn from Dirichlet(ALPHA)
# (largest-remainder rounding). One seeded generator drives both classes, malignant first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_csv="${1:-}"
if [[ -z "$source_csv" ]]; then
  for candidate in /usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv /work/shared/data/wdbc-breast-cancer.csv; do
    [[ -f "$candidate" ]] && { source_csv="$candidate"; break; }
  done
fi
[[ -n "$source_csv" && -f "$source_csv" ]] || { echo "usage: $0 path/to/breast_cancer.csv (Debian: apt-get install python3-sklearn)" >&2; exit 1; }

SEED=1 ALPHA=0.5 SITES=10 MIN_PER_CLASS=8 python3 - "$source_csv" "$here" <<'PY'
import json, math, os, random, sys

source, here = sys.argv[1], sys.argv[2]
seed, alpha = int(os.environ["SEED"]), float(os.environ["ALPHA"])
sites, minimum = int(os.environ["SITES"]), int(os.environ["MIN_PER_CLASS"])

stems = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
         "concave_points", "symmetry", "fractal_dimension"]
columns = [f"{group}_{stem}" for group in ("mean", "error", "worst") for stem in stems]
classes = ["malignant", "benign"]  # target 0, 1

with open(source, newline="") as f:
    lines = [line.strip() for line in f if line.strip()]
n_rows, n_features, *names = lines[0].split(",")
assert (int(n_rows), int(n_features), names) == (569, 30, classes), f"unexpected first line: {lines[0]}"
rows = [line.split(",") for line in lines[1:]]
assert len(rows) == 569 and all(len(r) == 31 for r in rows)

rng = random.Random(seed)
site_of = [0] * len(rows)
for target in (0, 1):
    members = [i for i, r in enumerate(rows) if int(r[30]) == target]
    rng.shuffle(members)
    rest = len(members) - minimum * sites
    assert rest >= 0
    draws = [rng.gammavariate(alpha, 1.0) for _ in range(sites)]
    shares = [d / sum(draws) * rest for d in draws]
    counts = [math.floor(s) for s in shares]
    for k in sorted(range(sites), key=lambda k: shares[k] - counts[k], reverse=True)[: rest - sum(counts)]:
        counts[k] += 1
    start = 0
    for k in range(sites):
        take = minimum + counts[k]
        for i in members[start:start + take]:
            site_of[i] = k + 1
        start += take
    assert start == len(members)

with open(os.path.join(here, "data", "wdbc-10-sites.csv"), "w", newline="") as out:
    out.write(",".join(columns + ["diagnosis", "site"]) + "\n")
    for r, site in zip(rows, site_of):
        out.write(",".join(r[:30] + [classes[int(r[30])], str(site)]) + "\n")

def four_digits(x):
    return float(f"{x:.4g}")

features = []
for j, name in enumerate(columns):
    values = [float(r[j]) for r in rows]
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))  # population SD over all 569 rows
    features.append({"name": name, "column": name, "center": four_digits(mean), "scale": four_digits(sd)})
schema = {
    "name": "wdbc-diagnosis",
    "columns": [{"name": c, "type": "number"} for c in columns] + [{"name": "diagnosis", "type": "category"}],
    "features": features,
    "label": {"kind": "binary", "column": "diagnosis", "positive": ["malignant"]},
}
with open(os.path.join(here, "schema.wdbc.json"), "w") as out:
    out.write(json.dumps(schema, indent=2) + "\n")

print("site  rows  malignant  benign  malignant share")
for k in range(1, sites + 1):
    m = sum(1 for r, s in zip(rows, site_of) if s == k and int(r[30]) == 0)
    b = sum(1 for r, s in zip(rows, site_of) if s == k and int(r[30]) == 1)
    print(f"{k:>4}  {m + b:>4}  {m:>9}  {b:>6}  {m / (m + b):.2f}")
PY
