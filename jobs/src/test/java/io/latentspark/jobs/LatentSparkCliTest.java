package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as spark-submit runs it: arguments in, outputs and exit codes out (Spark master from system properties). */
class LatentSparkCliTest {
  private static final String[] TINY = {
      "--set", "data.synthetic.trainCount=600", "--set", "data.synthetic.testCount=200", "--set", "data.height=12",
      "--set", "data.width=12", "--set", "model.encoderLayers=[32]", "--set", "model.latentSize=4", "--set", "train.epochs=2",
      "--set", "train.batchSizePerWorker=32", "--set", "export.sampleSize=100"};

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = LatentSparkCli.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The subcommand, then the tiny-run settings, then the rest. */
  static String[] tiny(String subcommand, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(subcommand));
    all.addAll(List.of(TINY));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }

  static boolean noLiveSession(scala.Option<SparkSession> s) {
    return s.isEmpty() || s.get().sparkContext().isStopped();
  }

  static String lastLine(String out) {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Spark settings as spark-submit would pass them (system properties), for embedded runs of the CLI. */
  private static final Map<String, String> SPARK = Map.of("spark.master", "local[2]", "spark.ui.enabled", "false",
      "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1", "spark.sql.shuffle.partitions", "4");

  @BeforeAll
  static void embeddedSpark() {
    SPARK.forEach(System::setProperty);
  }

  @AfterAll
  static void clear() {
    for (String k : SPARK.keySet()) {
      System.clearProperty(k);
    }
  }

  @Test
  void helpListsEveryOptionAndSettingWithItsDefault() {
    Run r = run("pipeline", "--help");
    assertEquals(0, r.exit());
    for (String option : List.of("--config", "--set", "--out", "--overwrite")) {
      assertTrue(r.out().contains(option), option);
    }
    for (Map.Entry<String, String[]> e : LatentSparkConfig.describeDefaults().entrySet()) {
      assertTrue(r.out().matches("(?s).*\\Q" + e.getKey() + "\\E\\s+= \\Q" + e.getValue()[0] + "\\E.*"), "help shows " + e.getKey() + " = " + e.getValue()[0]);
    }
    assertTrue(run("--help").out().contains("pipeline"));
  }

  @Test
  void invalidSettingsFailBeforeSparkStartsWithKeyValueAndRule(@TempDir Path dir) {
    Run r = run("train", "--out", dir.toString(), "--set", "train.epochs=-1");
    assertEquals(2, r.exit());
    assertEquals("error: Cannot set train.epochs to -1: the value must be positive", r.err().strip());
    assertTrue(noLiveSession(SparkSession.getActiveSession()) && noLiveSession(SparkSession.getDefaultSession()), "no Spark session is running");
    Run unknown = run("train", "--out", dir.toString(), "--set", "model.latent=3");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().startsWith("error: Unknown setting model.latent"), unknown.err());
  }

  /** A command that writes needs --out; one that writes nothing (preflight, bench) runs without it. */
  @Test
  void onlyCommandsThatWriteRequireOut() {
    Run train = run(tiny("train"));
    assertEquals(2, train.exit());
    assertTrue(train.err().startsWith("Missing required option: '--out=DIR'"), train.err());
    Run preflight = run("preflight");
    assertEquals(0, preflight.exit(), preflight.err());
    assertTrue(preflight.out().contains("executor(s) ready"), preflight.out());
  }

  /** The bench command runs both trainings and ends with one JSON line holding the keys scripts read (no timing asserted). */
  @Test
  void benchEndsWithAJsonLine(@TempDir Path dir) {
    Run r = run(tiny("bench", "--set", "train.workers=2", "--set", "train.batchSizePerWorker=16"));
    assertEquals(0, r.exit(), r.err());
    String last = lastLine(r.out());
    JsonNode json = Json.read(last);
    for (String key : List.of("single_jvm_examples_per_s", "spark_examples_per_s", "single_jvm_val_mse", "spark_val_mse", "epochs",
        "sgemm_gflops", "flop_utilisation", "roofline_gflops_per_core", "iteration_ms_1thread", "spark_encode_to_parquet_per_s")) {
      assertTrue(json.has(key), key + " in " + last);
    }
    assertEquals(2, json.get("epochs").asInt());
    assertEquals(32, json.get("single_jvm_batch").asInt(), "single JVM uses the global batch: 2 workers x 16");
    assertTrue(json.get("sgemm_gflops").asDouble() > 0 && json.get("spark_examples_per_s").asDouble() > 0);
    assertTrue(json.get("roofline_gflops_per_core").asDouble() > 0 && json.get("spark_encode_to_parquet_per_s").asDouble() > 0, last);
    assertTrue(json.get("single_jvm_val_mse").asDouble() < 0.2 && json.get("spark_val_mse").asDouble() < 0.2, last);
  }

  @Test
  void pipelineThenEncodeAndExportSubcommands(@TempDir Path dir) throws Exception {
    String out = dir.resolve("run").toString();
    Run r = run(tiny("pipeline", "--out", out));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("pipeline finished"), r.out());
    JsonNode summary = Json.read(Files.readString(Path.of(out, "summary.json")));
    assertEquals(800, summary.get("rowsEncoded").asLong());
    assertEquals(2, summary.get("epochs").asInt());
    assertTrue(Files.exists(Path.of(out, "export", "vectors.tsv")));
    AutoencoderModel model = AutoencoderModel.load(Path.of(out, "model").toString(), new Configuration());
    assertEquals(2, model.history().size());

    Run refused = run(tiny("pipeline", "--out", out));
    assertEquals(1, refused.exit());
    assertTrue(refused.err().strip().matches("error: Output .*/run/model already exists: use --overwrite to replace it, or choose another --out"),
        refused.err());

    String second = dir.resolve("second").toString();
    Run enc = run(tiny("encode", "--model", Path.of(out, "model").toString(), "--out", second));
    assertEquals(0, enc.exit(), enc.err());
    assertTrue(lastLine(enc.out()).startsWith("encoded 800 images into"), enc.out());
    Run exp = run(tiny("export", "--out", second, "--set", "export.splits=[test]"));
    assertEquals(0, exp.exit(), exp.err());
    List<String> meta = Files.readAllLines(Path.of(second, "export", "metadata.tsv"));
    assertTrue(meta.size() > 50 && meta.stream().skip(1).allMatch(l -> l.split("\t")[2].equals("test")), "only test rows: " + meta.size());

    Run wrongShape = run(tiny("encode", "--model", Path.of(out, "model").toString(), "--out", dir.resolve("third").toString(),
        "--set", "data.height=14"));
    assertEquals(1, wrongShape.exit());
    assertTrue(wrongShape.err().contains("takes 1x12x12 images but data.channels/height/width are 1x14x12"), wrongShape.err());
  }

  /** bench --scaling: one epoch per number of workers; with more workers than the fan-in the driver takes in fewer bytes. */
  @Test
  void benchScalingMeasuresTheDriversShareOfARound() {
    Run r = run(tiny("bench", "--scaling", "2,8", "--set", "train.averagingFrequency=2"));
    assertEquals(0, r.exit(), r.err());
    JsonNode rows = Json.read(lastLine(r.out())).get("scaling");
    assertEquals(3, rows.size(), r.out()); // 2 workers (no tree below the fan-in 4), 8 workers summed by the driver and in a tree
    JsonNode driver8 = rows.get(1);
    JsonNode tree8 = rows.get(2);
    assertEquals("driver", driver8.get("reduce").asText());
    assertEquals("tree/4", tree8.get("reduce").asText());
    assertTrue(tree8.get("result_tasks").asDouble() <= 4, r.out());
    assertTrue(tree8.get("driver_bytes_in").asDouble() < driver8.get("driver_bytes_in").asDouble(), r.out());
    assertTrue(tree8.get("shuffle_bytes").asDouble() > 0 && driver8.get("shuffle_bytes").asDouble() == 0, r.out());
  }

  /** README's three ONNX commands: export-onnx, encode on ONNX Runtime, and encode --onnx with any encoder (here the exported one). */
  @Test
  void onnxExportThenEncodeOnOnnxRuntimeAndWithABroughtEncoder(@TempDir Path dir) {
    String out = dir.resolve("run").toString();
    String model = Path.of(out, "model").toString();
    assertEquals(0, run(tiny("train", "--out", out)).exit());
    Run exp = run(tiny("export-onnx", "--out", out));
    assertEquals(0, exp.exit(), exp.err());
    assertTrue(lastLine(exp.out()).startsWith("wrote ONNX opset 13 graphs to " + Path.of(out, "onnx")), exp.out());
    for (String f : List.of("encoder.onnx", "decoder.onnx", "autoencoder.onnx", "onnx.json")) {
      assertTrue(Files.isRegularFile(Path.of(out, "onnx", f)), f);
    }
    Run dl4j = run(tiny("encode", "--model", model, "--out", out));
    Run ort = run(tiny("encode", "--model", model, "--out", dir.resolve("ort").toString(), "--set", "encode.engine=onnx"));
    String byo = dir.resolve("byo").toString();
    Run own = run(tiny("encode", "--onnx", Path.of(out, "onnx", "encoder.onnx").toString(), "--onnx-decoder",
        Path.of(out, "onnx", "decoder.onnx").toString(), "--out", byo));
    for (Run r : List.of(dl4j, ort, own)) {
      assertEquals(0, r.exit(), r.err());
      assertTrue(lastLine(r.out()).startsWith("encoded 800 images into"), r.out());
    }
    Map<String, Double> expected = mseBySplit(dl4j.out());
    assertEquals(3, expected.size(), dl4j.out());
    for (Run r : List.of(ort, own)) {
      Map<String, Double> got = mseBySplit(r.out());
      expected.forEach((split, mse) -> assertEquals(mse, got.get(split), 1e-7, split + " in " + lastLine(r.out())));
    }
    // the table of a brought encoder serves the applications that read feature tables
    Run anomaly = run(tiny("anomaly", "--out", byo, "--set", "anomaly.normalLabels=[disc]"));
    assertEquals(0, anomaly.exit(), anomaly.err());
    assertTrue(Json.read(lastLine(anomaly.out())).get("auroc").asDouble() > 0.5, anomaly.out());
    Run export = run(tiny("export", "--out", byo));
    assertEquals(0, export.exit(), export.err());

    Run decoderAlone = run(tiny("encode", "--onnx-decoder", "x.onnx", "--out", dir.resolve("x").toString()));
    assertEquals(2, decoderAlone.exit());
    assertTrue(decoderAlone.err().contains("--onnx-decoder needs --onnx"), decoderAlone.err());
  }

  /** The "mean reconstruction MSE by split {test=..., ...}" of encode's last line. */
  static Map<String, Double> mseBySplit(String out) {
    String line = lastLine(out);
    Map<String, Double> m = new java.util.TreeMap<>();
    for (String kv : line.substring(line.indexOf('{') + 1, line.indexOf('}')).split(", ")) {
      String[] p = kv.split("=");
      m.put(p[0], Double.parseDouble(p[1]));
    }
    return m;
  }

  /** The application subcommands on a tiny run: each ends with one JSON line scripts can read. */
  @Test
  void applicationSubcommandsEndWithJsonLines(@TempDir Path dir) {
    String out = dir.resolve("run").toString();
    assertEquals(0, run(tiny("pipeline", "--out", out, "--set", "export.tsne.sampleSize=150")).exit());
    assertTrue(Files.exists(Path.of(out, "tsne", "scatter.png")) && Files.exists(Path.of(out, "export", "sprite.png")));
    Run pca = run(tiny("pca", "--out", out));
    assertEquals(0, pca.exit(), pca.err());
    assertEquals(4, Json.read(lastLine(pca.out())).get("dimension").asInt());
    Run eval = run(tiny("evaluate", "--out", out));
    assertEquals(0, eval.exit(), eval.err());
    JsonNode e = Json.read(lastLine(eval.out()));
    assertTrue(e.get("autoencoder").has("knn_accuracy") && e.get("pca").has("linear_probe_accuracy"), lastLine(eval.out()));
    Run anomaly = run(tiny("anomaly", "--out", out, "--set", "anomaly.normalLabels=[disc]"));
    assertEquals(0, anomaly.exit(), anomaly.err());
    double auroc = Json.read(lastLine(anomaly.out())).get("auroc").asDouble();
    assertTrue(auroc >= 0 && auroc <= 1);
    Run impute = run(tiny("impute", "--out", out, "--set", "impute.mask=\"random:0.3\""));
    assertEquals(0, impute.exit(), impute.err());
    assertEquals(200, Json.read(lastLine(impute.out())).get("rows").asInt());
    Run compress = run(tiny("compress", "--out", out, "--set", "compress.bits=[3]", "--set", "compress.jpegQualities=[50]"));
    assertEquals(0, compress.exit(), compress.err());
    JsonNode c = Json.read(lastLine(compress.out()));
    assertEquals(3, c.get("points").size(), lastLine(compress.out())); // float32 reference, 3 bits, JPEG 50
    assertTrue(Files.exists(Path.of(out, "compression", "rate-distortion.csv")) && Files.exists(Path.of(out, "compression", "codec.json")));
    Run map = run(tiny("latent-map", "--out", out, "--set", "latentMap.pairs=2", "--set", "latentMap.steps=3"));
    assertEquals(0, map.exit(), map.err());
    assertTrue(Files.exists(Path.of(out, "latent-map", "interpolation.png")) && Files.exists(Path.of(out, "latent-map", "points.csv")));
    assertEquals(2, Json.read(lastLine(map.out())).get("interpolated_pairs").size(), lastLine(map.out()));
    Run swap = run(tiny("swap", "--out", out, "--set", "swap.identities=[disc, ring]", "--set", "swap.epochs=2"));
    assertEquals(0, swap.exit(), swap.err());
    assertEquals(2, Json.read(lastLine(swap.out())).get("swap").get("pairs").size(), lastLine(swap.out()));
    assertTrue(Files.exists(Path.of(out, "swap", "disc-as-ring.png")) && Files.exists(Path.of(out, "swap", "model", "swap.json")));
    Run denoise = run(tiny("denoise", "--out", out, "--set", "model.corruption.type=gaussian"));
    assertEquals(0, denoise.exit(), denoise.err());
    JsonNode d = Json.read(lastLine(denoise.out()));
    assertTrue(d.get("corrupted_input_mse").asDouble() > 0 && d.get("denoised_mse").asDouble() > 0, lastLine(denoise.out()));
    Run search = run(tiny("search", "--out", out, dir.resolve("missing.png").toString()));
    assertEquals(1, search.exit());
    assertTrue(search.err().contains("missing.png") && search.err().contains("cannot be read"), search.err());
  }

  /** A VAE run: pipeline, then vae measures the test ELBO and samples from the prior; a non-VAE model is refused by name. */
  @Test
  void vaeSubcommandReportsTheElboAndSamples(@TempDir Path dir) {
    String out = dir.resolve("vae").toString();
    String[] vae = {"--set", "model.type=vae", "--set", "model.loss=bce", "--set", "export.tsne.sampleSize=0"};
    Run pipeline = run(concat(tiny("pipeline", "--out", out), vae));
    assertEquals(0, pipeline.exit(), pipeline.err());
    assertTrue(Files.exists(Path.of(out, "report", "samples.png")), "the VAE's report shows prior samples");
    Run sample = run(concat(tiny("vae", "--out", out, "--count", "16"), vae));
    assertEquals(0, sample.exit(), sample.err());
    JsonNode j = Json.read(lastLine(sample.out()));
    assertEquals(200, j.get("rows").asInt());
    assertEquals(j.get("reconstruction_nats").asDouble() + j.get("kl_nats").asDouble(), j.get("negative_elbo_nats").asDouble(), 1e-6);
    assertTrue(j.get("kl_nats").asDouble() > 0, lastLine(sample.out()));
    assertTrue(Files.exists(Path.of(out, "vae", "samples.png")) && Files.exists(Path.of(out, "vae", "elbo.json")));

    String dense = dir.resolve("dense").toString();
    assertEquals(0, run(tiny("train", "--out", dense)).exit());
    Run refused = run(tiny("vae", "--out", dense));
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("The vae command needs a variational autoencoder (model.type = vae); the model is a dense autoencoder"),
        refused.err());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
