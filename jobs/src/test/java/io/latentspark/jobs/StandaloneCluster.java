package io.latentspark.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: a Master and {@code workers} Workers, each its own
 * JVM, started from the Maven-resolved Spark jars. There is no Spark download here, so SPARK_HOME is a folder
 * whose jars/ links to those jars (the Worker launches executors with $SPARK_HOME/jars/*).
 */
final class StandaloneCluster implements AutoCloseable {
  final Path home;
  final int masterPort;
  final int masterUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final Path logs;

  private StandaloneCluster(Path home, Path logs, int masterPort, int masterUiPort) {
    this.home = home;
    this.logs = logs;
    this.masterPort = masterPort;
    this.masterUiPort = masterUiPort;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** SPARK_HOME with jars/ linking to every jar of Spark's resolved classpath. */
  static Path sparkHome(Path dir, Path classpathFile) throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    for (String jar : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
      Path link = jars.resolve(Path.of(jar).getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of(jar));
      }
    }
    return home;
  }

  static StandaloneCluster start(Path dir, Path classpathFile, int workers, int coresPerWorker, String memoryPerWorker)
      throws IOException, InterruptedException {
    Path home = sparkHome(dir, classpathFile);
    Path logs = Files.createDirectories(dir.resolve("cluster-logs"));
    StandaloneCluster c = new StandaloneCluster(home, logs, freePort(), freePort());
    try {
      c.launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort),
          "--webui-port", String.valueOf(c.masterUiPort)));
      c.waitFor(60, () -> c.masterJson().contains("\"status\" : \"ALIVE\""), "the master to be ALIVE");
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        c.launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", String.valueOf(freePort()),
            "--webui-port", String.valueOf(freePort()), "--cores", String.valueOf(coresPerWorker), "--memory", memoryPerWorker,
            "--work-dir", work.toString(), c.masterUrl()));
      }
      c.waitFor(90, () -> c.aliveWorkers() == workers, workers + " workers to register");
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void launch(String name, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", home.resolve("conf") + java.io.File.pathSeparator + home.resolve("jars") + "/*"));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OMP_NUM_THREADS", "1");
    processes.add(pb.start());
  }

  String masterJson() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  int aliveWorkers() {
    var m = java.util.regex.Pattern.compile("\"aliveworkers\" : (\\d+)").matcher(masterJson());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** PIDs of this cluster's executor JVMs (launched by the Workers). */
  List<Long> executorPids() {
    String marker = home.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(marker)).orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  void waitFor(int seconds, Check check, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (AssertionError e) {
        throw e;
      } catch (Exception ignored) {
        // not yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Timed out after " + seconds + " s waiting for " + what + "; logs in " + logs);
  }

  String log(String name) throws IOException {
    try (InputStream in = Files.newInputStream(logs.resolve(name + ".log"))) {
      return new String(in.readAllBytes());
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (long pid : executorPids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
