package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real YARN cluster ({@link YarnCluster}: ResourceManager, NodeManager whose containers are
 * separate JVMs, HDFS; all on 127.0.0.1), submitted by submit/yarn.sh exactly as README shows, in client and cluster
 * deploy modes, with input and output on HDFS.
 */
class YarnIT {
  @TempDir
  static Path dir;
  static YarnCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = YarnCluster.start(dir, Path.of(System.getProperty("latentspark.sparkClasspath")), 10240, 4);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Small MNIST-sized synthetic data: several averaging rounds per epoch on two executors. */
  static final String[] DATA = {"--set", "data.synthetic.trainCount=6000", "--set", "data.synthetic.testCount=1000",
      "--set", "train.workers=2", "--set", "train.batchSizePerWorker=64", "--set", "export.sampleSize=300", "--set", "export.tsne.sampleSize=0"};

  static String[] args(String subcommand, String out, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(subcommand, "--config",
        Path.of("..", "conf", "demo.conf").toAbsolutePath().normalize().toString()));
    if (out != null) {
      all.addAll(List.of("--out", out));
    }
    all.addAll(List.of(DATA));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Starts submit/yarn.sh MODE ARGS... against the test cluster (2 executors of 1 core). */
  static SparkSubmitIT.Running yarn(String mode, String... appArgs) throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("submit/yarn.sh").toString(), mode));
    cmd.addAll(List.of(appArgs));
    Path log = Files.createTempFile(dir, "yarn-" + mode + "-" + appArgs[0] + "-", ".log");
    System.out.printf("YarnIT: %s submits %s%n", java.time.LocalTime.now(), log.getFileName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", cluster.home.toString());
    pb.environment().put("HADOOP_CONF_DIR", cluster.confDir.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("LS_EXECUTOR_CORES", "1");
    pb.environment().put("LS_EXECUTOR_MEMORY", "1g");
    pb.environment().put("LS_NUM_EXECUTORS", "2");
    pb.environment().put("LS_APP_JAR", System.getProperty("latentspark.appJar"));
    return new SparkSubmitIT.Running(pb.start(), log);
  }

  static SparkSubmitIT.Result await(SparkSubmitIT.Running r) throws Exception {
    long t0 = System.nanoTime();
    SparkSubmitIT.Result res = SparkSubmitIT.await(r);
    System.out.printf("YarnIT: %s exited %d after %.0f s more%n", r.log().getFileName(), res.exit(), (System.nanoTime() - t0) / 1e9);
    return res.exit() == 0 ? res : new SparkSubmitIT.Result(res.exit(), res.log() + "\n--- container logs ---\n" + cluster.containerLogs());
  }

  static String hdfsText(String path) throws Exception {
    FileSystem fs = cluster.fs();
    try (var in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Waits until a container log (the driver's, in cluster mode) says {@code text}. */
  static void waitForContainerLog(SparkSubmitIT.Running r, String text, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      if (cluster.containerLogsContain(text) || Files.readString(r.log()).contains(text)) {
        return;
      }
      if (!r.process().isAlive()) {
        throw new AssertionError("yarn.sh exited (" + r.process().exitValue() + ") before \"" + text + "\":\n" + Files.readString(r.log())
            + "\n" + cluster.containerLogs());
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no \"" + text + "\" in " + seconds + " s:\n" + Files.readString(r.log()) + "\n" + cluster.containerLogs());
  }

  /** Client mode: preflight on every executor container, then the pipeline from an image folder on HDFS to HDFS. */
  @Test
  void clientModePipelineOnHdfs() throws Exception {
    SparkSubmitIT.Result preflight = await(yarn("client", args("preflight", null)));
    assertEquals(0, preflight.exit(), preflight.log());
    assertTrue(preflight.log().contains("2 executor(s) ready"), preflight.log());

    String images = cluster.hdfsRoot + "/data/shapes";
    SparkSubmitIT.Result gen = await(yarn("client", args("generate", images, "--count", "600")));
    assertEquals(0, gen.exit(), gen.log());
    String out = cluster.hdfsRoot + "/runs/client";
    SparkSubmitIT.Result r = await(yarn("client", args("pipeline", out, "--set", "data.format=image-folder", "--set", "data.path=" + images,
        "--set", "train.epochs=2")));
    assertEquals(0, r.exit(), r.log());
    var summary = Json.read(hdfsText(out + "/summary.json"));
    assertEquals(600, summary.get("rowsEncoded").asLong(), summary.toString());
    assertTrue(cluster.fs().exists(new org.apache.hadoop.fs.Path(out + "/features/_SUCCESS")));
    assertTrue(cluster.fs().exists(new org.apache.hadoop.fs.Path(out + "/model/network.zip")));
  }

  /**
   * MNIST's IDX files on HDFS through submit/yarn.sh. The cluster scripts set Kryo as spark.serializer, which also
   * serialises a parallelised collection's elements: the IDX source's read ranges (records, which Kryo cannot
   * serialise) failed every IDX job on a cluster at its first task ("Failed to serialize task 0").
   */
  @Test
  void idxDatasetOnHdfsTrains() throws Exception {
    Path mnist = Path.of(System.getProperty("latentspark.datasets", "../../shared/datasets"), "mnist").toAbsolutePath().normalize();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(mnist),
        "Dataset folder " + mnist + " is absent: test skipped (CI provides ../shared/datasets)");
    String launcher = Files.readString(Path.of("..", "submit", "cluster-common.sh"));
    assertTrue(launcher.contains("spark.serializer=org.apache.spark.serializer.KryoSerializer"), "the launcher still runs Kryo, which this test is about");
    String data = cluster.hdfsRoot + "/data/mnist";
    cluster.fs().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(mnist.toUri()), new org.apache.hadoop.fs.Path(data));
    String out = cluster.hdfsRoot + "/runs/idx";
    SparkSubmitIT.Result r = await(yarn("client", "train", "--config", Path.of("..", "conf", "mnist-dense.conf").toAbsolutePath().normalize().toString(),
        "--out", out, "--set", "data.path=" + data, "--set", "data.limitPerSplit=3000", "--set", "train.epochs=1", "--set", "train.workers=2"));
    assertEquals(0, r.exit(), r.log());
    var model = AutoencoderModel.load(out + "/model", cluster.hadoop());
    assertEquals(1, model.history().size());
    assertTrue(model.history().get(0).validationMse() < 0.1, "one epoch on 3,000 MNIST images: " + model.history());
  }

  /** Cluster mode (the driver in the ApplicationMaster's container): one executor container is killed mid-training, the job completes. */
  @Test
  void clusterModeSurvivesAKilledExecutorContainer() throws Exception {
    String out = cluster.hdfsRoot + "/runs/cluster";
    SparkSubmitIT.Running run = yarn("cluster", args("pipeline", out, "--set", "train.epochs=3"));
    waitForContainerLog(run, "epoch 1/3", 400);
    List<Long> executors = cluster.containers("YarnCoarseGrainedExecutorBackend");
    assertEquals(2, executors.size(), "two executor containers: " + executors);
    ProcessHandle.of(executors.get(0)).orElseThrow().destroyForcibly();
    SparkSubmitIT.Result r = await(run);
    assertEquals(0, r.exit(), r.log());
    var summary = Json.read(hdfsText(out + "/summary.json"));
    assertEquals(7000, summary.get("rowsEncoded").asLong(), summary.toString());
    var model = AutoencoderModel.load(out + "/model", cluster.hadoop());
    assertEquals(3, model.history().size());
    assertTrue(model.history().get(2).validationMse() < model.history().get(0).validationMse(), "training went on: " + model.history());
  }

  /** Cluster mode: the ApplicationMaster (and with it the driver) is killed after an epoch; train --resume finishes from the checkpoint. */
  @Test
  void killedApplicationMasterResumes() throws Exception {
    String out = cluster.hdfsRoot + "/runs/resume";
    SparkSubmitIT.Running run = yarn("cluster", args("train", out, "--set", "train.epochs=4"));
    waitForContainerLog(run, "epoch 2/4", 400);
    List<Long> am = cluster.containers("org.apache.spark.deploy.yarn.ApplicationMaster");
    assertEquals(1, am.size(), "one ApplicationMaster: " + am);
    ProcessHandle.of(am.get(0)).orElseThrow().destroyForcibly();
    SparkSubmitIT.Result killed = SparkSubmitIT.await(run);
    assertTrue(killed.exit() != 0, "the killed application failed: " + killed.log());
    assertFalse(cluster.fs().exists(new org.apache.hadoop.fs.Path(out + "/model")), "no final model from the killed run");
    String latest = io.latentspark.train.SparkTrainer.latestCheckpoint(out + "/checkpoints", cluster.hadoop());
    int done = AutoencoderModel.load(latest, cluster.hadoop()).history().size();
    assertTrue(done >= 2 && done < 4, "checkpoint after epoch " + done);

    SparkSubmitIT.Result r = await(yarn("cluster", args("train", out, "--set", "train.epochs=4", "--resume")));
    assertEquals(0, r.exit(), r.log());
    assertTrue(cluster.containerLogsContain("Resuming after epoch " + done + " of 4"), cluster.containerLogs());
    assertEquals(4, AutoencoderModel.load(out + "/model", cluster.hadoop()).history().size());
  }
}
