#!/usr/bin/env bash
# LatentSpark and PyTorch on the same CPU, same network, one after the other in one run, compared per core.
# PyTorch's 2-core figure is two 1-thread processes side by side (what data-parallel PyTorch runs; one process with
# 2 threads is slower here), each at the per-worker batch.
#   bench/compare-pytorch.sh [EPOCHS] [dense|conv]
#     dense (default, 5 epochs): conf/mnist-bench.conf's 784-256-64-32 autoencoder on the 60,000 training images
#     conv: conf/mnist-conv.conf's network on the first LS_CONV_IMAGES (default 10000) training images
#   Needs ../shared/datasets/mnist and Debian's PyTorch with OpenBLAS: apt-get install python3-torch
#   libopenblas0-pthread (without the second, torch runs on the reference BLAS, 15x slower).
# PyTorch runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (in its commands only): the machine sets them for
# ND4J's older OpenBLAS, and they slow a current one. LatentSpark runs with the machine's settings.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-5}"
model="${2:-dense}"
data="${LS_MNIST:-../shared/datasets/mnist}"
[[ -d "$data" ]] || { echo "MNIST folder $data is absent (set LS_MNIST)" >&2; exit 2; }
py="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3"
$py -c "import torch" 2>/dev/null || { echo "python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)" >&2; exit 2; }
# the BLAS torch loads is Debian's libblas.so.3 alternative: the reference one would make PyTorch's figures ~15x too low
blas=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || true)
[[ "$blas" == *openblas* ]] || { echo "libblas.so.3 is ${blas:-not set}, not OpenBLAS: PyTorch would run on the reference BLAS (apt-get install libopenblas0-pthread)" >&2; exit 2; }

case "$model" in
  dense) config=conf/mnist-bench.conf; torch=(bench/torch_dense.py "$data" "$epochs" 1 128); limit=() ;;
  conv) n="${LS_CONV_IMAGES:-10000}"; config=conf/mnist-conv.conf; torch=(bench/torch_conv.py "$data" "$epochs" 1 128 "$n")
    limit=(--set "data.limitPerSplit=$n") ;;
  *) echo "unknown model '$model': dense or conv" >&2; exit 2 ;;
esac
# bench's own table goes to stderr too; its last line (JSON) is kept for the comparison
ls_json=$(submit/local.sh bench --config "$config" --set "train.epochs=$epochs" --set "data.path=$data" "${limit[@]}" | tee /dev/stderr | tail -1)
one=$($py "${torch[@]}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$py "${torch[@]}" > "$tmp/a.json" &
$py "${torch[@]}" > "$tmp/b.json" &
wait
$py - "$ls_json" "$one" "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
ls, one = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pair = [json.load(open(p)) for p in sys.argv[3:5]]
two = sum(p["train_examples_per_s"] for p in pair)
w = ls["spark_workers"]
rows = [
    ("training examples/s, 2 cores", ls["spark_examples_per_s"], two),
    ("training examples/s per core", ls["spark_examples_per_s"] / w, two / 2),
    ("training examples/s, 1 core, one process", ls["iteration_ms_1thread"] and 1000 * ls["spark_batch_per_worker"] / ls["iteration_ms_1thread"], one["train_examples_per_s"]),
    ("test MSE after %d epochs" % ls["epochs"], ls["spark_val_mse"], one["test_mse"]),
    ("encoding rows/s (LatentSpark: Spark, in memory; PyTorch: encoder forward, 1 core)", ls["spark_encode_per_s"], one["encode_rows_per_s"]),
]
print("%-84s %12s %12s %8s" % ("", "LatentSpark", "PyTorch " + one["torch"], "LS/PT"))
for name, a, b in rows:
    print("%-84s %12.5g %12.5g %8.2f" % (name, a, b, a / b))
print("(LatentSpark's 1-core row is bench's one-iteration probe on one in-memory minibatch; PyTorch's its whole epochs.)")
PY
