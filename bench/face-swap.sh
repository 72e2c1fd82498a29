#!/usr/bin/env bash
# Face swap over several pairs of identities (docs/APPLICATIONS.md). For each pair A,B: `swap` with
# swap.identities = [A, B] (one shared encoder, a decoder for A trained only on A's photos, one for B only on B's),
# judged on the held-out photos of both: each decoder's MSE on its own identity beside the mean training face, and
# how often the k-NN identity classifier on PCA of real photos (all labels of the dataset) assigns A-as-B to B and
# B-as-A to A (with every reference photo, and with only those the swap network never trained on).
#   bench/face-swap.sh CONFIG OUT [A,B ...]        (default pairs: s1,s2 s3,s4 s5,s6 s7,s8 s9,s10)
#   e.g. bench/face-swap.sh conf/att-swap.conf out/face-swap
# Prints one table row per pair and a total row; keeps each run's JSON line in OUT/face-swap.jsonl and its grids in OUT/A-B/swap.
set -euo pipefail
CONF=${1:?usage: face-swap.sh CONFIG OUT [A,B ...]}
OUT=${2:?usage: face-swap.sh CONFIG OUT [A,B ...]}
shift 2
PAIRS=("$@")
[ ${#PAIRS[@]} -gt 0 ] || PAIRS=(s1,s2 s3,s4 s5,s6 s7,s8 s9,s10)
SUBMIT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../submit" && pwd)"
mkdir -p "$OUT"
: > "$OUT/face-swap.jsonl"
printf '| pair | held-out photos | decoder MSE on own held-out (mean face) | A-as-B, B-as-A assigned to target | same, unseen references only | classifier on real held-out photos |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for pair in "${PAIRS[@]}"; do
  line=$("$SUBMIT/local.sh" swap --config "$CONF" --out "$OUT/${pair/,/-}" --overwrite --set "swap.identities=[$pair]" | tail -1)
  printf '%s\n' "$line" >> "$OUT/face-swap.jsonl"
  python3 - "$line" <<'PY'
import json, sys
s = json.loads(sys.argv[1])["swap"]
ids, pairs = s["identities"], s["pairs"]
f = lambda key: ", ".join("%d/%d" % (round(p[key] * p["images"]), p["images"]) for p in pairs)
print("| %s | %s | %s | %s | %s | %.2f |" % (
    ",".join(i["label"] for i in ids), " + ".join(str(i["held_out_images"]) for i in ids),
    ", ".join("%.4f (%.4f)" % (i["own_mse"], i["mean_face_mse"]) for i in ids), f("assigned_to_target"),
    f("assigned_to_target_unseen"), s["real_accuracy"]))
PY
done
python3 - "$OUT/face-swap.jsonl" <<'PY'
import json, sys
runs = [json.loads(l)["swap"] for l in open(sys.argv[1]) if l.strip()]
count = lambda key: sum(round(p[key] * p["images"]) for r in runs for p in r["pairs"])
n = sum(p["images"] for r in runs for p in r["pairs"])
better = sum(i["own_mse"] < i["mean_face_mse"] for r in runs for i in r["identities"])
ids = sum(len(r["identities"]) for r in runs)
print("| all %d pairs | %d swaps | %d of %d decoders beat the mean face | %d/%d = %.0f%% | %d/%d = %.0f%% | |" % (
    len(runs), n, better, ids, count("assigned_to_target"), n, 100.0 * count("assigned_to_target") / n,
    count("assigned_to_target_unseen"), n, 100.0 * count("assigned_to_target_unseen") / n))
PY
