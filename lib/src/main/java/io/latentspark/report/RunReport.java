package io.latentspark.report;

import io.latentspark.export.Charts;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.Pixels;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.export.StratifiedSample;
import io.latentspark.export.TsneMap;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.Corruption;
import io.latentspark.model.EpochStats;
import io.latentspark.model.NetworkFactory;
import io.latentspark.config.RunLayout;
import io.latentspark.util.Outputs;
import io.latentspark.util.Versions;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The run report: one self-contained HTML page (every image inlined as a data URI, no scripts, no network)
 * plus the same plots as PNG files, written to {@code OUT/report/}:
 * <pre>
 *   index.html           provenance and config, figures, and the plots below
 *   loss.png             training and validation MSE per epoch, with the spread of the workers' losses
 *   reconstructions.png  test images (top of each pair) and their reconstructions (below)
 *   error-histogram.png  reconstruction MSE of the test split with the anomaly threshold (anomaly.quantile of train)
 *   tsne.png             the t-SNE map (when OUT/tsne exists)
 * </pre>
 * Parts whose inputs are missing (no feature table yet, no t-SNE map) are left out and the page says so.
 */
public final class RunReport {
  public static final String INDEX = "index.html";
  static final int GRID_IMAGES = 16;
  static final int HISTOGRAM_BINS = 50;

  private RunReport() {}

  /** What was written: the directory and the plot files in it. */
  public record Result(String dir, List<String> plots) {}

  /**
   * Writes {@code out/report} for a trained {@code model}; {@code images} (the dataset, image schema) gives the
   * reconstruction grid and may be null (then the grid is left out).
   */
  public static Result write(SparkSession spark, LatentSparkConfig cfg, AutoencoderModel model, Dataset<Row> images, RunLayout out,
      boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path target = new Path(out.report());
    Outputs.checkWritable(target, conf, overwrite);
    Map<String, byte[]> plots = new LinkedHashMap<>();
    Map<String, String> captions = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();

    // only a per-pixel MSE training loss shares the MSE curves' axis; a summed cross-entropy or a VAE's negative ELBO
    // (nats per image) would crush them, so it is left out of the plot
    boolean perPixelLoss = cfg.model().spec().reconstructionLoss().perPixelMse();
    plots.put("loss.png", lossPng(model.history(), perPixelLoss));
    captions.put("loss.png", "Reconstruction MSE per epoch: training sample and " + validationName(model.history()) + " split"
        + (perPixelLoss ? ", and the range of the workers' mean minibatch losses (DL4J's training loss, per pixel)."
            : " (the workers' training loss, " + cfg.model().spec().trainingLossName()
                + ", is in the log and in the model's history)."));

    if (images != null) {
      plots.put("reconstructions.png", reconstructionsPng(model, images, cfg));
      captions.put("reconstructions.png", cfg.model().spec().reconstructionsCaption());
    } else {
      notes.add("No reconstruction grid: the dataset was not available to the report.");
    }

    if (cfg.model().spec().variational()) {
      List<float[]> samples = io.latentspark.analysis.Variational.samples(model, 64, cfg.seed());
      plots.put("samples.png", io.latentspark.export.SpriteSheet.of(samples, cfg.data().channels(), cfg.data().height(), cfg.data().width()).png());
      captions.put("samples.png", "64 new images decoded from codes drawn from the VAE's prior N(0, I) (seed " + cfg.seed() + ").");
    }

    Map<String, String> figures = runFigures(spark, cfg, out, plots, captions, notes);
    String html = html(cfg, model, out, figures, plots, captions, notes);
    Outputs.writeAtomically(target, conf, overwrite, staging -> {
      FileSystem fs = Outputs.fs(staging, conf);
      fs.mkdirs(staging);
      for (Map.Entry<String, byte[]> p : plots.entrySet()) {
        try (OutputStream o = fs.create(new Path(staging, p.getKey()), true)) {
          o.write(p.getValue());
        }
      }
      Outputs.writeString(new Path(staging, INDEX), html, conf);
    });
    return new Result(target.toString(), List.copyOf(plots.keySet()));
  }

  /** The error histogram, rows and mean MSE by split (from the feature table) and the t-SNE map, where the run has them. */
  private static Map<String, String> runFigures(SparkSession spark, LatentSparkConfig cfg, RunLayout out, Map<String, byte[]> plots,
      Map<String, String> captions, List<String> notes) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> figures = new LinkedHashMap<>();
    if (Outputs.exists(new Path(out.features()), conf)) {
      Dataset<Row> features = spark.read().parquet(out.features());
      Map.Entry<byte[], Double> hist = histogram(features, cfg);
      if (hist != null) {
        plots.put("error-histogram.png", hist.getKey());
        captions.put("error-histogram.png", "Reconstruction MSE of the test images; red: the anomaly threshold, the "
            + cfg.anomaly().quantile() + " quantile of the training images' errors (" + String.format("%.5f", hist.getValue()) + ").");
      }
      for (Row r : features.groupBy(ImageSchema.SPLIT).agg(functions.count(functions.lit(1)), functions.avg(FeatureSchema.RECONSTRUCTION_ERROR))
          .orderBy(ImageSchema.SPLIT).collectAsList()) {
        figures.put("rows / mean MSE (" + r.getString(0) + ")", r.getLong(1) + " / " + String.format("%.5f", r.getDouble(2)));
      }
    } else {
      notes.add("No error histogram: there is no feature table at " + out.features() + " yet (run encode).");
    }
    Path scatter = new Path(out.tsne(), TsneMap.SCATTER);
    if (Outputs.exists(scatter, conf)) {
      plots.put("tsne.png", readBytes(scatter, conf));
      captions.put("tsne.png", "2-D t-SNE map of a stratified sample of the latent codes, coloured by label.");
    } else {
      notes.add("No t-SNE map: " + out.tsne() + " does not exist (export writes it).");
    }

    return figures;
  }

  static String validationName(List<EpochStats> history) {
    return history.isEmpty() ? "validation" : history.get(history.size() - 1).validationSplit();
  }

  static byte[] lossPng(List<EpochStats> history, boolean withWorkerLoss) {
    int n = history.size();
    double[] x = new double[n];
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("train MSE", new double[n]);
    series.put(validationName(history) + " MSE", new double[n]);
    if (withWorkerLoss) {
      series.put("workers' loss (lowest)", new double[n]);
      series.put("workers' loss (highest)", new double[n]);
    }
    for (int i = 0; i < n; i++) {
      EpochStats e = history.get(i);
      x[i] = e.epoch();
      series.get("train MSE")[i] = e.trainMse();
      series.get(validationName(history) + " MSE")[i] = e.validationMse();
      if (withWorkerLoss) {
        series.get("workers' loss (lowest)")[i] = e.workerLossMin();
        series.get("workers' loss (highest)")[i] = e.workerLossMax();
      }
    }
    return Charts.linePng("Loss per epoch", "epoch", "per-pixel loss", x, series, 800, 450);
  }

  /** Up to GRID_IMAGES test images (any split when there are none), round-robin over the labels. */
  private static List<Row> gridRows(Dataset<Row> images, long seed) {
    Dataset<Row> pool = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST));
    if (pool.isEmpty()) {
      pool = images;
    }
    // round-robin over the labels, so that every label shows before any shows twice
    Map<String, List<Row>> byLabel = new java.util.TreeMap<>();
    for (Row r : StratifiedSample.of(pool, GRID_IMAGES, seed).orderBy(ImageSchema.ID).collectAsList()) {
      int li = r.fieldIndex(ImageSchema.LABEL);
      byLabel.computeIfAbsent(r.isNullAt(li) ? "" : r.getString(li), k -> new ArrayList<>()).add(r);
    }
    List<Row> rows = new ArrayList<>();
    for (int round = 0; rows.size() < GRID_IMAGES && round < GRID_IMAGES; round++) {
      for (List<Row> l : byLabel.values()) {
        if (round < l.size() && rows.size() < GRID_IMAGES) {
          rows.add(l.get(round));
        }
      }
    }
    return rows;
  }

  /** Inputs and reconstructions of a stratified sample of test images (validation, then train, when there are none). */
  static byte[] reconstructionsPng(AutoencoderModel model, Dataset<Row> images, LatentSparkConfig cfg) {
    List<Row> rows = gridRows(images, cfg.seed());
    List<float[]> px = new ArrayList<>();
    for (Row r : rows) {
      px.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    // a denoising model is shown what it was trained for: corrupted input, its output, the clean image
    List<float[][]> bands = new ArrayList<>();
    Corruption corruption = NetworkFactory.corruption(cfg.model(), cfg.data());
    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(model));
    List<io.latentspark.spec.PixelMask> masks = cfg.model().spec().trainingMasks(cfg.data().shape());
    if (!masks.isEmpty()) { // an inpainting model: a hole of each kind in turn (grey), its fill, the truth
      List<boolean[]> missing = new ArrayList<>();
      float[][] holed = new float[px.size()][];
      for (int i = 0; i < px.size(); i++) {
        boolean[] m = masks.get(i % masks.size()).missing(cfg.data().channels(), cfg.seed() + i);
        missing.add(m);
        holed[i] = px.get(i).clone();
        for (int p = 0; p < m.length; p++) {
          holed[i][p] = m[p] ? 0.5f : holed[i][p];
        }
      }
      bands.add(holed);
      bands.add(enc.inpaint(px, missing));
      bands.add(px.toArray(new float[0][]));
    } else if (corruption != null) {
      float[][] noisy = enc.corrupt(px, corruption);
      bands.add(noisy);
      bands.add(enc.reconstruct(java.util.Arrays.asList(noisy)));
      bands.add(px.toArray(new float[0][]));
    } else {
      bands.add(px.toArray(new float[0][]));
      bands.add(enc.reconstruct(px));
    }
    return Charts.png(grid(rows, bands, cfg.data().shape()));
  }

  /** Draws each image's bands (input, output, ...) in a column with its label under it, eight images a row. */
  private static BufferedImage grid(List<Row> rows, List<float[][]> bands, io.latentspark.spec.ImageShape shape) {
    int h = shape.height();
    int w = shape.width();
    int c = shape.channels();
    int scale = Math.max(1, 96 / Math.max(h, w));
    int cols = Math.min(8, rows.size());
    int groups = (rows.size() + cols - 1) / cols;
    int cell = Math.max(h, w) * scale + 4;
    int groupHeight = bands.size() * cell + 14;
    BufferedImage grid = new BufferedImage(cols * cell, groups * groupHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int i = 0; i < rows.size(); i++) {
      int ox = (i % cols) * cell + 2;
      int oy = (i / cols) * groupHeight + 2;
      for (int b = 0; b < bands.size(); b++) {
        g.drawImage(new Pixels(c, h, w, bands.get(b)[i]).toImage(scale), ox, oy + b * cell, null);
      }
      g.setColor(Color.DARK_GRAY);
      Row r = rows.get(i);
      g.drawString(r.isNullAt(r.fieldIndex(ImageSchema.LABEL)) ? "" : r.getString(r.fieldIndex(ImageSchema.LABEL)), ox,
          oy + bands.size() * cell + 8);
    }
    g.dispose();
    return grid;
  }

  /** The test-split error histogram with the threshold calibrated on train, or null when there are no test rows. */
  static Map.Entry<byte[], Double> histogram(Dataset<Row> features, LatentSparkConfig cfg) {
    List<Row> test = features.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST)).select(FeatureSchema.RECONSTRUCTION_ERROR)
        .collectAsList();
    if (test.isEmpty()) {
      return null;
    }
    double[] values = test.stream().mapToDouble(r -> r.getDouble(0)).toArray();
    double threshold = io.latentspark.analysis.AnomalyDetector.threshold(
        features.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN)), FeatureSchema.RECONSTRUCTION_ERROR,
        cfg.anomaly().quantile());
    Map<String, Double> markers = new LinkedHashMap<>();
    if (!Double.isNaN(threshold)) {
      markers.put("threshold (" + cfg.anomaly().quantile() + " quantile of train)", threshold);
    }
    return Map.entry(Charts.histogramPng("Reconstruction error, test split", "per-image MSE", values, HISTOGRAM_BINS, markers, 800, 400),
        threshold);
  }

  private static String html(LatentSparkConfig cfg, AutoencoderModel model, RunLayout out, Map<String, String> figures,
      Map<String, byte[]> plots, Map<String, String> captions, List<String> notes) {
    Map<String, String> prov = new LinkedHashMap<>();
    prov.put("output", out.out());
    prov.put("report written", Instant.now().toString());
    prov.put("input", model.inputPath());
    prov.put("model", cfg.model().type() + ", " + cfg.model().spec().describe(cfg.data().shape()) + ", " + model.numParams()
        + " parameters");
    prov.put("latent size", String.valueOf(cfg.model().latentSize()));
    prov.put("image shape", cfg.data().channels() + " x " + cfg.data().height() + " x " + cfg.data().width());
    prov.put("seed", String.valueOf(cfg.seed()));
    List<EpochStats> h = model.history();
    prov.put("epochs", String.valueOf(h.size()));
    if (!h.isEmpty()) {
      EpochStats last = h.get(h.size() - 1);
      prov.put("last epoch", String.format("train MSE %.5f, %s MSE %.5f, %.0f examples/s", last.trainMse(), last.validationSplit(),
          last.validationMse(), last.examplesPerSecond()));
      prov.put("training time", String.format("%.1f s", h.stream().mapToDouble(EpochStats::seconds).sum()));
    }
    prov.put("versions", "LatentSpark " + Versions.latentspark() + ", DL4J " + Versions.dl4j() + ", Spark " + Versions.spark() + ", Java "
        + System.getProperty("java.version"));
    prov.putAll(figures);

    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>LatentSpark report: ").append(esc(out.out())).append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse}td,th{text-align:left;padding:3px 12px 3px 0;vertical-align:top}")
        .append("th{color:#555;font-weight:normal}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}")
        .append("figcaption{color:#555;font-size:90%}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:85%}")
        .append("</style></head><body>\n<h1>LatentSpark run report</h1>\n<table>\n");
    for (Map.Entry<String, String> e : prov.entrySet()) {
      b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(e.getValue())).append("</td></tr>\n");
    }
    b.append("</table>\n");
    for (Map.Entry<String, byte[]> p : plots.entrySet()) {
      b.append("<figure><img alt=\"").append(esc(p.getKey())).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(p.getValue())).append("\"><figcaption>").append(esc(p.getKey())).append(": ")
          .append(esc(captions.get(p.getKey()))).append("</figcaption></figure>\n");
    }
    for (String n : notes) {
      b.append("<p><em>").append(esc(n)).append("</em></p>\n");
    }
    b.append("<details><summary>Full configuration</summary><pre>").append(esc(cfg.render())).append("</pre></details>\n")
        .append("</body></html>\n");
    return b.toString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static byte[] readBytes(Path p, Configuration conf) {
    try (InputStream in = Outputs.fs(p, conf).open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
