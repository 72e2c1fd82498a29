#!/usr/bin/env bash
# The latent-feature applications on one dataset, end to end, as recorded in docs/FEATURES.md:
# pipeline (train -> encode -> export with a t-SNE map), PCA baseline of the same dimension, evaluation
# (kNN + linear probe, AE vs PCA), imputation of masked pixels, and one-class anomaly detection (a model
# trained on one label only, scored on the test split, AUROC) for each NORMAL label given.
#   submit/features-report.sh CONFIG OUT [NORMAL_LABEL...]
#   e.g. submit/features-report.sh conf/mnist-dense.conf out/mnist-features 0 1 7
# Every step's JSON line is collected in OUT/report.jsonl (one line per step, prefixed by the step name).
set -euo pipefail
CONF=${1:?usage: features-report.sh CONFIG OUT [NORMAL_LABEL...]}
OUT=${2:?usage: features-report.sh CONFIG OUT [NORMAL_LABEL...]}
shift 2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$OUT"
: > "$OUT/report.jsonl"
step() { # step NAME ARGS... : runs local.sh ARGS, echoes its output to stderr, keeps its last line as NAME's JSON
  local name=$1; shift
  local start=$SECONDS
  local log
  log=$("$HERE/local.sh" "$@")
  echo "$log" >&2
  echo "$name $((SECONDS - start))s $(echo "$log" | tail -1)" >> "$OUT/report.jsonl"
}
step pipeline pipeline --config "$CONF" --out "$OUT" --overwrite --set export.tsne.sampleSize=10000
step pca pca --config "$CONF" --out "$OUT" --overwrite
step evaluate evaluate --config "$CONF" --out "$OUT" --overwrite
step impute impute --config "$CONF" --out "$OUT" --overwrite
for label in "$@"; do
  step "oneclass-$label-train" train --config "$CONF" --out "$OUT/oneclass-$label" --overwrite --set "train.labels=[\"$label\"]"
  step "oneclass-$label-encode" encode --config "$CONF" --out "$OUT/oneclass-$label" --overwrite
  step "oneclass-$label-anomaly" anomaly --config "$CONF" --out "$OUT/oneclass-$label" --overwrite \
    --set "anomaly.normalLabels=[\"$label\"]"
done
echo "== summary in $OUT/report.jsonl" >&2
cat "$OUT/report.jsonl"
