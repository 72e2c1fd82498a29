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
    assertTrue(again.getMessage().endsWith("already exists: allow overwriting to replace it, or write to another output directory"),
        again.getMessage());
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

  /**
   * A convolutional denoising model (the type added as one spec class) corrupts only its first convolution's input
   * while training, trains on Spark, round-trips, and reconstructs corrupted images better than the same
   * convolutional network trained on clean ones.
   */
  @Test
  void convolutionalDenoisingAutoencoderTrainsOnSparkAndRemovesItsCorruption(@TempDir Path dir) {
    String[] conv = {"model.conv.channels=[8, 16]", "model.corruption.type=masking", "model.corruption.amount=0.5", "train.epochs=10",
        "train.learningRate=0.01", "train.workers=2"};
    LatentSparkConfig cfg = small(concat(conv, "model.type=conv-denoising"));
    var conf = io.latentspark.model.NetworkFactory.build(cfg);
    var expected = new io.latentspark.model.Corruption("masking", 0.5, 0.4, 1, 16, 16);
    assertEquals(expected, ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(0).getLayer()).getIDropout(), "first convolution");
    for (int i = 1; i < conf.getConfs().size(); i++) {
      if (conf.getConf(i).getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
        assertEquals(null, b.getIDropout(), "layer " + i + " trains on clean activations");
      }
    }
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(9).validationMse() < 0.8 * h.get(0).validationMse(), "validation MSE must fall: " + h);
    List<float[]> probe = pixels(images.where("split = 'test'").limit(20).collectAsList());
    ModelRoundTrip.check(m, dir.resolve("model").toString(), probe);
    var corruption = io.latentspark.model.NetworkFactory.corruption(cfg.model(), cfg.data());
    var denoiser = io.latentspark.analysis.Denoising.run(m, images, ImageSchema.TEST, corruption, 64);
    AutoencoderModel plain = new SparkTrainer(small(concat(conv, "model.type=conv"))).train(images, new TrainingRun("synthetic", null, null, null));
    var baseline = io.latentspark.analysis.Denoising.run(plain, images, ImageSchema.TEST, corruption, 64);
    assertEquals(200, denoiser.rows());
    assertTrue(denoiser.denoisedMse() < baseline.denoisedMse(), "from half-masked images: denoiser " + denoiser + " vs conv " + baseline);
    images.unpersist();
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
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

  /**
   * Greedy layer-wise pretraining on Spark: each encoder layer and its mirror, trained as a shallow autoencoder of
   * the codes below it, already make the deep network reconstruct far better than its random initialisation; the
   * stacked model then fine-tunes end to end on Spark and survives save/load.
   */
  @Test
  void stackedAutoencoderPretrainsLayerByLayerOnSparkThenFineTunes(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=stacked", "model.encoderLayers=[64, 32]", "model.stacked.pretrainEpochs=3", "train.epochs=2",
        "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    List<float[]> val = pixels(images.where("split = 'validation'").collectAsList());
    var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(io.latentspark.model.NetworkFactory.build(cfg));
    net.init();
    io.latentspark.model.InputNormalizer unit = io.latentspark.model.InputNormalizer.unit();
    double untrained = meanMse(new AutoencoderModel(net.clone(), unit, cfg, "synthetic", List.of()), val);
    org.apache.spark.api.java.JavaSparkContext jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<GreedyPretrainer.Layer> layers = GreedyPretrainer.pretrain(jsc, net, cfg, images.where("split = 'train'").repartition(2), unit,
        layer -> new org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster.Builder(2, 32).batchSizePerWorker(32)
            .averagingFrequency(5).rngSeed(7L).exportDirectory(dir.resolve("export-" + layer).toUri().toString()).build());
    assertEquals(List.of(0, 1, 2), layers.stream().map(GreedyPretrainer.Layer::index).toList());
    assertEquals(List.of(256L, 64L, 32L), layers.stream().map(GreedyPretrainer.Layer::nIn).toList());
    double pretrained = meanMse(new AutoencoderModel(net, unit, cfg, "synthetic", List.of()), val);
    assertTrue(pretrained < 0.7 * untrained, "stacked pretrained layers reconstruct: MSE " + pretrained + " vs untrained " + untrained
        + " (layers " + layers + ")");

    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(1).validationMse() < h.get(0).validationMse(), "fine-tuning lowers the validation MSE: " + h);
    assertTrue(h.get(0).validationMse() < untrained, "after pretraining and one fine-tuning epoch: " + h);
    ModelRoundTrip.check(m, dir.resolve("model").toString(), pixels(images.where("split = 'test'").limit(20).collectAsList()));
  }

  /** A convolutional autoencoder trains on Spark on grey and colour images and survives save/load. */
  @Test
  void convolutionalAutoencoderTrainsOnSpark(@TempDir Path dir) {
    for (int channels : new int[] {1, 3}) {
      LatentSparkConfig cfg = small("model.type=conv", "model.conv.channels=[8, 16]", "data.channels=" + channels, "train.epochs=3",
          "train.workers=2", "data.synthetic.trainCount=800");
      Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
      AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
      List<EpochStats> h = m.history();
      assertTrue(h.get(2).validationMse() < 0.8 * h.get(0).validationMse(), channels + " channel(s): validation MSE must fall: " + h);
      List<float[]> probe = pixels(images.where("split = 'test'").limit(20).collectAsList());
      ModelRoundTrip.check(m, dir.resolve("model-" + channels).toString(), probe);
      assertEquals(8, BatchEncoder.of(NetworkSnapshot.of(m)).encode(probe).z()[0].length, "codes of model.latentSize");
      images.unpersist();
    }
  }

  /**
   * A dense VAE trains on Spark (its sampling layer is an ordinary layer to dl4j-spark): the test negative ELBO
   * falls well below the untrained network's, encoding stores mu and the log-variance, prior samples are images.
   */
  @Test
  void variationalAutoencoderTrainsOnSparkAndSamples(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=vae", "model.loss=bce", "train.epochs=4", "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel untrained = new LocalTrainer(cfg).untrained();
    var before = io.latentspark.analysis.Variational.elbo(untrained, images, "test", 64, 1L);
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(3).validationMse() < h.get(0).validationMse(), "validation MSE must fall: " + h);
    var after = io.latentspark.analysis.Variational.elbo(m, images, "test", 64, 1L);
    assertEquals(200, after.rows());
    assertEquals(after.reconstruction() + after.kl(), after.negativeElbo(), 1e-9);
    assertTrue(after.kl() > 0, "the KL term is positive: " + after);
    assertTrue(after.negativeElbo() < 0.8 * before.negativeElbo(), "negative ELBO " + after + " vs untrained " + before);
    List<float[]> probe = pixels(images.where("split = 'test'").limit(20).collectAsList());
    ModelRoundTrip.check(m, dir.resolve("model").toString(), probe);

    Row row = io.latentspark.encode.SparkEncoder.encode(spark, m, images.where("split = 'test'"), 64).first();
    assertEquals(8, row.getList(row.fieldIndex("z")).size());
    List<Float> logVar = row.getList(row.fieldIndex(io.latentspark.encode.FeatureSchema.Z_LOG_VAR));
    assertEquals(8, logVar.size());
    assertTrue(logVar.stream().allMatch(v -> Float.isFinite(v)), "log-variances " + logVar);

    List<float[]> samples = io.latentspark.analysis.Variational.samples(m, 16, 3L);
    assertEquals(16, samples.size());
    for (float[] s : samples) {
      assertEquals(256, s.length);
      for (float v : s) {
        assertTrue(v >= 0 && v <= 1, "sampled pixels are in [0,1]: " + v);
      }
    }
    assertFalse(java.util.Arrays.equals(samples.get(0), samples.get(1)), "different prior samples decode to different images");
    images.unpersist();
  }

  /** A convolutional VAE trains on Spark and survives save/load. */
  @Test
  void convolutionalVariationalAutoencoderTrainsOnSpark(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=vae", "model.vae.architecture=conv", "model.conv.channels=[8, 16]", "model.loss=bce",
        "train.epochs=3", "train.workers=2", "data.synthetic.trainCount=800");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(2).validationMse() < h.get(0).validationMse(), "validation MSE must fall: " + h);
    ModelRoundTrip.check(m, dir.resolve("model").toString(), pixels(images.where("split = 'test'").limit(20).collectAsList()));
    images.unpersist();
  }

  /** The LSTM sequence-to-sequence autoencoder (image rows as time steps) trains on Spark and survives save/load. */
  @Test
  void sequenceToSequenceAutoencoderTrainsOnSpark(@TempDir Path dir) {
    LatentSparkConfig cfg = small("model.type=seq2seq", "model.seq2seq.hidden=32", "train.epochs=3", "train.workers=2",
        "data.synthetic.trainCount=800", "train.learningRate=0.005");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(2).validationMse() < 0.9 * h.get(0).validationMse(), "validation MSE must fall: " + h);
    ModelRoundTrip.check(m, dir.resolve("model").toString(), pixels(images.where("split = 'test'").limit(20).collectAsList()));
    images.unpersist();
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
