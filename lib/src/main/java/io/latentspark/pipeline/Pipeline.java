package io.latentspark.pipeline;

import io.latentspark.config.RunLayout;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.UriRules;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.data.LoadedImages;
import io.latentspark.encode.EncodeTally;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.export.ProjectorExport;
import io.latentspark.export.TsneMap;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.report.RunReport;
import io.latentspark.train.SparkTrainer;
import io.latentspark.train.TrainingRun;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Train, encode, export and the whole pipeline, on the Spark session given. */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private Pipeline() {}

  /** Loads the configured dataset (kept as data.cache says; bad files handled as data.onError says). */
  public static LoadedImages loadImages(SparkSession spark, LatentSparkConfig cfg) {
    return ImageSources.load(spark, cfg.data(), cfg.seed());
  }

  /** Trains on the configured dataset and saves {@code out/model} (checkpoints in {@code out/checkpoints}). */
  public static AutoencoderModel train(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite) {
    return train(spark, cfg, out, overwrite, false);
  }

  /**
   * As {@link #train(SparkSession, LatentSparkConfig, RunLayout, boolean)}; with {@code resume}, training
   * continues from the newest checkpoint in {@code out/checkpoints} up to train.epochs.
   */
  public static AutoencoderModel train(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite, boolean resume) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.model()), conf, overwrite);
    Outputs.checkWritable(new Path(out.report()), conf, overwrite);
    LoadedImages loaded = loadImages(spark, cfg);
    try {
      if (cfg.data().skipBadInput()) {
        long bad = loaded.quarantine().count();
        if (bad > 0) {
          LOG.warn("Training without {} bad input file(s) (data.onError = skip); encode or pipeline lists them in OUT/quarantine", bad);
        }
      }
      AutoencoderModel model = train(spark, cfg, loaded.images(), out, overwrite, resume);
      report(spark, cfg, model, loaded.images(), out, overwrite);
      return model;
    } finally {
      loaded.unpersist();
    }
  }

  static AutoencoderModel train(SparkSession spark, LatentSparkConfig cfg, Dataset<Row> images, RunLayout out, boolean overwrite,
      boolean resume) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String input = inputDescription(cfg);
    AutoencoderModel from = null;
    if (resume) {
      String latest = SparkTrainer.latestCheckpoint(out.checkpoints(), conf);
      LOG.info("Resuming from {}", latest);
      from = AutoencoderModel.load(latest, conf);
    }
    AutoencoderModel model = new SparkTrainer(cfg).train(spark, images,
        new TrainingRun(input, out.checkpoints(), null, null, from));
    model.save(out.model(), conf, overwrite);
    LOG.info("Saved the model to {}", out.model());
    return model;
  }

  /**
   * Result of encoding: input files or records found, rows written to the feature table, files quarantined
   * (rowsIn = rowsWritten + rowsQuarantined), and the mean reconstruction MSE and per-pixel BCE per split.
   */
  public record EncodeResult(String features, long rowsIn, long rowsWritten, long rowsQuarantined,
      java.util.Map<String, Double> meanMseBySplit, java.util.Map<String, Double> meanBceBySplit) {}

  /** Encodes the configured dataset with the model at {@code modelDir} into {@code out/features}. */
  public static EncodeResult encode(SparkSession spark, LatentSparkConfig cfg, String modelDir, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.features()), conf, overwrite);
    AutoencoderModel model = AutoencoderModel.load(modelDir, conf);
    checkShape(cfg, model, modelDir);
    LoadedImages loaded = ImageSources.loadOnce(spark, cfg.data(), cfg.seed());
    try {
      return encode(spark, cfg, model, loaded, out, overwrite);
    } finally {
      loaded.unpersist();
    }
  }

  static EncodeResult encode(SparkSession spark, LatentSparkConfig cfg, AutoencoderModel model, LoadedImages loaded,
      RunLayout out, boolean overwrite) {
    return encode(spark, cfg, SparkEncoder.engine(spark, model, cfg.encode()), loaded, out, overwrite);
  }

  /**
   * Encodes the configured dataset with an ONNX encoder from elsewhere ({@code encoderFile}; {@code decoderFile} may be
   * null: the reconstruction errors are then NaN) into {@code out/features}, on ONNX Runtime. The images' shape comes
   * from data.channels/height/width, their normalisation from encode.onnx.mean/std; files are any Hadoop URI.
   */
  public static EncodeResult encodeOnnx(SparkSession spark, LatentSparkConfig cfg, String encoderFile, String decoderFile, RunLayout out,
      boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.features()), conf, overwrite);
    byte[] encoder = readOnnx(encoderFile, conf);
    byte[] decoder = decoderFile == null ? null : readOnnx(decoderFile, conf);
    var engine = io.latentspark.encode.OnnxFeatures.foreign(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()),
        encoderFile, encoder, decoderFile, decoder, cfg.data().shape(), cfg.encode());
    LoadedImages loaded = ImageSources.loadOnce(spark, cfg.data(), cfg.seed());
    try {
      return encode(spark, cfg, engine, loaded, out, overwrite);
    } finally {
      loaded.unpersist();
    }
  }

  private static byte[] readOnnx(String file, Configuration conf) {
    Path p = new Path(file);
    if (!Outputs.exists(p, conf)) {
      throw new IllegalArgumentException("ONNX file " + file + " does not exist");
    }
    return Outputs.readBytes(p, conf);
  }

  /** Writes the model at {@code modelDir} as ONNX graphs into {@code out/onnx} (see {@link io.latentspark.onnx.OnnxExport}). */
  public static io.latentspark.onnx.OnnxExport.Result exportOnnx(SparkSession spark, String modelDir, RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Outputs.checkWritable(new Path(out.onnx()), conf, overwrite);
    return io.latentspark.onnx.OnnxExport.write(AutoencoderModel.load(modelDir, conf), out.onnx(), conf, overwrite);
  }

  static EncodeResult encode(SparkSession spark, LatentSparkConfig cfg, io.latentspark.encode.FeatureEncoder engine, LoadedImages loaded,
      RunLayout out, boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long quarantined = cfg.data().skipBadInput() ? writeQuarantine(loaded, out, conf, overwrite) : 0;
    // one pass: the images are counted, and their errors summed by split, while they are encoded (not by a count of
    // the input or a read of the table written); the count is checked against the written files before they are
    // committed, so a short or empty table never appears at out.features
    EncodeTally tally = EncodeTally.register(spark.sparkContext(), "images encoded");
    SparkEncoder.write(SparkEncoder.encode(spark, engine, loaded.images(), cfg.encode().batchSize(), tally), out.features(), conf,
        overwrite, rows -> {
          if (tally.images() == 0) {
            throw new IllegalArgumentException("The dataset " + inputDescription(cfg) + " has no usable images: nothing to encode"
                + (quarantined > 0 ? " (" + quarantined + " bad file(s) are listed in " + out.quarantine() + ")" : ""));
          }
          if (rows != tally.images()) {
            throw new IllegalStateException("Encoding wrote " + rows + " rows to " + out.features() + " but read " + tally.images());
          }
        });
    long rowsWritten = tally.images();
    java.util.Map<String, Double> bySplit = tally.meanMse();
    java.util.Map<String, Double> bceBySplit = tally.meanBce();
    LOG.info("Encoded {} images into {}; mean reconstruction MSE by split {}, per-pixel BCE {}", rowsWritten, out.features(), bySplit,
        bceBySplit);
    return new EncodeResult(out.features(), rowsWritten + quarantined, rowsWritten, quarantined, bySplit, bceBySplit);
  }

  /** Writes the images left out as bad into {@code out/quarantine}; returns how many there are. */
  private static long writeQuarantine(LoadedImages loaded, RunLayout out, Configuration conf, boolean overwrite) {
    long[] rows = {0};
    SparkEncoder.writeParquet(loaded.quarantine(), out.quarantine(), conf, overwrite, n -> rows[0] = n);
    long quarantined = rows[0];
    if (quarantined > 0) {
      LOG.warn("Left out {} bad input file(s); they are listed with their reasons in {}", quarantined, out.quarantine());
    }
    return quarantined;
  }

  /** What export wrote: the projector files and, unless export.tsne.sampleSize = 0, the t-SNE map (else null). */
  public record ExportResult(ProjectorExport.Result projector, TsneMap.Result tsne) {}

  /**
   * Writes projector files and CSV of a stratified sample of the feature table at {@code featuresDir} to
   * {@code out/export} (with sprite.png from the configured dataset when export.sprite), and the t-SNE map to
   * {@code out/tsne}.
   */
  public static ExportResult export(SparkSession spark, LatentSparkConfig cfg, String featuresDir, RunLayout out, boolean overwrite) {
    if (!cfg.export().sprite()) {
      return export(spark, cfg, featuresDir, null, out, overwrite);
    }
    LoadedImages loaded = loadImages(spark, cfg);
    try {
      return export(spark, cfg, featuresDir, loaded.images(), out, overwrite);
    } finally {
      loaded.unpersist();
    }
  }

  static ExportResult export(SparkSession spark, LatentSparkConfig cfg, String featuresDir, Dataset<Row> images, RunLayout out,
      boolean overwrite) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    requireTable(featuresDir, conf);
    Outputs.checkWritable(new Path(out.tsne()), conf, overwrite);
    Dataset<Row> features = spark.read().parquet(featuresDir);
    var d = cfg.data();
    ProjectorExport.Images sprite = images == null ? null : new ProjectorExport.Images(images, d.channels(), d.height(), d.width());
    ProjectorExport.Result r = ProjectorExport.write(features, sprite, cfg.export(), cfg.seed(), out.export(), conf, overwrite);
    LOG.info("Exported {} rows x {} dimensions to {}{}", r.rows(), r.dimensions(), r.dir(), r.sprite() ? " with a sprite" : "");
    TsneMap.Result tsne = null;
    if (cfg.export().tsneSampleSize() > 0) {
      tsne = TsneMap.write(features, cfg.export(), cfg.seed(), out.tsne(), conf, overwrite);
    }
    if (tsne != null) {
      LOG.info("t-SNE map of {} points in {} (t-SNE took {} s)", tsne.points(), tsne.dir(), String.format("%.1f", tsne.tsneSeconds()));
    }
    return new ExportResult(r, tsne);
  }

  /** Writes the HTML run report {@code out/report} from what the run directory holds (see {@link RunReport}). */
  public static RunReport.Result report(SparkSession spark, LatentSparkConfig cfg, AutoencoderModel model, Dataset<Row> images, RunLayout out,
      boolean overwrite) {
    RunReport.Result r = RunReport.write(spark, cfg, model, images, out, overwrite);
    LOG.info("Report: {}/{}", r.dir(), RunReport.INDEX);
    return r;
  }

  /** Rebuilds {@code out/report} from {@code out/model}, the feature table and t-SNE map there, and the configured dataset. */
  public static RunReport.Result report(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite) {
    AutoencoderModel model = AutoencoderModel.load(out.model(), spark.sparkContext().hadoopConfiguration());
    checkShape(cfg, model, out.model());
    LoadedImages loaded = loadImages(spark, cfg);
    try {
      return report(spark, cfg, model, loaded.images(), out, overwrite);
    } finally {
      loaded.unpersist();
    }
  }

  /** Result of the whole pipeline. */
  public record PipelineResult(AutoencoderModel model, EncodeResult encoded, ExportResult exported, double seconds) {}

  /** Train, then encode the same dataset with the trained model, then export; writes {@code out/summary.json}. */
  public static PipelineResult run(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite) {
    return run(spark, cfg, out, overwrite, false);
  }

  /** The pipeline; with {@code resume}, its training step continues from the newest checkpoint. */
  public static PipelineResult run(SparkSession spark, LatentSparkConfig cfg, RunLayout out, boolean overwrite, boolean resume) {
    long start = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    for (String target : List.of(out.model(), out.features(), out.export(), out.tsne(), out.report(), out.summary(), out.quarantine())) {
      Outputs.checkWritable(new Path(target), conf, overwrite);
    }
    LoadedImages loaded = loadImages(spark, cfg);
    try {
      AutoencoderModel model = train(spark, cfg, loaded.images(), out, overwrite, resume);
      EncodeResult encoded = encode(spark, cfg, model, loaded, out, overwrite);
      ExportResult exported = export(spark, cfg, out.features(), loaded.images(), out, overwrite);
      report(spark, cfg, model, loaded.images(), out, overwrite);
      double seconds = (System.nanoTime() - start) / 1e9;
      Outputs.writeString(new Path(out.summary()), summaryJson(cfg, model, encoded, exported, seconds), conf);
      return new PipelineResult(model, encoded, exported, seconds);
    } finally {
      loaded.unpersist();
    }
  }

  static String summaryJson(LatentSparkConfig cfg, AutoencoderModel model, EncodeResult encoded, ExportResult exported, double seconds) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("input", inputDescription(cfg));
    s.put("seconds", seconds);
    s.put("epochs", model.history().size());
    List<EpochStats> h = model.history();
    if (!h.isEmpty()) {
      s.set("lastEpoch", Json.MAPPER.valueToTree(h.get(h.size() - 1)));
    }
    s.put("rowsIn", encoded.rowsIn());
    s.put("rowsEncoded", encoded.rowsWritten());
    s.put("rowsQuarantined", encoded.rowsQuarantined());
    s.set("meanReconstructionMseBySplit", Json.MAPPER.valueToTree(encoded.meanMseBySplit()));
    s.set("meanReconstructionBceBySplit", Json.MAPPER.valueToTree(encoded.meanBceBySplit()));
    s.put("exportRows", exported.projector().rows());
    s.put("latentSize", exported.projector().dimensions());
    if (exported.tsne() != null) {
      s.put("tsnePoints", exported.tsne().points());
      s.put("tsneSeconds", exported.tsne().tsneSeconds());
    }
    return Json.write(s);
  }

  /** Fails clearly unless the feature table {@code dir} exists (the message names no CLI flag). */
  static void requireTable(String dir, Configuration conf) {
    if (!Outputs.exists(new Path(dir), conf)) {
      throw new IllegalArgumentException("Feature table " + dir + " does not exist (run encode or pca first, or give its path)");
    }
  }

  static void checkShape(LatentSparkConfig cfg, AutoencoderModel model, String modelDir) {
    var d = cfg.data();
    var m = model.config().data();
    if (d.height() != m.height() || d.width() != m.width() || d.channels() != m.channels()) {
      throw new IllegalArgumentException("The model " + modelDir + " takes " + m.channels() + "x" + m.height() + "x" + m.width()
          + " images but data.channels/height/width are " + d.channels() + "x" + d.height() + "x" + d.width());
    }
  }

  static String inputDescription(LatentSparkConfig cfg) {
    return cfg.data().format() == io.latentspark.config.DataFormat.SYNTHETIC ? "synthetic:seed=" + cfg.seed() : UriRules.redact(cfg.data().path());
  }
}
