package io.latentspark.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.IdxFormat;
import io.latentspark.data.SyntheticFolder;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.config.RunLayout;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against real storage servers on 127.0.0.1: HDFS (MiniDFSCluster: a NameNode and a DataNode in
 * this JVM) and S3 (s3proxy in its own JVM, reached through the s3a connector). Images are read from, and the
 * model, feature table, quarantine and exports written to, each of them.
 */
class RemoteStorageTest extends SparkTestBase {
  @TempDir
  static Path work;
  static MiniDFSCluster hdfs;
  static String hdfsRoot;
  static S3Server s3;

  @BeforeAll
  static void startServers() throws Exception {
    Configuration dfsConf = new Configuration();
    dfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    dfsConf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    dfsConf.set("dfs.namenode.http-address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.http.address", "127.0.0.1:0");
    dfsConf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    hdfs = new MiniDFSCluster.Builder(dfsConf).numDataNodes(1).build();
    hdfs.waitActive();
    hdfsRoot = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    // a lost block: fail the read quickly instead of retrying for minutes
    spark.sparkContext().hadoopConfiguration().set("dfs.client.max.block.acquire.failures", "0");
    spark.sparkContext().hadoopConfiguration().set("dfs.client.retry.window.base", "10");

    s3 = S3Server.start(work);
    s3.createBucket("latentspark");
    s3.configure(spark.sparkContext().hadoopConfiguration());
  }

  @AfterAll
  static void stopServers() throws Exception {
    FileSystem.closeAll();
    if (s3 != null) {
      s3.close();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static LatentSparkConfig folderConfig(String path, String... more) {
    List<String> sets = new ArrayList<>(List.of("data.format=image-folder", "data.path=" + path, "data.height=14", "data.width=14",
        "model.encoderLayers=[32]", "model.latentSize=4", "train.epochs=2", "train.batchSizePerWorker=32", "export.sampleSize=100",
        "data.onError=skip", "data.synthetic.noise=0.02"));
    sets.addAll(List.of(more));
    return TestData.config(sets.toArray(String[]::new));
  }

  /**
   * Generates an image folder at {@code data} (plus one corrupt file, and whatever {@code plantMore} adds as
   * further bad files), runs the pipeline to {@code out}, and checks every output there.
   */
  private static void pipelineOn(String data, String out, int moreBad, PlantAction plantMore) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    LatentSparkConfig cfg = folderConfig(data);
    assertEquals(200, SyntheticFolder.write(spark, cfg.data(), cfg.seed(), 200, data, false));
    Outputs.writeString(new org.apache.hadoop.fs.Path(data + "/disc/corrupt.png"), "not a png", conf);
    plantMore.plant();

    Pipeline.PipelineResult r = Pipeline.run(spark, cfg, new RunLayout(out), false);
    assertEquals(201 + moreBad, r.encoded().rowsIn());
    assertEquals(200, r.encoded().rowsWritten());
    assertEquals(1 + moreBad, r.encoded().rowsQuarantined());
    assertEquals(200, spark.read().parquet(out + "/features").count());
    assertEquals(1, spark.read().parquet(out + "/quarantine").where("path like '%corrupt.png'").count());
    String vectors = Outputs.readString(new org.apache.hadoop.fs.Path(out + "/export/vectors.tsv"), conf);
    assertEquals(r.exported().projector().rows(), vectors.split("\n").length);
    AutoencoderModel model = AutoencoderModel.load(out + "/model", conf);
    assertEquals(2, model.history().size());
    assertTrue(model.history().get(1).validationMse() < model.history().get(0).validationMse() * 1.05);
    String metadata = Outputs.readString(new org.apache.hadoop.fs.Path(out + "/model/metadata.json"), conf);
    String summary = Outputs.readString(new org.apache.hadoop.fs.Path(out + "/summary.json"), conf);
    for (String text : List.of(metadata, summary)) {
      assertFalse(text.contains(S3Server.SECRET_KEY) || text.contains(S3Server.ACCESS_KEY), "no credentials in metadata or summary");
    }
    JsonNode meta = Json.read(metadata);
    assertEquals(data, meta.get("inputPath").asText());
  }

  interface PlantAction {
    void plant() throws Exception;
  }

  /** On HDFS a further planted file lists fine but cannot be read: its only block was deleted from the DataNode. */
  @Test
  void pipelineReadsAndWritesHdfs() throws Exception {
    String data = hdfsRoot + "/data/shapes";
    pipelineOn(data, hdfsRoot + "/runs/shapes", 1, () -> {
      org.apache.hadoop.fs.Path lost = new org.apache.hadoop.fs.Path(data + "/ring/lost-block.png");
      FileSystem fs = hdfs.getFileSystem();
      org.apache.hadoop.fs.FileUtil.copy(fs, new org.apache.hadoop.fs.Path(data + "/ring/synthetic-0000001.png"), fs, lost, false,
          spark.sparkContext().hadoopConfiguration());
      assertEquals(1, hdfs.corruptBlockOnDataNodesByDeletingBlockFile(org.apache.hadoop.hdfs.DFSTestUtil.getFirstBlock(fs, lost)));
    });
    var q = spark.read().parquet(hdfsRoot + "/runs/shapes/quarantine").where("path like '%lost-block.png'").collectAsList();
    assertEquals(1, q.size());
    assertTrue(q.get(0).getString(3).startsWith("the file cannot be read ("), q.get(0).getString(3));
  }

  @Test
  void pipelineReadsAndWritesS3() throws Exception {
    pipelineOn("s3a://latentspark/data/shapes", "s3a://latentspark/runs/shapes", 0, () -> { });
  }

  @Test
  void idxFilesFromHdfs() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    FileSystem fs = new org.apache.hadoop.fs.Path(hdfsRoot + "/").getFileSystem(conf);
    byte[][] images = new byte[30][16];
    byte[] labels = new byte[30];
    for (int i = 0; i < 30; i++) {
      labels[i] = (byte) (i % 3);
      for (int k = 0; k < 16; k++) {
        images[i][k] = (byte) (i + k);
      }
    }
    try (OutputStream out = new GZIPOutputStream(fs.create(new org.apache.hadoop.fs.Path(hdfsRoot + "/idx/t10k-images-idx3-ubyte.gz")))) {
      IdxFormat.writeImages(out, images, 4, 4);
    }
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(hdfsRoot + "/idx/t10k-labels-idx1-ubyte"))) {
      IdxFormat.writeLabels(out, labels);
    }
    LatentSparkConfig cfg = TestData.config("data.format=idx", "data.path=" + hdfsRoot + "/idx", "data.height=4", "data.width=4");
    var loaded = io.latentspark.data.ImageSources.load(spark, cfg.data(), 1);
    assertEquals(30, loaded.images().count());
    assertEquals(3, loaded.images().select("label").distinct().count());
    loaded.unpersist();
  }
}
