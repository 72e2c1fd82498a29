# Shared by standalone.sh, yarn.sh and k8s.sh: sizes executor memory with `latentspark plan`, then builds the
# spark-submit arguments every cluster run needs. Environment:
#   LS_EXECUTOR_CORES (2), LS_EXECUTOR_MEMORY (4g), LS_NUM_EXECUTORS (unset: the cluster manager decides),
#   SPARK_HOME (its bin/spark-submit is used; without bin/, SparkSubmit is run from $SPARK_HOME/jars),
#   LS_DRY_RUN=1 (print the spark-submit arguments, one per line, instead of submitting).
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${SPARK_HOME:?set SPARK_HOME to the Spark 3.5 (Scala 2.12) installation to submit with}"
LS_EXECUTOR_CORES=${LS_EXECUTOR_CORES:-2}
LS_EXECUTOR_MEMORY=${LS_EXECUTOR_MEMORY:-4g}
if [[ ! -f "$LS_APP_JAR" ]]; then
  echo "Building LatentSpark ..." >&2
  (cd "$LS_ROOT" && mvn -B -q -DskipTests package >&2)
fi

# ls_submit_args ARGS...: sets LS_SUBMIT (array) from the application's own --config/--set arguments.
ls_submit_args() {
  local plan_args=() a
  while (($#)); do
    a=$1; shift
    if [[ $a == --config || $a == --set ]] && (($#)); then plan_args+=("$a" "$1"); shift; fi
  done
  local vars
  vars=$(java -cp "$LS_APP_JAR:$SPARK_HOME/jars/*" "$LS_MAIN" plan "${plan_args[@]}" \
    --executor-cores "$LS_EXECUTOR_CORES" --executor-memory "$LS_EXECUTOR_MEMORY") || return 1
  # only the three NAME=number lines plan prints
  eval "$(grep -E '^LS_(EXECUTOR_MEMORY_OVERHEAD|OFFHEAP|MAXPHYSICAL)=[0-9]+m?$' <<<"$vars")"
  local caps="-Dorg.bytedeco.javacpp.maxbytes=$LS_OFFHEAP -Dorg.bytedeco.javacpp.maxphysicalbytes=$LS_MAXPHYSICAL"
  LS_SUBMIT=(--class "$LS_MAIN"
    --conf "spark.driver.extraJavaOptions=$LS_JDK_FLAGS $LS_ND4J_FLAGS"
    --conf "spark.executor.extraJavaOptions=$LS_JDK_FLAGS $caps"
    --conf "spark.executor.cores=$LS_EXECUTOR_CORES"
    --conf "spark.executor.memory=$LS_EXECUTOR_MEMORY"
    --conf "spark.executor.memoryOverhead=$LS_EXECUTOR_MEMORY_OVERHEAD"
    --conf "spark.executorEnv.OMP_NUM_THREADS=1"
    --conf "spark.serializer=org.apache.spark.serializer.KryoSerializer"
    --conf "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator")
  [[ -n ${LS_NUM_EXECUTORS:-} ]] && LS_SUBMIT+=(--num-executors "$LS_NUM_EXECUTORS")
  return 0
}

ls_spark_submit() {
  if [[ -n ${LS_DRY_RUN:-} ]]; then
    # render only (LS_DRY_RUN=1): print the spark-submit arguments one per line and submit nothing
    printf '%s\n' "$@"
    exit 0
  fi
  if [[ -x "$SPARK_HOME/bin/spark-submit" ]]; then
    exec "$SPARK_HOME/bin/spark-submit" "$@"
  fi
  # a SPARK_HOME with only jars/ (as the tests build): run SparkSubmit directly; it needs the JDK flags itself
  # shellcheck disable=SC2086
  exec java $LS_JDK_FLAGS $LS_ND4J_FLAGS -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit "$@"
}
