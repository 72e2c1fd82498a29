package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * submit/k8s.sh and submit/yarn.sh render their spark-submit command ({@code LS_DRY_RUN=1}: no cluster here, nothing
 * is sent anywhere), and Spark's own argument parser ({@link SparkSubmitArguments}, what spark-submit runs first)
 * accepts it: master, deploy mode, class, jar, the image and Kubernetes settings, the JDK 17 flags and ND4J's
 * off-heap caps sized by {@code latentspark plan}, the application's arguments; in YARN cluster mode the --config
 * file travels with --files and is read by its base name.
 */
class SubmitScriptsIT {
  static Path root = Path.of("..").toAbsolutePath().normalize();
  static Path sparkHome;

  @BeforeAll
  static void jarsOnlySparkHome(@TempDir Path dir) throws Exception {
    sparkHome = StandaloneCluster.sparkHome(dir, Path.of(System.getProperty("latentspark.sparkClasspath")));
  }

  /** The script's rendered spark-submit arguments. */
  static List<String> render(Map<String, String> env, String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("submit").resolve(script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("LS_APP_JAR", System.getProperty("latentspark.appJar"));
    pb.environment().put("LS_DRY_RUN", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), script + " failed: " + err);
    return out.lines().toList();
  }

  /** Spark's parse and validation of {@code args}, with SPARK_HOME and a HADOOP_CONF_DIR (YARN's rule) in its environment. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static SparkSubmitArguments parse(List<String> args) {
    scala.collection.immutable.Map env = new scala.collection.immutable.HashMap<String, String>()
        .$plus(new scala.Tuple2<>("SPARK_HOME", sparkHome.toString()))
        .$plus(new scala.Tuple2<>("HADOOP_CONF_DIR", sparkHome.resolve("conf").toString()));
    return new SparkSubmitArguments(JavaConverters.asScalaBuffer(args).toList(), env);
  }

  static String conf(SparkSubmitArguments a, String key) {
    scala.Option<String> v = a.sparkProperties().get(key);
    return v.isDefined() ? v.get() : null;
  }

  static List<String> childArgs(SparkSubmitArguments a) {
    return JavaConverters.seqAsJavaList(a.childArgs());
  }

  @Test
  void k8sRendersASubmissionSparkAccepts() throws Exception {
    List<String> rendered = render(Map.of("LS_IMAGE", "registry.example/latentspark:0.1", "LS_NAMESPACE", "ml", "LS_EXECUTOR_MEMORY", "6g"),
        "k8s.sh", "https://127.0.0.1:6443", "pipeline", "--set", "train.epochs=3", "--out", "s3a://bucket/run");
    SparkSubmitArguments a = parse(rendered);
    assertEquals("k8s://https://127.0.0.1:6443", a.master());
    assertEquals("cluster", a.deployMode());
    assertEquals(LatentSparkCli.class.getName(), a.mainClass());
    assertEquals("local:///opt/latentspark/latentspark-app.jar", a.primaryResource());
    assertEquals(List.of("pipeline", "--set", "train.epochs=3", "--out", "s3a://bucket/run"), childArgs(a));
    assertEquals("registry.example/latentspark:0.1", conf(a, "spark.kubernetes.container.image"));
    assertEquals("ml", conf(a, "spark.kubernetes.namespace"));
    assertEquals("spark", conf(a, "spark.kubernetes.authenticate.driver.serviceAccountName"));
    assertEquals("6g", conf(a, "spark.executor.memory"));
    assertTrue(conf(a, "spark.executor.memoryOverhead").matches("[0-9]+m"), conf(a, "spark.executor.memoryOverhead"));
    String executorJava = conf(a, "spark.executor.extraJavaOptions");
    assertTrue(executorJava.contains("--add-opens=java.base/java.nio=ALL-UNNAMED") && executorJava.contains("-Dorg.bytedeco.javacpp.maxbytes="),
        executorJava);
    assertEquals("1", conf(a, "spark.executorEnv.OMP_NUM_THREADS"));
  }

  @Test
  void yarnClusterModeShipsTheConfigAndClientModeReadsItInPlace() throws Exception {
    String config = root.resolve("conf/demo.conf").toString();
    SparkSubmitArguments cluster = parse(render(Map.of(), "yarn.sh", "cluster", "train", "--config", config, "--out", "hdfs:///runs/a"));
    assertEquals("yarn", cluster.master());
    assertEquals("cluster", cluster.deployMode());
    assertTrue(cluster.files().endsWith("demo.conf"), cluster.files());
    assertEquals(List.of("train", "--config", "demo.conf", "--out", "hdfs:///runs/a"), childArgs(cluster));
    assertEquals(System.getProperty("latentspark.appJar"), Path.of(java.net.URI.create(cluster.primaryResource())).toString());
    SparkSubmitArguments client = parse(render(Map.of(), "yarn.sh", "client", "train", "--config", config, "--out", "hdfs:///runs/b"));
    assertEquals("client", client.deployMode());
    assertEquals(List.of("train", "--config", config, "--out", "hdfs:///runs/b"), childArgs(client));
    assertTrue(client.files() == null, "client mode ships no files: " + client.files());
  }

  @Test
  void k8sWithoutAnImageStopsWithTheRule() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("submit/k8s.sh").toString(), "https://127.0.0.1:6443", "train");
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("LS_DRY_RUN", "1");
    pb.environment().remove("LS_IMAGE");
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes());
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertTrue(p.exitValue() != 0 && err.contains("set LS_IMAGE"), err);
    assertTrue(Files.isRegularFile(root.resolve("submit/k8s.sh")));
  }
}
