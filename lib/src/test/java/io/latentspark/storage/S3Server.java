package io.latentspark.storage;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * An S3-compatible server (s3proxy with its in-memory "transient" backend) in its own JVM on 127.0.0.1,
 * started from the jar Maven copied to target/s3proxy, and the s3a settings that reach it.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "latentspark-test-access";
  static final String SECRET_KEY = "latentspark-test-secret-7f3a";

  final int port;
  private final Process process;

  private S3Server(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static S3Server start(Path workDir) throws IOException, InterruptedException {
    String jar = System.getProperty("latentspark.s3proxyJar", "target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("s3proxy jar " + jar + " is missing: Maven copies it in process-test-resources");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path props = workDir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        "jclouds.identity=unused",
        "jclouds.credential=unused", ""));
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", jar, "--properties", props.toString()))
        .redirectErrorStream(true).redirectOutput(workDir.resolve("s3proxy.log").toFile()).start();
    S3Server server = new S3Server(port, p);
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("s3proxy exited: " + Files.readString(workDir.resolve("s3proxy.log")));
      }
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return server;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    server.close();
    throw new IllegalStateException("s3proxy did not open 127.0.0.1:" + port + " within 60 s");
  }

  void createBucket(String bucket) {
    AmazonS3 s3 = AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration("http://127.0.0.1:" + port, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
    s3.createBucket(bucket);
    s3.shutdown();
  }

  /** The s3a settings a user would give as spark.hadoop.fs.s3a.* (credentials included). */
  void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.set("fs.s3a.retry.limit", "2");
    conf.set("fs.s3a.attempts.maximum", "2");
    conf.set("fs.s3a.connection.establish.timeout", "5000");
    conf.set("fs.s3a.connection.timeout", "20000");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
