# Shared by the submit/ scripts: JDK 17 module flags Spark and ND4J need, and ND4J off-heap settings.
# shellcheck shell=bash
LS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LS_VERSION="0.1.0-SNAPSHOT"
LS_APP_JAR="${LS_APP_JAR:-$LS_ROOT/jobs/target/latentspark-jobs-$LS_VERSION-app.jar}"
LS_MAIN=io.latentspark.jobs.LatentSparkCli

LS_JDK_FLAGS="-XX:+IgnoreUnrecognizedVMOptions \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
--add-exports=java.base/sun.nio.ch=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

# ND4J allocates outside the Java heap: cap it, and unpack its natives once into a stable cache.
LS_ND4J_FLAGS="-Dorg.bytedeco.javacpp.maxbytes=${LS_OFFHEAP:-6G} -Dorg.bytedeco.javacpp.maxphysicalbytes=${LS_MAXPHYSICAL:-12G} \
-Dorg.bytedeco.javacpp.cachedir=${LS_JAVACPP_CACHE:-$HOME/.javacpp/cache}"
