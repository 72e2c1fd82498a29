#!/usr/bin/env bash
# Runs the latentspark CLI on embedded Spark (local mode) in one JVM, without a Spark installation.
#   submit/local.sh SUBCOMMAND [options]        e.g. submit/local.sh pipeline --config conf/demo.conf --out out/demo
# Environment: LS_MASTER (default local[*]), LS_DRIVER_MEMORY (default 6g), LS_OFFHEAP (ND4J off-heap cap, 6G),
# LS_JAVA_OPTS (more JVM options, e.g. -Dspark.hadoop.fs.s3a.endpoint=... for Hadoop/Spark settings).
# Builds the project first if the application jar is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$LS_ROOT"
if [[ ! -f "$LS_APP_JAR" || ! -f jobs/target/spark-classpath.txt ]]; then
  echo "Building LatentSpark (first run) ..." >&2
  mvn -B -q -DskipTests package >&2
fi
# One BLAS/OpenMP thread per Spark task: local[N] runs N tasks at once, more threads would oversubscribe the cores.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java -Xmx"${LS_DRIVER_MEMORY:-6g}" $LS_JDK_FLAGS $LS_ND4J_FLAGS ${LS_JAVA_OPTS:-} \
  -Dspark.master="${LS_MASTER:-local[*]}" \
  -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 \
  -Dspark.ui.enabled="${LS_UI:-false}" -Dspark.ui.showConsoleProgress=false \
  -Dspark.sql.shuffle.partitions="${LS_SHUFFLE_PARTITIONS:-8}" \
  -Dlog4j2.configurationFile="$LS_ROOT/conf/log4j2.properties" \
  -cp "$LS_APP_JAR:$(cat jobs/target/spark-classpath.txt)" \
  "$LS_MAIN" "$@"
