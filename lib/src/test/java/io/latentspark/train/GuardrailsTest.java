package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSources;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence detection, resume from a checkpoint, early stopping and the per-worker loss spread. */
class GuardrailsTest extends SparkTestBase {
  static Dataset<Row> images;

  static LatentSparkConfig cfg(String... more) {
    List<String> sets = new ArrayList<>(List.of("data.synthetic.trainCount=1000", "data.synthetic.testCount=100", "data.height=12",
        "data.width=12", "model.encoderLayers=[32]", "model.latentSize=6", "train.batchSizePerWorker=25", "train.learningRate=0.003",
        "train.keepCheckpoints=5"));
    sets.addAll(List.of(more));
    return TestData.config(sets.toArray(String[]::new));
  }

  @BeforeAll
  static void data() {
    LatentSparkConfig c = cfg();
    images = ImageSources.load(spark, c.data(), c.seed()).images();
  }

  @AfterAll
  static void release() {
    images.unpersist();
  }

  private static TrainingRun run(Path dir, AutoencoderModel resumeFrom) {
    return new TrainingRun("synthetic", dir.resolve("checkpoints").toString(), null, null, resumeFrom);
  }

  @Test
  void anAbsurdLearningRateStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) {
    AutoencoderModel good = new SparkTrainer(cfg("train.epochs=2", "model.outputActivation=identity")).train(spark, images, run(dir, null));
    assertEquals(2, good.history().size());
    String ckpt = dir.resolve("checkpoints/epoch-0002").toString();
    AutoencoderModel resumeFrom = AutoencoderModel.load(ckpt, new Configuration());

    LatentSparkConfig absurd = cfg("train.epochs=4", "model.outputActivation=identity", "train.optimizer=sgd", "train.learningRate=10");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new SparkTrainer(absurd).train(spark, images, run(dir, resumeFrom)));
    assertTrue(e.getMessage().startsWith("Training diverged in epoch 3: the loss on worker "), e.getMessage());
    assertTrue(e.getMessage().endsWith("the last good checkpoint is " + new org.apache.hadoop.fs.Path(dir.resolve("checkpoints").toString(), "epoch-0002")
        + " (train --resume continues from it; lower train.learningRate first)"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("checkpoints/epoch-0003")), "no checkpoint of the diverged epoch");
    AutoencoderModel kept = AutoencoderModel.load(ckpt, new Configuration());
    assertEquals(good.history(), kept.history());
    assertFalse(kept.network().params().isNaN().any());
  }

  @Test
  void resumeContinuesFromTheCheckpointLikeAnUninterruptedRun(@TempDir Path dir) {
    AutoencoderModel whole = new SparkTrainer(cfg("train.epochs=4")).train(spark, images, run(dir.resolve("whole"), null));

    new SparkTrainer(cfg("train.epochs=2")).train(spark, images, run(dir.resolve("split"), null));
    String latest = SparkTrainer.latestCheckpoint(dir.resolve("split/checkpoints").toString(), new Configuration());
    assertTrue(latest.endsWith("epoch-0002"), latest);
    AutoencoderModel resumed = new SparkTrainer(cfg("train.epochs=4")).train(spark, images,
        run(dir.resolve("split"), AutoencoderModel.load(latest, new Configuration())));

    assertEquals(4, resumed.history().size());
    assertEquals(whole.history().get(1).validationMse(), resumed.history().get(1).validationMse(), 1e-9,
        "the first two epochs are the same run (training is seeded)");
    double a = whole.history().get(3).validationMse();
    double b = resumed.history().get(3).validationMse();
    assertEquals(a, b, 0.05 * a, "resumed " + b + " vs uninterrupted " + a);
    assertTrue(b < resumed.history().get(1).validationMse(), "the resumed epochs kept learning");
  }

  @Test
  void earlyStoppingRule() {
    EarlyStopping s = new EarlyStopping(2);
    assertTrue(s.improved(1, 0.5));
    assertTrue(s.improved(2, 0.4));
    assertFalse(s.improved(3, 0.45));
    assertFalse(s.shouldStop(3));
    assertFalse(s.improved(4, 0.41));
    assertTrue(s.shouldStop(4));
    assertEquals(2, s.bestEpoch());
    assertFalse(new EarlyStopping(0).shouldStop(100), "patience 0 is off");
  }

  @Test
  void earlyStoppingKeepsTheBestEpochsParameters(@TempDir Path dir) {
    // at this learning rate the validation loss does not improve every epoch (seeded, so the same every run)
    AutoencoderModel m = new SparkTrainer(cfg("train.epochs=12", "train.earlyStoppingPatience=1", "train.learningRate=0.1"))
        .train(spark, images, run(dir, null));
    List<EpochStats> h = m.history();
    double best = h.stream().mapToDouble(EpochStats::validationMse).min().orElseThrow();
    int bestEpoch = h.stream().filter(s -> s.validationMse() == best).findFirst().orElseThrow().epoch();
    assertTrue(h.size() < 12, "stopped early: " + h.size() + " epochs");
    assertEquals(bestEpoch + 1, h.size(), "stopped one epoch after the best one");
    List<float[]> val = new ArrayList<>();
    for (Row r : images.where("split = 'validation'").collectAsList()) {
      val.add(io.latentspark.data.ImageSchema.pixels(r, r.fieldIndex("pixels")));
    }
    double mse = 0;
    for (double v : io.latentspark.encode.BatchEncoder.of(io.latentspark.encode.NetworkSnapshot.of(m)).encode(val).mse()) {
      mse += v / val.size();
    }
    assertEquals(best, mse, 1e-6, "the returned model has the best epoch's parameters");
  }

  @Test
  void workerLossSpreadIsReported(@TempDir Path dir) {
    AutoencoderModel m = new SparkTrainer(cfg("train.epochs=1", "train.workers=2")).train(spark, images, run(dir, null));
    EpochStats s = m.history().get(0);
    assertTrue(Double.isFinite(s.workerLossMin()) && Double.isFinite(s.workerLossMax()), s.toString());
    assertTrue(s.workerLossMin() <= s.workerLossMax());
    assertTrue(s.workerLossMin() > 0);
    double[] spread = SparkTrainer.workerSpread(List.of(new double[] {0, 1}, new double[] {0, 3}, new double[] {1, 5}));
    assertEquals(2.0, spread[0]);
    assertEquals(5.0, spread[1]);
  }
}
