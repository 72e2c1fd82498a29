#!/usr/bin/env bash
# Label efficiency of pretraining (docs/APPLICATIONS.md). For each number N of labelled training images, the test
# accuracy of: a logistic-regression probe on the pretrained autoencoder's codes (evaluate, evaluate.trainLimit = N);
# the pretrained encoder fine-tuned with a softmax head (finetune: head alone, then all layers); and the same network
# trained from scratch on the same N images (finetune.init = scratch, all layers for as many epochs). All three use
# the same N images (the first N train rows in the seeded hash order of their ids).
#   bench/label-efficiency.sh CONFIG OUT [N...]        (default N: 100 1000 10000 60000)
#   e.g. bench/label-efficiency.sh conf/mnist-dense.conf out/labels-mnist
# Trains and encodes CONFIG's autoencoder into OUT/pretrained first, unless OUT/pretrained/model exists.
# Prints one table row per N and keeps every step's JSON line in OUT/label-efficiency.jsonl.
set -euo pipefail
CONF=${1:?usage: label-efficiency.sh CONFIG OUT [N...]}
OUT=${2:?usage: label-efficiency.sh CONFIG OUT [N...]}
shift 2
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(100 1000 10000 60000)
SUBMIT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../submit" && pwd)"
mkdir -p "$OUT"
: > "$OUT/label-efficiency.jsonl"
last() { "$SUBMIT/local.sh" "$@" | tail -1; }
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }
if [ ! -d "$OUT/pretrained/model" ]; then
  "$SUBMIT/local.sh" train --config "$CONF" --out "$OUT/pretrained" >&2
fi
if [ ! -d "$OUT/pretrained/features" ]; then
  "$SUBMIT/local.sh" encode --config "$CONF" --out "$OUT/pretrained" >&2
fi
printf '| labels | epochs (head + all) | batch per worker | linear probe on codes | fine-tuned encoder | same network from scratch |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for n in "${NS[@]}"; do
  # fewer labels: smaller minibatches and more epochs, so that every setting takes a few hundred steps per phase
  if [ "$n" -le 100 ]; then h=50; b=16; elif [ "$n" -le 1000 ]; then h=20; b=32; elif [ "$n" -le 10000 ]; then h=5; b=64; else h=3; b=128; fi
  common=(--set "finetune.labels=$n" --set "finetune.headEpochs=$h" --set "finetune.epochs=$h" --set "train.batchSizePerWorker=$b")
  probe=$(last evaluate --config "$CONF" --out "$OUT/pretrained" --overwrite --set "evaluate.trainLimit=$n")
  tuned=$(last finetune --config "$CONF" --out "$OUT/finetune-$n" --model "$OUT/pretrained/model" --overwrite "${common[@]}")
  scratch=$(last finetune --config "$CONF" --out "$OUT/scratch-$n" --overwrite "${common[@]}" --set finetune.init=scratch)
  printf 'probe-%s %s\nfinetune-%s %s\nscratch-%s %s\n' "$n" "$probe" "$n" "$tuned" "$n" "$scratch" >> "$OUT/label-efficiency.jsonl"
  printf '| %s | %s + %s | %s | %.4f | %.4f | %.4f |\n' "$n" "$h" "$h" "$b" "$(field "$probe" "d['autoencoder']['linear_probe_accuracy']")" \
    "$(field "$tuned" "d['accuracy']")" "$(field "$scratch" "d['accuracy']")"
done
