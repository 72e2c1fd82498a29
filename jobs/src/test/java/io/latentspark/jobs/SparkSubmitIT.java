package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.util.Json;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded application jar run by Spark's own SparkSubmit in a separate JVM (client mode, local[2]), with
 * only Spark's jars besides it on the classpath: what {@code spark-submit --class ...} does on a cluster's
 * edge node.
 */
class SparkSubmitIT {

  record Result(int exit, String log) {}

  /** Runs SparkSubmit (client mode, local[2]) on the application jar in a new JVM with {@code jvmExtra} options. */
  static Result submit(Path dir, List<String> jvmExtra, String... appArgs) throws Exception {
    return submit(dir, jvmExtra, List.of("--master", "local[2]"), appArgs);
  }

  /** Runs SparkSubmit (client mode) with {@code submitConf} (master and --conf options) in a new JVM. */
  static Result submit(Path dir, List<String> jvmExtra, List<String> submitConf, String... appArgs) throws Exception {
    return await(start(dir, jvmExtra, submitConf, appArgs));
  }

  /** A running SparkSubmit JVM and its log file. */
  record Running(Process process, Path log) {}

  static Result await(Running r) throws Exception {
    assertTrue(r.process().waitFor(10, TimeUnit.MINUTES), "spark-submit finished in time");
    return new Result(r.process().exitValue(), Files.readString(r.log()));
  }

  /** Starts SparkSubmit (client mode) with {@code submitConf} in a new JVM without waiting for it. */
  static Running start(Path dir, List<String> jvmExtra, List<String> submitConf, String... appArgs) throws Exception {
    String appJar = System.getProperty("latentspark.appJar");
    Path sparkCp = Path.of(System.getProperty("latentspark.sparkClasspath"));
    assertTrue(new File(appJar).isFile(), "application jar " + appJar + " is built by mvn package");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(List.of(System.getProperty("latentspark.jvmFlags").trim().split("\\s+")));
    cmd.addAll(jvmExtra);
    cmd.addAll(List.of("-cp", Files.readString(sparkCp).trim(), "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(submitConf);
    cmd.addAll(List.of("--class", LatentSparkCli.class.getName(),
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        appJar));
    cmd.addAll(List.of(appArgs));
    Path log = Files.createTempFile(dir, "submit", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new Running(pb.start(), log);
  }

  @Test
  void shadedJarRunsThePipelineUnderSparkSubmit(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Result r = submit(dir, List.of(), "pipeline", "--config", Path.of("..", "conf", "demo.conf").toAbsolutePath().normalize().toString(),
        "--set", "data.synthetic.trainCount=1000", "--set", "data.synthetic.testCount=200", "--set", "train.epochs=2",
        "--set", "export.sampleSize=300", "--out", out.toString());
    assertEquals(0, r.exit(), r.log());
    assertTrue(r.log().contains("pipeline finished"), r.log());
    JsonNode summary = Json.read(Files.readString(out.resolve("summary.json")));
    assertEquals(1200, summary.get("rowsEncoded").asLong());
    assertEquals(2, summary.get("epochs").asInt());
    assertTrue(Files.readAllLines(out.resolve("export/vectors.tsv")).size() >= 290);
    assertTrue(Files.exists(out.resolve("model/network.zip")));
  }

  /** With the native libraries made unloadable (javacpp told to load another platform's), preflight fails and says why. */
  @Test
  void preflightFailsClearlyWhenTheNativeBackendCannotLoad(@TempDir Path dir) throws Exception {
    Result ok = submit(dir, List.of(), "preflight", "--out", dir.resolve("x").toString());
    assertEquals(0, ok.exit(), ok.log());
    assertTrue(ok.log().contains("CpuBackend") && ok.log().contains("executor(s) ready"), ok.log());

    Result broken = submit(dir, List.of("-Dorg.bytedeco.javacpp.platform=linux-arm64"), "preflight", "--out", dir.resolve("y").toString());
    assertEquals(1, broken.exit(), broken.log());
    assertTrue(broken.log().contains("error: 1 of 1 executor(s) cannot run LatentSpark: executor driver on 127.0.0.1: "
        + "the ND4J native backend cannot be loaded"), broken.log());
    assertTrue(broken.log().contains("UnsatisfiedLinkError"), broken.log());
  }
}
