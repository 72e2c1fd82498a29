#!/usr/bin/env bash
# Runs the latentspark CLI on YARN (HADOOP_CONF_DIR or YARN_CONF_DIR must point at the cluster's configuration).
#   submit/yarn.sh client|cluster SUBCOMMAND [options]
# In cluster mode the driver runs in the cluster: a --config file is shipped with --files and read from the
# container's working directory; paths in --out and data.path must be cluster paths (hdfs:, s3a:).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
[[ $# -ge 2 && ( $1 == client || $1 == cluster ) ]] || { echo "usage: $0 client|cluster SUBCOMMAND [options]" >&2; exit 2; }
mode=$1; shift
ls_submit_args "$@"
args=() files=()
while (($#)); do
  if [[ $1 == --config && $mode == cluster && $# -ge 2 ]]; then
    files+=("$2"); args+=(--config "$(basename "$2")"); shift 2
  else
    args+=("$1"); shift
  fi
done
extra=()
((${#files[@]})) && extra+=(--files "$(IFS=,; echo "${files[*]}")")
ls_spark_submit --master yarn --deploy-mode "$mode" "${LS_SUBMIT[@]}" "${extra[@]}" "$LS_APP_JAR" "${args[@]}"
