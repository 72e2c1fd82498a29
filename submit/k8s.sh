#!/usr/bin/env bash
# Runs the latentspark CLI on Kubernetes in cluster mode.
#   LS_IMAGE=registry/latentspark:0.1 submit/k8s.sh https://K8S-API:443 SUBCOMMAND [options]
# The image must hold a JDK 17 Spark 3.5 (Scala 2.12) distribution and the application jar at
# LS_IMAGE_JAR (default /opt/latentspark/latentspark-app.jar); --config files must be inside the image (or use
# --set). Outputs and data must be on shared storage (hdfs:, s3a:). Optional: LS_NAMESPACE, LS_SERVICE_ACCOUNT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
[[ $# -ge 2 ]] || { echo "usage: LS_IMAGE=... $0 https://K8S-API:PORT SUBCOMMAND [options]" >&2; exit 2; }
: "${LS_IMAGE:?set LS_IMAGE to the container image with Spark and the LatentSpark jar}"
api=$1; shift
ls_submit_args "$@"
ls_spark_submit --master "k8s://$api" --deploy-mode cluster "${LS_SUBMIT[@]}" \
  --conf "spark.kubernetes.container.image=$LS_IMAGE" \
  --conf "spark.kubernetes.namespace=${LS_NAMESPACE:-default}" \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${LS_SERVICE_ACCOUNT:-spark}" \
  --conf "spark.kubernetes.driverEnv.OMP_NUM_THREADS=1" \
  "local://${LS_IMAGE_JAR:-/opt/latentspark/latentspark-app.jar}" "$@"
