#!/usr/bin/env bash
# The train command timed on two builds side by side, the builds alternated ROUNDS times: where a training run's
# wall time goes, from Spark's own job log - epochs (training only, as the epoch lines report them), the per-epoch
# loss measurement (the jobs "collect at PartitionSums"), the minibatch preparation, the whole command.
#   bench/train-builds.sh BASE_APP_JAR [ROUNDS] [CONFIG] [--set key=value ...]
#     BASE_APP_JAR: another build's jobs/target/latentspark-jobs-*-app.jar (e.g. built in a git worktree of an older
#     commit); CONFIG: conf/mnist-bench.conf (default; its data is ../shared/datasets/mnist)
# local[2], one JVM per run; the build in this checkout runs second in each round. Prints one line per run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
cd "$LS_ROOT"
base="$1"; rounds="${2:-2}"; config="${3:-conf/mnist-bench.conf}"; shift $(( $# < 3 ? $# : 3 ))
sets=()
while [[ $# -gt 0 ]]; do [[ "$1" == --set ]] && { sets+=(--set "$2"); shift 2; } || { echo "unknown argument $1" >&2; exit 2; }; done
[[ -f "$base" ]] || { echo "base jar $base is absent" >&2; exit 2; }
[[ -f "$LS_APP_JAR" ]] || mvn -B -q -DskipTests package >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the project's console logging with milliseconds, plus the scheduler's job lines
sed 's/%d{HH:mm:ss}/%d{HH:mm:ss.SSS}/' conf/log4j2.properties > "$tmp/log4j2.properties"
printf 'logger.dag.name = org.apache.spark.scheduler.DAGScheduler\nlogger.dag.level = info\n' >> "$tmp/log4j2.properties"
export OMP_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1
for round in $(seq 1 "$rounds"); do
  for jar in "$base" "$LS_APP_JAR"; do
    rm -rf "$tmp/out"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    java -Xmx"${LS_DRIVER_MEMORY:-6g}" $LS_JDK_FLAGS $LS_ND4J_FLAGS -Dspark.master=local[2] \
      -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false \
      -Dspark.ui.showConsoleProgress=false -Dspark.sql.shuffle.partitions=8 -Dlog4j2.configurationFile="$tmp/log4j2.properties" \
      -cp "$jar:$(cat jobs/target/spark-classpath.txt)" "$LS_MAIN" train --config "$config" --out "$tmp/out" "${sets[@]}" \
      > "$tmp/log" 2>&1 || { tail -20 "$tmp/log" >&2; exit 1; }
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    python3 - "$tmp/log" "$round" "$jar" "$wall" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
def took(pattern):
    return [float(m.group(1)) for l in lines for m in [re.search(pattern + r'.*took ([\d.]+) s', l)] if m]
loss = took(r'Job \d+ finished: collect at PartitionSums')
epochs = [float(m.group(1)) for l in lines for m in [re.search(r'INFO SparkTrainer: epoch \d+/\d+\s+([\d.]+) s', l)] if m]
prep = [float(m.group(1)) for l in lines for m in [re.search(r'cached in \d+ partitions in ([\d.]+) s', l)] if m]
done = [l for l in lines if l.startswith('trained ')]
print('round %s %s: command %.1f s, epochs %.1f s (%s), loss measurement %.2f s in %d jobs, minibatch preparation %.1f s; %s' % (
    sys.argv[2], sys.argv[3], float(sys.argv[4]), sum(epochs), ' '.join('%.1f' % e for e in epochs), sum(loss), len(loss),
    sum(prep), done[0].split(';')[0] if done else 'no result'))
PY
  done
done
