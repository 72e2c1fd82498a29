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

  @Test
  void shadedJarRunsThePipelineUnderSparkSubmit(@TempDir Path dir) throws Exception {
    String appJar = System.getProperty("latentspark.appJar");
    Path sparkCp = Path.of(System.getProperty("latentspark.sparkClasspath"));
    assertTrue(new File(appJar).isFile(), "application jar " + appJar + " is built by mvn package");
    Path out = dir.resolve("run");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(List.of(System.getProperty("latentspark.jvmFlags").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", Files.readString(sparkCp).trim(), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--class", LatentSparkCli.class.getName(),
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        appJar, "pipeline", "--config", Path.of("..", "conf", "demo.conf").toAbsolutePath().normalize().toString(),
        "--set", "data.synthetic.trainCount=1000", "--set", "data.synthetic.testCount=200", "--set", "train.epochs=2",
        "--set", "export.sampleSize=300", "--out", out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "spark-submit finished in time");
    String log = Files.readString(dir.resolve("log.txt"));
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("pipeline finished"), log);
    JsonNode summary = Json.read(Files.readString(out.resolve("summary.json")));
    assertEquals(1200, summary.get("rowsEncoded").asLong());
    assertEquals(2, summary.get("epochs").asInt());
    assertTrue(Files.readAllLines(out.resolve("export/vectors.tsv")).size() >= 290);
    assertTrue(Files.exists(out.resolve("model/network.zip")));
  }
}
