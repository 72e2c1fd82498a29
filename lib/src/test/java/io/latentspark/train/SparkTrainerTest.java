package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.data.SyntheticImages;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.model.ModelFormatException;
import io.latentspark.model.ModelRoundTrip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainerTest extends SparkTestBase {

  private static final String[] SMALL = {
      "data.synthetic.trainCount=1200", "data.synthetic.testCount=200", "data.height=16", "data.width=16",
      "model.encoderLayers=[64]", "model.latentSize=8", "train.batchSizePerWorker=32", "train.learningRate=0.003"};

  private static LatentSparkConfig small(String... more) {
    List<String> sets = new ArrayList<>(List.of(SMALL));
    sets.addAll(List.of(more));
    return TestData.config(sets.toArray(String[]::new));
  }

  private static List<float[]> pixels(List<Row> rows) {
    List<float[]> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    return out;
  }

  private static double meanMse(AutoencoderModel m, List<float[]> px) {
    double s = 0;
    for (double v : BatchEncoder.of(NetworkSnapshot.of(m)).encode(px).mse()) {
      s += v;
    }
    return s / px.size();
  }

  @Test
  void trainsWithCheckpointsAndHistoryAndRoundTrips(@TempDir Path dir) throws IOException {
    LatentSparkConfig cfg = small("train.epochs=3", "train.keepCheckpoints=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    List<EpochStats> seen = new ArrayList<>();
    AutoencoderModel model = new SparkTrainer(cfg).train(spark, images,
        new TrainingRun("synthetic", dir.resolve("ckpt").toString(), dir.resolve("work").toUri().toString(), (s, m) -> seen.add(s)));
    assertEquals(3, model.history().size());
    assertEquals(model.history(), seen);
    EpochStats first = model.history().get(0);
    EpochStats last = model.history().get(2);
    assertEquals("validation", last.validationSplit());
    assertTrue(last.validationMse() < first.validationMse(), "validation loss goes down: " + model.history());
    assertTrue(last.trainMse() < first.trainMse(), "training loss goes down: " + model.history());
    // one checkpoint per epoch, only the newest two kept; scratch space cleaned up
    try (var s = Files.list(dir.resolve("ckpt"))) {
      assertEquals(List.of("epoch-0002", "epoch-0003"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertFalse(Files.exists(dir.resolve("work")), "scratch directory deleted");
    AutoencoderModel ckpt = AutoencoderModel.load(dir.resolve("ckpt/epoch-0003").toString(), new Configuration());
    assertEquals(3, ckpt.history().size());

    List<float[]> probe = pixels(images.where("split = 'test'").limit(50).collectAsList());
    assertEquals(last.validationMse(), meanMse(model, pixels(images.where("split = 'validation'").collectAsList())), 1e-6,
        "the reported validation MSE is the mean per-pixel MSE of the validation split");
    ModelRoundTrip.check(model, dir.resolve("model").toString(), probe);
    IllegalStateException again = assertThrows(IllegalStateException.class,
        () -> model.save(dir.resolve("model").toString(), new Configuration(), false));
    assertTrue(again.getMessage().endsWith("already exists: use --overwrite to replace it, or choose another --out"), again.getMessage());
    images.unpersist();
  }

  @Test
  void standardizedInputsRoundTrip(@TempDir Path dir) {
    LatentSparkConfig cfg = small("train.epochs=1", "data.normalize=standardize", "model.outputActivation=identity");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images();
    AutoencoderModel model = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    assertEquals("standardize", model.normalizer().type());
    // statistics from the training split only: the normaliser maps the train-split mean image to zero
    List<float[]> train = pixels(images.where("split = 'train'").collectAsList());
    float[] mean = new float[train.get(0).length];
    for (float[] p : train) {
      for (int k = 0; k < mean.length; k++) {
        mean[k] += p[k] / train.size();
      }
    }
    for (float v : model.normalizer().apply(mean.clone())) {
      assertEquals(0f, v, 1e-3f);
    }
    ModelRoundTrip.check(model, dir.resolve("m").toString(), pixels(images.limit(20).collectAsList()));
  }

  /**
   * With one worker, parameter averaging is plain sequential training: it must reach the same loss as
   * single-JVM training of the same network with the same seed on the same data.
   */
  @Test
  void oneSparkWorkerMatchesSingleJvmTraining(@TempDir Path dir) {
    LatentSparkConfig cfg = small("train.epochs=4", "train.workers=1", "data.partitions=1", "data.validationFraction=0");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    List<float[]> train = pixels(images.where("split = 'train'").collectAsList());
    List<float[]> test = pixels(images.where("split = 'test'").collectAsList());
    AutoencoderModel local = new LocalTrainer(cfg).train(train, "synthetic");
    AutoencoderModel distributed = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    double localMse = meanMse(local, test);
    double sparkMse = meanMse(distributed, test);
    double untrained = meanMse(new LocalTrainer(small("train.epochs=1")).untrained(), test);
    assertTrue(localMse < 0.5 * untrained, "single-JVM training learns: " + localMse + " vs untrained " + untrained);
    assertEquals(localMse, sparkMse, 0.10 * localMse, "Spark (1 worker) " + sparkMse + " vs single JVM " + localMse);
    images.unpersist();
  }

  @Test
  void emptyTrainSplitIsAClearError(@TempDir Path dir) {
    LatentSparkConfig cfg = small();
    Dataset<Row> onlyTest = ImageSources.load(spark, cfg.data(), cfg.seed()).images().where("split = 'test'");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SparkTrainer(cfg).train(spark, onlyTest, new TrainingRun("synthetic", null, null, null)));
    assertEquals("The dataset synthetic has no rows in the train split", e.getMessage());
  }

  @Test
  void scratchDirMustBeOnTheDefaultFileSystem() {
    Configuration conf = new Configuration();
    assertEquals("file:/tmp/latentspark-app-1", SparkTrainer.scratchDir("", conf, "app-1").toString());
    assertEquals("/data/scratch", SparkTrainer.scratchDir("/data/scratch", conf, "x").toString());
    io.latentspark.config.ConfigError e = assertThrows(io.latentspark.config.ConfigError.class,
        () -> SparkTrainer.scratchDir("hdfs://127.0.0.1:9000/tmp", conf, "x"));
    assertEquals("Cannot set train.scratchDir to \"hdfs://127.0.0.1:9000/tmp\": it must be on the default file system file:/// "
        + "(fs.defaultFS), where dl4j-spark reads its exported minibatches back by path", e.getMessage());
  }

  @Test
  void loadRefusesMissingOrForeignDirectories(@TempDir Path dir) throws IOException {
    ModelFormatException missing = assertThrows(ModelFormatException.class,
        () -> AutoencoderModel.load(dir.resolve("none").toString(), new Configuration()));
    assertTrue(missing.getMessage().endsWith("none does not exist"), missing.getMessage());
    Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(dir.resolve("foreign/metadata.json"), "{}");
    ModelFormatException foreign = assertThrows(ModelFormatException.class,
        () -> AutoencoderModel.load(dir.resolve("foreign").toString(), new Configuration()));
    assertTrue(foreign.getMessage().contains("has no network.zip"), foreign.getMessage());
  }

  /** A denoising model trains on Spark with fresh corruption per minibatch, round-trips, and removes noise it was trained on. */
  @Test
  void denoisingAutoencoderTrainsOnSparkAndRemovesItsCorruption(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.3", "train.epochs=4",
        "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(3).validationMse() < 0.7 * h.get(0).validationMse(), "validation MSE must fall: " + h);
    List<float[]> probe = pixels(images.where("split = 'test'").limit(20).collectAsList());
    ModelRoundTrip.check(m, dir.resolve("model").toString(), probe);
    var corruption = io.latentspark.model.NetworkFactory.corruption(cfg.model(), cfg.data());
    var r = io.latentspark.analysis.Denoising.run(m, images, ImageSchema.TEST, corruption, 64);
    assertEquals(200, r.rows());
    assertTrue(r.denoisedMse() < r.corruptedInputMse(), "denoised " + r.denoisedMse() + " vs corrupted input " + r.corruptedInputMse());
    assertTrue(r.cleanReconstructionMse() <= r.denoisedMse() * 1.05, "clean input reconstructs at least about as well: " + r);
  }

  /** A sparse (KL) model trains on Spark, its custom layer survives save/load, and its codes are sparser than a dense model's. */
  @Test
  void sparseAutoencoderTrainsOnSparkWithItsPenalty(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=sparse", "model.latentActivation=sigmoid", "model.sparsity.penalty=kl",
        "model.sparsity.weight=0.5", "model.sparsity.target=0.05", "train.epochs=4", "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(3).validationMse() < h.get(0).validationMse(), "validation MSE must fall: " + h);
    List<float[]> probe = pixels(images.where("split = 'test'").limit(50).collectAsList());
    ModelRoundTrip.check(m, dir.resolve("model").toString(), probe);
    double sparseMean = meanCode(m, probe);
    AutoencoderModel dense = new SparkTrainer(small("model.latentActivation=sigmoid", "train.epochs=4", "train.workers=2"))
        .train(spark, images, new TrainingRun("synthetic", null, null, null));
    double denseMean = meanCode(dense, probe);
    assertTrue(sparseMean < 0.5 * denseMean, "mean code activation " + sparseMean + " (sparse) vs " + denseMean + " (dense)");
  }

  /** A contractive model (custom DL4J layer with parameters) trains on Spark and survives save/load. */
  @Test
  void contractiveAutoencoderTrainsOnSpark(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=contractive", "model.latentActivation=sigmoid", "model.contractive.lambda=0.05",
        "train.epochs=3", "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(2).validationMse() < h.get(0).validationMse(), "validation MSE must fall: " + h);
    ModelRoundTrip.check(m, dir.resolve("model").toString(), pixels(images.where("split = 'test'").limit(20).collectAsList()));
  }

  private static double meanCode(AutoencoderModel m, List<float[]> px) {
    double s = 0;
    int n = 0;
    for (float[] z : BatchEncoder.of(NetworkSnapshot.of(m)).encode(px).z()) {
      for (float v : z) {
        s += v;
        n++;
      }
    }
    return s / n;
  }
}
