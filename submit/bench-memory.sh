#!/usr/bin/env bash
# Memory benchmark for streaming image loading + encoding: generates synthetic PNG image folders of two sizes,
# trains a small model once, then encodes each folder in a fresh JVM with the same fixed heap (-Xmx) and
# data.cache = none, and prints the peak memory each run reported. Flat figures across sizes mean memory
# per executor does not grow with the dataset.
#   submit/bench-memory.sh [SMALL [LARGE [WORKDIR]]]      defaults: 50000 200000 /tmp/latentspark-bench-memory
set -euo pipefail
SMALL=${1:-50000}
LARGE=${2:-200000}
WORK=${3:-/tmp/latentspark-bench-memory}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$WORK"
export LS_DRIVER_MEMORY=${LS_DRIVER_MEMORY:-1g}
COMMON=(--set data.format=image-folder --set data.cache=none --set data.height=28 --set data.width=28)
for n in "$SMALL" "$LARGE"; do
  if [[ ! -d "$WORK/images-$n" ]]; then
    echo "== generating $n PNG images in $WORK/images-$n" >&2
    "$HERE/local.sh" generate --count "$n" --out "$WORK/images-$n" >&2
  fi
done
if [[ ! -d "$WORK/model/model" ]]; then
  echo "== training a small model on the $SMALL-image folder" >&2
  "$HERE/local.sh" train "${COMMON[@]}" --set data.path="$WORK/images-$SMALL" --set data.limitPerSplit=5000 \
    --set train.epochs=2 --out "$WORK/model" >&2
fi
for n in "$SMALL" "$LARGE"; do
  echo "== encoding $n images with -Xmx$LS_DRIVER_MEMORY" >&2
  start=$(date +%s)
  out=$("$HERE/local.sh" encode "${COMMON[@]}" --set data.path="$WORK/images-$n" --model "$WORK/model/model" \
    --out "$WORK/encode-$n" --overwrite)
  echo "$out" >&2
  echo "images=$n seconds=$(( $(date +%s) - start )) $(grep '^memory' <<<"$out")"
done
