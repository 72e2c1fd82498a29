#!/usr/bin/env bash
# The encode command's path timed on two builds side by side: read -> encode -> Parquet, as `encode` runs it, each
# engine RUNS times after 3 warm-ups in one local[2] session per build, the builds alternated ROUNDS times.
#   bench/encode-builds.sh MODEL_DIR BASE_APP_JAR [ROUNDS] [RUNS] [ENGINES] [--set key=value ...]
#     MODEL_DIR: a trained model, e.g. from submit/local.sh train --config conf/mnist-bench.conf --set train.epochs=1
#     --out /tmp/m1 (then /tmp/m1/model); BASE_APP_JAR: another build's jobs/target/latentspark-jobs-*-app.jar
#     (e.g. built in a git worktree of an older commit); ENGINES: dl4j,onnx (default)
# Uses conf/mnist-bench.conf's data (../shared/datasets/mnist). Prints each run and the medians; the build in this
# checkout runs second in each round.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
cd "$LS_ROOT"
model="$1"; base="$2"; rounds="${3:-2}"; runs="${4:-5}"; engines="${5:-dl4j,onnx}"; shift $(( $# < 5 ? $# : 5 ))
sets=()
while [[ $# -gt 0 ]]; do [[ "$1" == --set ]] && { sets+=("$2"); shift 2; } || { echo "unknown argument $1" >&2; exit 2; }; done
[[ -f "$base" ]] || { echo "base jar $base is absent" >&2; exit 2; }
[[ -d "$model" ]] || { echo "model directory $model is absent" >&2; exit 2; }
[[ -f "$LS_APP_JAR" ]] || mvn -B -q -DskipTests package >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1
for round in $(seq 1 "$rounds"); do
  for jar in "$base" "$LS_APP_JAR"; do
    cp="$jar:$(cat jobs/target/spark-classpath.txt)"
    mkdir -p "$tmp/classes"
    javac -nowarn -cp "$cp" -d "$tmp/classes" bench/EncodeRuns.java
    echo "== round $round: $jar ($(date +%H:%M))"
    # shellcheck disable=SC2086
    java -Xmx"${LS_DRIVER_MEMORY:-6g}" $LS_JDK_FLAGS $LS_ND4J_FLAGS -Dspark.master=local[2] \
      -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false \
      -Dspark.ui.showConsoleProgress=false -Dlog4j2.configurationFile="$LS_ROOT/conf/log4j2.properties" \
      -cp "$tmp/classes:$cp" EncodeRuns conf/mnist-bench.conf "$model" 3 "$runs" "$engines" "${sets[@]}" 2>/dev/null \
      | grep -E "^RESULT|rows/s"
    rm -rf "$tmp/classes"
  done
done
