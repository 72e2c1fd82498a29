package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application jar on a real standalone cluster (Master + 2 Workers, separate JVMs, 127.0.0.1). */
class StandaloneClusterIT {
  @TempDir
  static Path dir;
  static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = StandaloneCluster.start(dir, Path.of(System.getProperty("latentspark.sparkClasspath")), 2, 1, "3g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Executor settings a user passes with spark-submit (submit/common.sh has the same flags). */
  static List<String> clusterConf() {
    String flags = System.getProperty("latentspark.jvmFlags").trim();
    return List.of("--master", cluster.masterUrl(), "--conf", "spark.executor.memory=1500m", "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.extraJavaOptions=" + flags, "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1");
  }

  /** MNIST-sized synthetic images (28x28), big enough that training takes several averaging rounds per epoch. */
  static final String[] DATA = {"--set", "data.synthetic.trainCount=12000", "--set", "data.synthetic.testCount=1000",
      "--set", "train.workers=2", "--set", "train.batchSizePerWorker=64", "--set", "export.sampleSize=500"};

  /** Starts submit/standalone.sh (the user's launcher) against the test cluster; SPARK_HOME is the test's jars-only layout. */
  static SparkSubmitIT.Running script(String... appArgs) throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("submit/standalone.sh").toString(), cluster.masterUrl()));
    cmd.addAll(List.of(appArgs));
    Path log = java.nio.file.Files.createTempFile(dir, "script", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", cluster.home.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("LS_EXECUTOR_CORES", "1");
    pb.environment().put("LS_EXECUTOR_MEMORY", "1500m");
    pb.environment().put("LS_APP_JAR", System.getProperty("latentspark.appJar"));
    return new SparkSubmitIT.Running(pb.start(), log);
  }

  static String[] args(String subcommand, String out, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(subcommand, "--config",
        Path.of("..", "conf", "demo.conf").toAbsolutePath().normalize().toString(), "--out", out));
    all.addAll(List.of(DATA));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  static void waitForLog(SparkSubmitIT.Running r, String text, int seconds) throws Exception {
    cluster.waitFor(seconds, () -> {
      String log = java.nio.file.Files.readString(r.log());
      if (!r.process().isAlive() && !log.contains(text)) {
        throw new AssertionError("spark-submit exited (" + r.process().exitValue() + ") before \"" + text + "\":\n" + log);
      }
      return log.contains(text);
    }, "\"" + text + "\" in " + r.log());
  }

  /** Trains and encodes across both workers; one executor JVM is killed (-9) during training and Spark's retries finish the job. */
  @Test
  void pipelineSurvivesAKilledExecutor() throws Exception {
    String out = dir.resolve("pipeline").toString();
    SparkSubmitIT.Running run = script(args("pipeline", out, "--set", "train.epochs=3"));
    waitForLog(run, "epoch 1/3", 300);
    List<Long> executors = cluster.executorPids();
    assertEquals(2, executors.size(), "one executor per worker: " + executors);
    ProcessHandle.of(executors.get(0)).orElseThrow().destroyForcibly();
    SparkSubmitIT.Result r = SparkSubmitIT.await(run);
    assertEquals(0, r.exit(), r.log());
    var summary = io.latentspark.util.Json.read(java.nio.file.Files.readString(Path.of(out, "summary.json")));
    assertEquals(13000, summary.get("rowsEncoded").asLong());
    var model = io.latentspark.model.AutoencoderModel.load(Path.of(out, "model").toString(), new org.apache.hadoop.conf.Configuration());
    var h = model.history();
    assertEquals(3, h.size());
    assertTrue(h.get(2).validationMse() < 0.9 * h.get(0).validationMse(), "training kept improving after the kill: " + h);
    for (int w = 0; w < 2; w++) {
      try (var apps = java.nio.file.Files.list(dir.resolve("worker-" + w))) {
        assertTrue(apps.anyMatch(a -> a.getFileName().toString().startsWith("app-")), "worker " + w + " ran executors");
      }
    }
  }

  /** The driver is killed after two epochs; train --resume finishes from the last checkpoint. */
  @Test
  void killedDriverResumesFromTheLastCheckpoint() throws Exception {
    String out = dir.resolve("resume").toString();
    SparkSubmitIT.Running run = SparkSubmitIT.start(dir, List.of(), clusterConf(), args("train", out, "--set", "train.epochs=4"));
    waitForLog(run, "epoch 2/4", 300);
    run.process().destroyForcibly();
    run.process().waitFor();
    var conf = new org.apache.hadoop.conf.Configuration();
    String latest = io.latentspark.train.SparkTrainer.latestCheckpoint(Path.of(out, "checkpoints").toString(), conf);
    int done = io.latentspark.model.AutoencoderModel.load(latest, conf).history().size();
    assertTrue(done >= 2 && done < 4, "checkpoint after epoch " + done);
    assertTrue(!java.nio.file.Files.exists(Path.of(out, "model")), "no final model from the killed run");

    SparkSubmitIT.Result r = SparkSubmitIT.submit(dir, List.of(), clusterConf(), args("train", out, "--set", "train.epochs=4", "--resume"));
    assertEquals(0, r.exit(), r.log());
    assertTrue(r.log().contains("Resuming after epoch " + done + " of 4"), r.log());
    var model = io.latentspark.model.AutoencoderModel.load(Path.of(out, "model").toString(), conf);
    assertEquals(4, model.history().size());
    assertTrue(model.history().get(3).validationMse() < model.history().get(0).validationMse());
  }

  /** An encode whose driver is killed while writing leaves no feature table that looks complete; a re-run succeeds. */
  @Test
  void killedEncodeLeavesNoCompleteOutput() throws Exception {
    String trained = dir.resolve("for-encode").toString();
    SparkSubmitIT.Result t = SparkSubmitIT.submit(dir, List.of(), clusterConf(), args("train", trained, "--set", "train.epochs=1"));
    assertEquals(0, t.exit(), t.log());
    String out = dir.resolve("encode").toString();
    String[] encode = args("encode", out, "--model", Path.of(trained, "model").toString(), "--set", "data.synthetic.trainCount=60000");
    SparkSubmitIT.Running run = SparkSubmitIT.start(dir, List.of(), clusterConf(), encode);
    cluster.waitFor(300, () -> {
      try (var s = java.nio.file.Files.list(Path.of(out))) {
        return s.anyMatch(p -> p.getFileName().toString().startsWith(".features.tmp-"));
      }
    }, "encode to start writing");
    run.process().destroyForcibly();
    run.process().waitFor();
    assertTrue(!java.nio.file.Files.exists(Path.of(out, "features")), "no features/ from the killed encode");

    SparkSubmitIT.Result again = SparkSubmitIT.submit(dir, List.of(), clusterConf(), encode);
    assertEquals(0, again.exit(), again.log());
    assertEquals(61000, org.apache.spark.sql.SparkSession.getActiveSession().isEmpty() ? countParquetRows(Path.of(out, "features")) : -1);
  }

  /** Rows in a Parquet table, from the footers (no Spark session needed). */
  static long countParquetRows(Path table) throws Exception {
    long n = 0;
    try (var files = java.nio.file.Files.list(table)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toString()), new org.apache.hadoop.conf.Configuration()))) {
          n += reader.getRecordCount();
        }
      }
    }
    return n;
  }

  @Test
  void preflightSeesBothExecutors() throws Exception {
    SparkSubmitIT.Result r = SparkSubmitIT.await(script("preflight", "--out", dir.resolve("pf").toString()));
    assertEquals(0, r.exit(), r.log());
    assertTrue(r.log().contains("2 executor(s) ready"), r.log());
    assertTrue(r.log().contains("plan: per executor: 1 task(s)"), "the launcher printed its memory plan: " + r.log());
    System.out.println(r.log().lines().filter(l -> l.startsWith("executor ") || l.matches("^\\d+ +127\\.0\\.0\\.1.*") || l.contains("ready"))
        .collect(java.util.stream.Collectors.joining("\n", "preflight on the test cluster:\n", "")));
  }
}
