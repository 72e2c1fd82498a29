package io.latentspark.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.analysis.AnomalyDetector;
import io.latentspark.analysis.Evaluation;
import io.latentspark.analysis.ImageSearch;
import io.latentspark.analysis.Imputer;
import io.latentspark.analysis.PcaBaseline;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.LoadedImages;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.export.ProjectorExport;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.HadoopConf;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applications on top of a trained model and its feature table: PCA baseline, evaluation, anomaly
 * detection, image search and imputation. Each writes its output under the run directory (atomically) and
 * returns a result whose {@code json()} is one line for scripts.
 */
public final class Applications {
  private static final Logger LOG = LoggerFactory.getLogger(Applications.class);

  private Applications() {}

  /** PCA baseline result: dimension, explained variance and mean reconstruction MSE by split. */
  public record PcaResult(String features, int dimension, double explainedVariance, Map<String, Double> meanMseBySplit) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("features", features);
      n.put("dimension", dimension);
      n.put("explained_variance", explainedVariance);
      n.set("mean_mse_by_split", Json.MAPPER.valueToTree(meanMseBySplit));
      return n.toString();
    }
  }

  /** Fits PCA with model.latentSize components on the train split and writes its feature table to {@code out/pca-features}. */
  public static PcaResult pca(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.pcaFeatures()), conf, overwrite);
    LoadedImages loaded = Pipeline.loadImages(spark, cfg);
    try {
      PcaBaseline pca = PcaBaseline.fit(loaded.images(), cfg.model().latentSize());
      SparkEncoder.write(pca.features(spark, loaded.images()), out.pcaFeatures(), conf, overwrite);
      Map<String, Double> mse = PcaBaseline.meanBySplit(spark.read().parquet(out.pcaFeatures()), FeatureSchema.RECONSTRUCTION_ERROR);
      double explained = 0;
      for (double v : pca.explainedVariance()) {
        explained += v;
      }
      LOG.info("PCA with {} components explains {} of the training variance; mean reconstruction MSE by split {}", pca.dimension(),
          String.format("%.4f", explained), mse);
      return new PcaResult(out.pcaFeatures(), pca.dimension(), explained, mse);
    } finally {
      loaded.unpersist();
    }
  }

  /** Evaluation of one or more feature tables (name -> directory), side by side. */
  public record EvaluationResult(List<Evaluation.Scores> scores, int k) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("k", k);
      for (Evaluation.Scores s : scores) {
        ObjectNode e = n.putObject(s.name());
        e.put("dimensions", s.dimensions());
        e.put("train_rows", s.trainRows());
        e.put("test_rows", s.testRows());
        e.put("labels", s.labels());
        e.put("knn_accuracy", s.knnAccuracy());
        e.put("linear_probe_accuracy", s.linearProbeAccuracy());
        e.set("mean_mse_by_split", Json.MAPPER.valueToTree(s.meanMseBySplit()));
        e.put("mean_activation", s.meanActivation());
        e.put("fraction_active", s.fractionActive());
      }
      return n.toString();
    }

    /** A small aligned table for people. */
    public String table() {
      StringBuilder b = new StringBuilder(String.format("%-14s %5s %8s %8s %12s %14s %14s%n", "features", "dims", "train", "test",
          "kNN acc (k=" + k + ")", "linear probe", "test MSE"));
      for (Evaluation.Scores s : scores) {
        b.append(String.format("%-14s %5d %8d %8d %12.4f %14.4f %14.5f%n", s.name(), s.dimensions(), s.trainRows(), s.testRows(),
            s.knnAccuracy(), s.linearProbeAccuracy(), s.meanMseBySplit().getOrDefault("test", Double.NaN)));
      }
      return b.toString();
    }
  }

  public static EvaluationResult evaluate(SparkSession spark, LatentSparkConfig cfg, Map<String, String> tables, RunLayout out,
      boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.evaluation()), conf, overwrite);
    List<Evaluation.Scores> scores = new ArrayList<>();
    for (Map.Entry<String, String> t : tables.entrySet()) {
      requireTable(t.getValue(), conf);
      Evaluation.Scores s = Evaluation.of(t.getKey(), spark.read().parquet(t.getValue()), cfg.evaluate(), cfg.seed());
      LOG.info("{}: kNN accuracy {}, linear probe {}", t.getKey(), s.knnAccuracy(), s.linearProbeAccuracy());
      scores.add(s);
    }
    EvaluationResult r = new EvaluationResult(scores, cfg.evaluate().k());
    Outputs.writeAtomically(new Path(out.evaluation()), conf, overwrite, staging -> Outputs.writeString(staging, r.json(), conf));
    return r;
  }

  /** Anomaly detection summary. */
  public record AnomalyResult(String table, Map<String, Double> thresholds, long scoredRows, long flaggedRows, long anomalousRows,
      double auroc, String score, double quantile) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("table", table);
      n.put("score", score);
      n.put("quantile", quantile);
      n.set("thresholds", Json.MAPPER.valueToTree(thresholds));
      n.put("scored_rows", scoredRows);
      n.put("flagged_rows", flaggedRows);
      if (anomalousRows >= 0) {
        n.put("anomalous_rows", anomalousRows);
      }
      if (!Double.isNaN(auroc)) {
        n.put("auroc", auroc);
      }
      return n.toString();
    }
  }

  /** Scores and flags the feature table at {@code featuresDir}; writes {@code out/anomalies}. */
  public static AnomalyResult anomaly(SparkSession spark, LatentSparkConfig cfg, String featuresDir, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.anomalies()), conf, overwrite);
    requireTable(featuresDir, conf);
    AnomalyDetector.Result r = AnomalyDetector.run(spark.read().parquet(featuresDir), cfg.anomaly());
    SparkEncoder.writeParquet(r.flagged(), out.anomalies(), conf, overwrite);
    return new AnomalyResult(out.anomalies(), r.thresholds(), r.scoredRows(), r.flaggedRows(), r.anomalousRows(), r.auroc(),
        cfg.anomaly().score(), cfg.anomaly().quantile());
  }

  /** Searches the feature table for each query image; writes {@code out/search.csv} (query,rank,id,path,label,distance). */
  public static List<ImageSearch.Hit> search(SparkSession spark, LatentSparkConfig cfg, String modelDir, String featuresDir,
      List<String> queries, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.search()), conf, overwrite);
    requireTable(featuresDir, conf);
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("Give at least one query image path");
    }
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(queries));
    AutoencoderModel model = AutoencoderModel.load(modelDir, conf);
    Pipeline.checkShape(cfg, model, modelDir);
    float[][] codes = ImageSearch.encodeQueries(model, unique, cfg.data(), cfg.encode().layer(), new HadoopConf(conf));
    List<ImageSearch.Hit> hits = ImageSearch.nearest(spark.read().parquet(featuresDir), unique, codes, cfg.search().k());
    Outputs.writeAtomically(new Path(out.search()), conf, overwrite, staging -> {
      try (Writer w = new java.io.OutputStreamWriter(Outputs.fs(staging, conf).create(staging, true), java.nio.charset.StandardCharsets.UTF_8)) {
        w.write("query,rank,id,path,label,distance\n");
        for (ImageSearch.Hit h : hits) {
          w.write(ProjectorExport.csvField(h.query()) + "," + h.rank() + "," + ProjectorExport.csvField(h.id()) + "," + ProjectorExport.csvField(h.path()) + "," + (h.label() == null ? "" : ProjectorExport.csvField(h.label()))
              + "," + h.distance() + "\n");
        }
      }
    });
    return hits;
  }

  /** Imputation summary. */
  public record ImputeResult(String table, long rows, double mseMissing, double mseMissingMeanFill, String mask, int iterations) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("table", table);
      n.put("rows", rows);
      n.put("mask", mask);
      n.put("iterations", iterations);
      n.put("mse_missing", mseMissing);
      n.put("mse_missing_mean_fill", mseMissingMeanFill);
      return n.toString();
    }
  }

  /** Masks and imputes the configured split with the model; writes {@code out/imputed}. */
  public static ImputeResult impute(SparkSession spark, LatentSparkConfig cfg, String modelDir, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.imputed()), conf, overwrite);
    cfg.impute().mask(cfg.data()); // fail before loading anything
    AutoencoderModel model = AutoencoderModel.load(modelDir, conf);
    Pipeline.checkShape(cfg, model, modelDir);
    LoadedImages loaded = Pipeline.loadImages(spark, cfg);
    try {
      Imputer.Result r = Imputer.run(spark, model, loaded.images(), cfg.impute(), cfg.impute().mask(cfg.data()), cfg.data().channels(), cfg.encode().batchSize(), cfg.seed());
      SparkEncoder.writeParquet(r.table(), out.imputed(), conf, overwrite);
      return new ImputeResult(out.imputed(), r.rows(), r.mseMissing(), r.mseMissingMeanFill(), cfg.impute().maskText(), cfg.impute().iterations());
    } finally {
      loaded.unpersist();
    }
  }

  /** Denoising summary: MSE against the clean images of the corrupted input, its reconstruction, and the clean reconstruction. */
  public record DenoiseResult(String corruption, long rows, double corruptedInputMse, double denoisedMse, double cleanReconstructionMse) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("corruption", corruption);
      n.put("rows", rows);
      n.put("corrupted_input_mse", corruptedInputMse);
      n.put("denoised_mse", denoisedMse);
      n.put("clean_reconstruction_mse", cleanReconstructionMse);
      return n.toString();
    }
  }

  /**
   * Corrupts the test images as model.corruption.* says (whatever the model's type), reconstructs them with the
   * model and measures the MSE against the clean images; writes {@code out/denoising.json}.
   */
  public static DenoiseResult denoise(SparkSession spark, LatentSparkConfig cfg, String modelDir, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path target = new Path(out.out(), "denoising.json");
    Outputs.checkWritable(target, conf, overwrite);
    AutoencoderModel model = AutoencoderModel.load(modelDir, conf);
    Pipeline.checkShape(cfg, model, modelDir);
    var c = io.latentspark.model.NetworkFactory.corruption(cfg.model().corruption(), cfg.data().shape());
    LoadedImages loaded = Pipeline.loadImages(spark, cfg);
    try {
      var r = io.latentspark.analysis.Denoising.run(model, loaded.images(), io.latentspark.data.ImageSchema.TEST, c, cfg.encode().batchSize());
      DenoiseResult result = new DenoiseResult(r.corruption(), r.rows(), r.corruptedInputMse(), r.denoisedMse(), r.cleanReconstructionMse());
      Outputs.writeAtomically(target, conf, overwrite, staging -> Outputs.writeString(staging, result.json(), conf));
      return result;
    } finally {
      loaded.unpersist();
    }
  }

  /** A VAE's test negative ELBO (nats per image) and the file of images sampled from its prior. */
  public record VaeResult(long rows, double negativeElbo, double reconstruction, double kl, int samples, String samplesPng) {
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("split", io.latentspark.data.ImageSchema.TEST);
      n.put("rows", rows);
      n.put("negative_elbo_nats", negativeElbo);
      n.put("reconstruction_nats", reconstruction);
      n.put("kl_nats", kl);
      n.put("samples", samples);
      n.put("samples_png", samplesPng);
      return n.toString();
    }
  }

  /**
   * For a variational autoencoder: the single-sample negative ELBO of the test images, and {@code count} images
   * decoded from prior samples as a grid; writes {@code out/vae/} (elbo.json, samples.png) atomically.
   */
  public static VaeResult vae(SparkSession spark, LatentSparkConfig cfg, String modelDir, RunLayout out, int count, boolean overwrite) {
    if (count <= 0 || count > 10000) {
      throw new IllegalArgumentException("Cannot use --count " + count + ": the number of samples must be 1 to 10000");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path target = new Path(out.out(), "vae");
    Outputs.checkWritable(target, conf, overwrite);
    AutoencoderModel model = AutoencoderModel.load(modelDir, conf);
    Pipeline.checkShape(cfg, model, modelDir);
    io.latentspark.analysis.Variational.require(model, "The vae command");
    LoadedImages loaded = Pipeline.loadImages(spark, cfg);
    try {
      var e = io.latentspark.analysis.Variational.elbo(model, loaded.images(), io.latentspark.data.ImageSchema.TEST, cfg.encode().batchSize(),
          cfg.seed());
      List<float[]> samples = io.latentspark.analysis.Variational.samples(model, count, cfg.seed());
      byte[] png = io.latentspark.export.SpriteSheet.of(samples, cfg.data().channels(), cfg.data().height(), cfg.data().width()).png();
      VaeResult result = new VaeResult(e.rows(), e.negativeElbo(), e.reconstruction(), e.kl(), count, new Path(target, "samples.png").toString());
      Outputs.writeAtomically(target, conf, overwrite, staging -> {
        org.apache.hadoop.fs.FileSystem fs = Outputs.fs(staging, conf);
        fs.mkdirs(staging);
        try (java.io.OutputStream o = fs.create(new Path(staging, "samples.png"), true)) {
          o.write(png);
        }
        Outputs.writeString(new Path(staging, "elbo.json"), result.json(), conf);
      });
      LOG.info("VAE: test negative ELBO {} nats per image (reconstruction {}, KL {}) over {} images; {} prior samples in {}",
          String.format("%.2f", e.negativeElbo()), String.format("%.2f", e.reconstruction()), String.format("%.2f", e.kl()), e.rows(), count,
          result.samplesPng());
      return result;
    } finally {
      loaded.unpersist();
    }
  }

  private static void requireTable(String dir, Configuration conf) {
    if (!Outputs.exists(new Path(dir), conf)) {
      throw new IllegalArgumentException("Feature table " + dir + " does not exist (run encode or pca first, or pass its path)");
    }
  }

}
