package io.latentspark.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN cluster with HDFS beside it, on 127.0.0.1, for tests: Hadoop's MiniYARNCluster (a ResourceManager and
 * one NodeManager, whose containers - the ApplicationMaster and the executors - are separate JVMs launched by the
 * NodeManager) and MiniDFSCluster (a NameNode and a DataNode), both in the test JVM, every address on loopback.
 * The client's configuration (core-site.xml with fs.defaultFS = the HDFS, yarn-site.xml) is written to
 * {@link #confDir}, which the tests pass as HADOOP_CONF_DIR, and to SPARK_HOME/conf (SparkSubmit's classpath), with a
 * spark-defaults.conf that points spark.yarn.jars at SPARK_HOME/jars on this machine (local:, nothing uploaded).
 */
final class YarnCluster implements AutoCloseable {
  final Path home;
  final Path confDir;
  final String hdfsRoot;
  private final MiniDFSCluster hdfs;
  private final MiniYARNCluster yarn;

  private YarnCluster(Path home, Path confDir, MiniDFSCluster hdfs, MiniYARNCluster yarn) {
    this.home = home;
    this.confDir = confDir;
    this.hdfs = hdfs;
    this.yarn = yarn;
    this.hdfsRoot = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
  }

  /** Starts HDFS and YARN (NodeManager offering {@code memoryMb} and {@code vcores}) under {@code dir}. */
  static YarnCluster start(Path dir, Path classpathFile, int memoryMb, int vcores) throws IOException, InterruptedException {
    Path home = StandaloneCluster.sparkHome(dir, classpathFile);
    try (var extra = Files.list(Path.of(System.getProperty("latentspark.yarnJars")))) {
      for (Path jar : extra.toList()) {
        Files.createSymbolicLink(home.resolve("jars").resolve(jar.getFileName()), jar);
      }
    }
    Configuration dfsConf = new Configuration();
    dfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    dfsConf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    dfsConf.set("dfs.namenode.http-address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.http.address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(dfsConf).numDataNodes(1).build();
    MiniYARNCluster yarn = null;
    try {
      hdfs.waitActive();
      String fs = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();

      YarnConfiguration conf = new YarnConfiguration();
      conf.set("fs.defaultFS", fs);
      conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
      conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_USE_RPC, true);
      for (String key : List.of(YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS, YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
          YarnConfiguration.RM_ADMIN_ADDRESS, YarnConfiguration.RM_WEBAPP_ADDRESS, YarnConfiguration.NM_ADDRESS,
          YarnConfiguration.NM_LOCALIZER_ADDRESS, YarnConfiguration.NM_WEBAPP_ADDRESS, YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS)) {
        conf.set(key, "127.0.0.1:" + StandaloneCluster.freePort());
      }
      conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
      conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, memoryMb); // MiniYARNCluster's NodeManager takes its memory from here
      conf.setInt(YarnConfiguration.NM_VCORES, vcores);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, memoryMb);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, vcores);
      // the executors' ND4J memory is off-heap and sized by submit/*.sh; the machine, not YARN, is the judge here
      conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
      conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
      conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
      conf.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 1);
      // one queue (the shaded minicluster has no capacity-scheduler.xml)
      conf.set("yarn.scheduler.capacity.root.queues", "default");
      conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
      conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
      conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
      yarn = new MiniYARNCluster("latentspark-yarn", 1, 1, 1);
      yarn.init(conf);
      yarn.start();

      Path confDir = Files.createDirectories(dir.resolve("hadoop-conf"));
      Configuration client = new Configuration(false);
      Configuration live = yarn.getConfig();
      for (var e : live) {
        if (e.getKey().startsWith("yarn.resourcemanager") || e.getKey().startsWith("yarn.minicluster")) {
          client.set(e.getKey(), live.get(e.getKey()));
        }
      }
      client.set("fs.defaultFS", fs);
      write(client, confDir.resolve("yarn-site.xml"));
      Configuration core = new Configuration(false);
      core.set("fs.defaultFS", fs);
      write(core, confDir.resolve("core-site.xml"));
      Files.copy(confDir.resolve("yarn-site.xml"), home.resolve("conf/yarn-site.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(confDir.resolve("core-site.xml"), home.resolve("conf/core-site.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      String java = System.getProperty("java.home");
      Files.writeString(home.resolve("conf/spark-defaults.conf"), String.join("\n",
          "spark.yarn.jars local:" + home.resolve("jars") + "/*",
          "spark.yarn.appMasterEnv.JAVA_HOME " + java,
          "spark.executorEnv.JAVA_HOME " + java,
          "spark.yarn.appMasterEnv.SPARK_LOCAL_IP 127.0.0.1",
          "spark.executorEnv.SPARK_LOCAL_IP 127.0.0.1",
          "spark.yarn.am.memory 512m",
          "spark.driver.memory 1500m",
          "spark.yarn.maxAppAttempts 1",
          "spark.yarn.submit.waitAppCompletion true",
          // executor JVMs start slowly on a loaded 2-core machine: wait for all of them before the first job
          "spark.scheduler.minRegisteredResourcesRatio 1.0",
          "spark.scheduler.maxRegisteredResourcesWaitingTime 180s",
          ""));
      return new YarnCluster(home, confDir, hdfs, yarn);
    } catch (IOException | RuntimeException e) {
      if (yarn != null) {
        yarn.stop();
      }
      hdfs.shutdown();
      throw e;
    }
  }

  private static void write(Configuration c, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  /** A client configuration for this cluster (HDFS as the default file system). */
  Configuration hadoop() {
    Configuration c = new Configuration();
    c.set("fs.defaultFS", hdfsRoot);
    return c;
  }

  FileSystem fs() throws IOException {
    return FileSystem.get(java.net.URI.create(hdfsRoot), hadoop());
  }

  /** PIDs of the JVMs this cluster's NodeManager launched (ApplicationMaster and executors); {@code kind} filters by main class. */
  List<Long> containers(String mainClass) {
    String marker = yarn.getTestWorkDir().getAbsolutePath();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)) // not the container's bash launcher
        .filter(p -> p.info().commandLine().map(c -> c.contains(mainClass) && c.contains(marker)).orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  /** The NodeManager's container logs (stdout and stderr of every container), for failure messages. */
  String containerLogs() throws IOException {
    return containerLogs(4000);
  }

  /** True when some container's log holds {@code text}. */
  boolean containerLogsContain(String text) throws IOException {
    return containerLogs(Integer.MAX_VALUE).contains(text);
  }

  /** Every container log file, each cut to its last {@code tail} characters. */
  private String containerLogs(int tail) throws IOException {
    List<Path> logs = new java.util.ArrayList<>();
    // the NodeManager adds and deletes files (localised resources, unpacked archives) while this walks: its local
    // directories are skipped, and a file that is gone by the time it is visited or read is passed over
    Files.walkFileTree(yarn.getTestWorkDir().toPath(), new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
        return d.getFileName().toString().contains("-localDir-") ? java.nio.file.FileVisitResult.SKIP_SUBTREE
            : java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
        if (a.isRegularFile() && f.toString().contains("-logDir-") && !f.toString().endsWith(".jar")) {
          logs.add(f);
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof java.nio.file.NoSuchFileException) {
          return java.nio.file.FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    StringBuilder s = new StringBuilder();
    for (Path f : logs.stream().sorted().toList()) {
      String text;
      try {
        text = Files.readString(f);
      } catch (java.nio.file.NoSuchFileException gone) {
        continue;
      }
      s.append("==> ").append(f).append('\n').append(text.length() > tail ? text.substring(text.length() - tail) : text).append('\n');
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (long pid : containers("")) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    yarn.stop();
    hdfs.shutdown();
  }
}
