package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSources;
import io.latentspark.encode.Predictions;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.ClassifierModel;
import io.latentspark.pipeline.FinetuneAction;
import io.latentspark.pipeline.PredictAction;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** finetune on Spark: the frozen phase trains only the head, the open phase every layer, and the classifier learns the labels. */
class FineTunerTest extends SparkTestBase {

  private static final String[] SMALL = {
      "data.synthetic.trainCount=1200", "data.synthetic.testCount=300", "data.height=16", "data.width=16",
      "model.encoderLayers=[64]", "model.latentSize=8", "train.batchSizePerWorker=32", "train.learningRate=0.003", "train.workers=2",
      "train.epochs=4", "finetune.labels=200", "finetune.learningRate=0.003"};

  private static LatentSparkConfig config(String... more) {
    return TestData.config(java.util.stream.Stream.concat(java.util.Arrays.stream(SMALL), java.util.Arrays.stream(more)).toArray(String[]::new));
  }

  static Dataset<Row> images;
  static AutoencoderModel ae;

  /** One pretrained autoencoder (4 epochs) for both tests. */
  @BeforeAll
  static void pretrain() {
    LatentSparkConfig cfg = config();
    images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    ae = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
  }

  @Test
  void headLearnsOnFrozenCodesThenEveryLayerTrains() {
    LatentSparkConfig cfg = config("finetune.labels=0", "finetune.headEpochs=15", "finetune.epochs=0", "finetune.learningRate=0.01");
    int latent = ae.latentLayerIndex();
    INDArray encoderBefore = ae.network().getLayer(0).params().dup();

    ClassifierModel head = FineTuner.run(spark, ae, "ae", images, cfg);
    MultiLayerNetwork net = head.network();
    assertEquals(latent + 2, net.getnLayers(), "the encoder's layers and the head");
    for (int i = 0; i <= latent; i++) {
      assertTrue(ClassifierModel.frozen(net, i), "encoder layer " + i + " is frozen in the head phase");
    }
    assertEquals(0.0, net.getLayer(0).params().sub(encoderBefore).amaxNumber().doubleValue(), 0.0, "frozen: the encoder did not move");
    assertEquals(0.0, ae.network().getLayer(0).params().sub(encoderBefore).amaxNumber().doubleValue(), 0.0, "the autoencoder is not modified");
    assertEquals(10, head.classes().size());
    List<ClassifierModel.Epoch> h = head.history();
    assertEquals(15, h.size());
    assertTrue(h.stream().allMatch(e -> e.phase().equals("head") && e.accuracySplit().equals("test")), h.toString());
    assertTrue(h.get(13).accuracy() != h.get(13).accuracy(), "accuracy is measured at the end of a phase");
    MultiLayerNetwork untrained = ClassifierModel.network(ae.network(), latent, 8, 10, 0.01, cfg.seed(), true);
    double before = Predictions.accuracy(Predictions.table(spark, untrained, ae.normalizer(), head.classes(), images.where("split = 'test'"), 256, 64));
    assertTrue(h.get(14).trainLoss() < h.get(0).trainLoss() && h.get(14).accuracy() > Math.max(0.25, before + 0.15),
        "the head learns the ten shapes from the frozen codes (chance 0.1, the untrained head " + before + "): " + h);

    LatentSparkConfig both = config("finetune.labels=0", "finetune.headEpochs=2", "finetune.epochs=6", "finetune.learningRate=0.01");
    ClassifierModel tuned = FineTuner.run(spark, ae, "ae", images, both);
    assertEquals(List.of("head", "head", "all", "all", "all", "all", "all", "all"), tuned.history().stream().map(ClassifierModel.Epoch::phase).toList());
    assertTrue(!ClassifierModel.frozen(tuned.network(), 0));
    assertTrue(tuned.network().getLayer(0).params().sub(encoderBefore).amaxNumber().doubleValue() > 1e-4, "the open phase trains the encoder");
    assertTrue(tuned.history().get(7).accuracy() > 0.6 && tuned.history().get(7).accuracy() > tuned.history().get(1).accuracy() + 0.1,
        "training every layer beats the head alone: " + tuned.history());

    ClassifierModel scratch = FineTuner.run(spark, null, "scratch", images, config("finetune.init=scratch", "finetune.headEpochs=2", "finetune.epochs=3"));
    assertEquals(5, scratch.history().size());
    assertTrue(scratch.history().stream().allMatch(e -> e.phase().equals("all")), "from scratch every layer trains every epoch");
    assertEquals("scratch", scratch.encoderFrom());
  }

  @Test
  void finetuneAndPredictWriteTheClassifierAndTheTable(@TempDir Path dir) throws Exception {
    LatentSparkConfig cfg = config("finetune.headEpochs=1", "finetune.epochs=1");
    RunLayout out = new RunLayout(dir.toString());
    ae.save(out.model(), new Configuration(), false);
    FinetuneAction.Result r = new FinetuneAction(spark, cfg, out).execute();
    assertEquals(200, r.labelledImages());
    assertEquals("pretrained", r.init());
    Dataset<Row> table = spark.read().parquet(out.predictions());
    assertEquals(1500, table.count());
    assertEquals(List.of("id", "label", "split", "predicted", "probabilities"), List.of(table.columns()));
    for (Row row : table.limit(20).collectAsList()) {
      List<Float> p = row.getList(4);
      assertEquals(10, p.size());
      assertEquals(1.0, p.stream().mapToDouble(Float::doubleValue).sum(), 1e-4);
    }
    double testAcc = Predictions.accuracy(table.where("split = 'test'"));
    assertEquals(r.accuracy(), testAcc, 1e-9, "the reported accuracy is the written table's");

    ClassifierModel loaded = ClassifierModel.load(out.classifier(), new Configuration());
    assertEquals(r.classes(), loaded.classes());
    var p = new PredictAction(spark, cfg, new RunLayout(dir.resolve("again").toString())).classifier(out.classifier()).execute();
    assertEquals(1500, p.rows());
    assertEquals(testAcc, p.accuracyBySplit().get("test"), 1e-9, "a loaded classifier predicts what the trained one did");

    var missing = assertThrows(io.latentspark.model.ModelFormatException.class,
        () -> new PredictAction(spark, cfg, new RunLayout(dir.resolve("x").toString())).classifier(dir.resolve("nothing").toString()).execute());
    assertTrue(missing.getMessage().contains("nothing") && missing.getMessage().contains("classifier.json"), missing.getMessage());
  }

  /** Any encoder type: a convolutional autoencoder's and a VAE's encoders fine-tune too (the VAE's head reads its code sample). */
  @Test
  void convolutionalAndVariationalEncodersFineTune() {
    for (String[] type : new String[][] {{"model.type=conv", "model.conv.channels=[4, 8]"}, {"model.type=vae", "model.loss=bce"}}) {
      LatentSparkConfig cfg = config(concat(type, "train.epochs=1", "finetune.headEpochs=1", "finetune.epochs=1"));
      AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
      ClassifierModel c = FineTuner.run(spark, m, type[0], images, cfg);
      assertEquals(m.latentLayerIndex() + 2, c.network().getnLayers(), type[0]);
      double acc = c.history().get(1).accuracy();
      assertTrue(acc >= 0 && acc <= 1, type[0] + ": " + c.history());
    }
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
  }
}
