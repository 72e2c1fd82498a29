#!/usr/bin/env bash
# Runs the latentspark CLI on a Spark standalone cluster (client mode: the driver runs here).
#   submit/standalone.sh spark://HOST:7077 SUBCOMMAND [options]
# e.g. LS_EXECUTOR_CORES=4 LS_EXECUTOR_MEMORY=8g submit/standalone.sh spark://master:7077 pipeline \
#        --config conf/mnist-dense.conf --set data.path=hdfs:///data/mnist --out hdfs:///runs/mnist
# Memory overhead and ND4J off-heap caps come from `latentspark plan` (its reasoning is printed first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
[[ $# -ge 2 ]] || { echo "usage: $0 spark://HOST:PORT SUBCOMMAND [options]" >&2; exit 2; }
master=$1; shift
ls_submit_args "$@"
ls_spark_submit --master "$master" --deploy-mode client "${LS_SUBMIT[@]}" "$LS_APP_JAR" "$@"
