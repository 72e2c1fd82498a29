package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** LatentSpark's own parameter averaging engine (train.engine = latentspark). */
class ParameterAveragingTest extends SparkTestBase {

  @Test
  void permutationIsABijectionOfTheRowIndices() {
    for (long n : new long[] {1, 2, 3, 7, 12, 97, 100, 1000, 4096, 60000}) {
      ParameterAveraging.Permutation p = ParameterAveraging.Permutation.of(n, 42);
      boolean[] seen = new boolean[(int) n];
      for (long i = 0; i < n; i++) {
        long j = p.apply(i);
        assertTrue(j >= 0 && j < n && !seen[(int) j], "n = " + n + ": " + i + " -> " + j);
        seen[(int) j] = true;
      }
    }
    // beyond 2^31 rows the product is computed without overflow
    ParameterAveraging.Permutation big = ParameterAveraging.Permutation.of(5_000_000_000L, 1);
    assertEquals(java.math.BigInteger.valueOf(big.a()).multiply(java.math.BigInteger.valueOf(4_999_999_999L)).add(java.math.BigInteger.valueOf(big.b()))
        .mod(java.math.BigInteger.valueOf(big.n())).longValue(), big.apply(4_999_999_999L));
  }

  /** 1,000 rows stored in label order (like a folder dataset read class by class); pixel 0 = label / 10, pixel 1 = row / 1000. */
  private static Dataset<Row> labelSorted(int rows, int pixels) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int label = i * 10 / rows;
      List<Float> px = new ArrayList<>();
      px.add(label / 10f);
      px.add(i / (float) rows);
      for (int k = 2; k < pixels; k++) {
        px.add(0.5f);
      }
      out.add(RowFactory.create("r" + i, "mem://" + i, Integer.toString(label), ImageSchema.TRAIN, px));
    }
    return spark.createDataFrame(out, ImageSchema.SCHEMA).repartition(3);
  }

  private static ParameterAveraging prepare(Dataset<Row> rows, int workers, int batch, int frequency) {
    LatentSparkConfig cfg = TestData.config("data.height=4", "data.width=4", "model.encoderLayers=[8]", "model.latentSize=2");
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    WorkerMonitor monitor = new WorkerMonitor(jsc.sc().collectionAccumulator(), 1);
    return ParameterAveraging.prepare(new TrainingSetup(jsc, net, rows, rows.count(), InputNormalizer.unit(), 16, workers, batch, frequency, 4, monitor, 7, Batches.AUTOENCODER));
  }

  @Test
  void everyRowLandsInExactlyOneMinibatchOfItsRoundAndLabelsAreMixed() {
    Dataset<Row> rows = labelSorted(1000, 16);
    try (ParameterAveraging pa = prepare(rows, 2, 32, 5)) {
      // 32 minibatches (31 full, one of 8 rows), 5 per worker and round: 7 partitions, 4 rounds
      assertEquals(7, pa.batches().getNumPartitions());
      assertEquals(4, pa.rounds());
      List<List<float[]>> parts = pa.batches().glom().collect();
      Set<Integer> rowIds = new HashSet<>();
      int minibatches = 0;
      for (int p = 0; p < parts.size(); p++) {
        List<float[]> part = parts.get(p);
        assertEquals(p < 6 ? 5 : 2, part.size(), "minibatches in partition " + p);
        for (int b = 0; b < part.size(); b++) {
          float[] block = part.get(b);
          boolean last = p == 6 && b == part.size() - 1;
          assertEquals((last ? 8 : 32) * 16, block.length, "partition " + p + " minibatch " + b);
          Set<Float> labels = new HashSet<>();
          for (int r = 0; r < block.length / 16; r++) {
            labels.add(block[r * 16]);
            assertTrue(rowIds.add(Math.round(block[r * 16 + 1] * 1000)), "a row appears twice");
          }
          if (!last) {
            assertTrue(labels.size() >= 5, "a minibatch of label-sorted input mixes labels: " + labels);
          }
          minibatches++;
        }
      }
      assertEquals(32, minibatches);
      assertEquals(1000, rowIds.size(), "every row is in a minibatch");
    }
  }

  @Test
  void aSmallSplitIsSpreadOverAllWorkers() {
    // 10 minibatches and 2 workers averaging every 20: one round in which each worker fits 5
    try (ParameterAveraging pa = prepare(labelSorted(100, 16), 2, 10, 20)) {
      assertEquals(1, pa.rounds());
      assertEquals(List.of(5, 5), pa.batches().glom().map(List::size).collect());
    }
  }

  @Test
  void theAverageIsWeightedByMinibatchesAndIndependentOfArrivalOrder() {
    java.util.function.Supplier<ParameterAveraging.Contribution[]> three = () -> new ParameterAveraging.Contribution[] {
        new ParameterAveraging.Contribution(new float[] {1f, 0.1f}, new float[] {2f}, 5, 1.0, 10),
        new ParameterAveraging.Contribution(new float[] {3f, 0.3f}, new float[] {4f}, 5, 2.0, 30),
        new ParameterAveraging.Contribution(new float[] {7f, 0.7f}, new float[] {8f}, 2, 3.0, 20)};
    ParameterAveraging.Contribution[] a = three.get();
    ParameterAveraging.Contribution forward = a[0].add(a[1]).add(a[2]);
    ParameterAveraging.Contribution[] b = three.get();
    ParameterAveraging.Contribution backward = b[2].add(b[1]).add(b[0]);
    assertArrayEquals(new float[] {(5 * 1f + 5 * 3f + 2 * 7f) / 12, (float) ((5 * 0.1 + 5 * 0.3 + 2 * 0.7) / 12)}, forward.averageParams(), 1e-7f);
    assertArrayEquals(forward.averageParams(), backward.averageParams(), 0f);
    assertArrayEquals(forward.averageUpdater(), backward.averageUpdater(), 0f);
    assertEquals((5 * 2f + 5 * 4f + 2 * 8f) / 12, forward.averageUpdater()[0], 1e-6f);
    assertEquals(12, forward.batches);
    assertEquals(5, forward.maxBatches);
    assertEquals(30, forward.fitMs);
    ParameterAveraging.Contribution alone = new ParameterAveraging.Contribution(new float[] {0.3f}, new float[0], 4, 0, 0);
    assertArrayEquals(new float[] {0.3f}, alone.averageParams(), 0f, "one worker: its parameters as they are");
  }

  /** Sums on the executors in a tree: the same average as the driver's plain sum, and the driver takes in one result past the fan-in. */
  @Test
  void aTreeSumIsThePlainSumAndTheDriverTakesInAtMostFanInResults() {
    int size = 20_000;
    Map<Integer, Long> plainBytes = new java.util.TreeMap<>();
    Map<Integer, Long> treeBytes = new java.util.TreeMap<>();
    Map<Integer, Integer> treeResults = new java.util.TreeMap<>();
    for (int workers : List.of(2, 4, 8, 16, 32)) {
      List<ParameterAveraging.Contribution> cs = new ArrayList<>();
      java.util.Random rng = new java.util.Random(workers);
      for (int w = 0; w < workers; w++) {
        float[] p = new float[size];
        for (int i = 0; i < size; i++) {
          p[i] = 0.5f + rng.nextFloat() / 2; // one exponent: the double sums are exact in any order
        }
        cs.add(new ParameterAveraging.Contribution(p, new float[] {w}, 1 + w % 3, w, w));
      }
      ParameterAveraging.Contribution expected = copies(cs).get(0);
      for (ParameterAveraging.Contribution c : copies(cs).subList(1, workers)) {
        expected.add(c);
      }
      DriverResults plain = DriverResults.during(() -> ParameterAveraging.sum(jsc.parallelize(copies(cs), workers), 64));
      DriverResults tree = DriverResults.during(() -> ParameterAveraging.sum(jsc.parallelize(copies(cs), workers), 4));
      assertArrayEquals(expected.averageParams(), plain.sum.averageParams(), 0f);
      assertArrayEquals(expected.averageParams(), tree.sum.averageParams(), 0f, workers + " workers");
      assertArrayEquals(expected.averageUpdater(), tree.sum.averageUpdater(), 0f);
      assertEquals(expected.batches, tree.sum.batches);
      assertEquals(expected.lossSum, tree.sum.lossSum, 0);
      plainBytes.put(workers, plain.bytes);
      treeBytes.put(workers, tree.bytes);
      treeResults.put(workers, tree.results);
    }
    System.out.println("bytes the driver takes in, " + size + " parameters: plain " + plainBytes + ", tree (fan-in 4) " + treeBytes);
    for (int w : List.of(8, 16, 32)) {
      // one partial sum of doubles: 8 bytes per value (+ framing), whatever the number of workers
      assertEquals(1, treeResults.get(w), w + " workers: results the driver took in");
      assertEquals(8.0 * size, treeBytes.get(w), 0.05 * 8 * size, w + " workers: bytes the driver took in");
    }
    assertEquals(4, treeResults.get(4), "4 workers (= the fan-in): no tree");
    assertTrue(plainBytes.get(32) >= 32 * 4L * size, "plain, 32 workers: " + plainBytes.get(32));
    assertEquals(plainBytes.get(2), treeBytes.get(2), 0.05 * plainBytes.get(2), "2 workers: no tree");
  }

  private static List<ParameterAveraging.Contribution> copies(List<ParameterAveraging.Contribution> cs) {
    List<ParameterAveraging.Contribution> out = new ArrayList<>();
    for (ParameterAveraging.Contribution c : cs) {
      out.add(org.apache.commons.lang3.SerializationUtils.clone(c));
    }
    return out;
  }

  /** The result bytes and result-task count the driver received during one job (its result stage). */
  static final class DriverResults extends org.apache.spark.scheduler.SparkListener {
    long bytes;
    int results;
    ParameterAveraging.Contribution sum;

    static DriverResults during(java.util.function.Supplier<ParameterAveraging.Contribution> job) {
      DriverResults d = new DriverResults();
      drain();
      jsc.sc().addSparkListener(d);
      try {
        d.sum = job.get();
        drain();
      } finally {
        jsc.sc().removeSparkListener(d);
      }
      return d;
    }

    private static void drain() {
      try {
        jsc.sc().listenerBus().waitUntilEmpty(30_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain in 30 s", e);
      }
    }

    @Override
    public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if ("ResultTask".equals(end.taskType()) && end.taskMetrics() != null) {
        bytes += end.taskMetrics().resultSize();
        results++;
      }
    }
  }

  private static final String[] SMALL = {"data.synthetic.trainCount=1200", "data.synthetic.testCount=200", "data.height=16",
      "data.width=16", "model.encoderLayers=[64]", "model.latentSize=8", "train.batchSizePerWorker=32", "train.learningRate=0.003",
      "train.epochs=4", "train.workers=2"};

  private static double validationMse(AutoencoderModel m, Dataset<Row> images) {
    List<float[]> val = new ArrayList<>();
    for (Row r : images.where("split = 'validation'").collectAsList()) {
      val.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    double s = 0;
    for (double v : BatchEncoder.of(NetworkSnapshot.of(m)).encode(val).mse()) {
      s += v / val.size();
    }
    return s;
  }

  @Test
  void twoWorkerTrainingIsReproducibleAndMatchesTheSingleJvm() {
    LatentSparkConfig own = TestData.config(SMALL);
    Dataset<Row> images = ImageSources.load(spark, own.data(), own.seed()).images().cache();
    AutoencoderModel first = new SparkTrainer(own).train(spark, images, new TrainingRun("synthetic", null, null, null));
    AutoencoderModel again = new SparkTrainer(own).train(spark, images, new TrainingRun("synthetic", null, null, null));
    assertArrayEquals(first.network().params().toFloatVector(), again.network().params().toFloatVector(), 0f,
        "same seed, same data: the same parameters");

    List<String> sets = new ArrayList<>(List.of(SMALL));
    sets.add("train.engine=dl4j-spark");
    LatentSparkConfig dl4jCfg = TestData.config(sets.toArray(String[]::new));
    AutoencoderModel dl4j = new SparkTrainer(dl4jCfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<float[]> train = new ArrayList<>();
    for (Row r : images.where("split = 'train'").collectAsList()) {
      train.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    // the single-JVM reference takes the same examples per update: 2 workers x 32
    sets.set(sets.indexOf("train.batchSizePerWorker=32"), "train.batchSizePerWorker=64");
    AutoencoderModel local = new LocalTrainer(TestData.config(sets.toArray(String[]::new))).train(train, "synthetic");
    double untrained = validationMse(new LocalTrainer(own).untrained(), images);
    double ours = validationMse(first, images);
    double theirs = validationMse(dl4j, images);
    double single = validationMse(local, images);
    assertTrue(ours < 0.5 * untrained, "learns: " + ours + " vs untrained " + untrained);
    assertEquals(single, ours, 0.15 * single, "latentspark " + ours + " vs single JVM " + single + " after 4 epochs");
    assertTrue(ours <= 1.05 * theirs, "latentspark " + ours + " no worse than dl4j-spark " + theirs + " after 4 epochs");
    images.unpersist();
  }

  /** Six workers summed in a tree of fan-in 2 train the same network as the driver's plain sum, bit for bit, and reproducibly. */
  @Test
  void treeSummedTrainingIsThePlainSumsTraining() {
    List<String> sets = new ArrayList<>(List.of(SMALL));
    sets.set(sets.indexOf("train.workers=2"), "train.workers=6");
    sets.set(sets.indexOf("train.epochs=4"), "train.epochs=2");
    sets.add("train.reduceFanIn=2");
    LatentSparkConfig tree = TestData.config(sets.toArray(String[]::new));
    sets.set(sets.indexOf("train.reduceFanIn=2"), "train.reduceFanIn=8");
    LatentSparkConfig plain = TestData.config(sets.toArray(String[]::new));
    Dataset<Row> images = ImageSources.load(spark, tree.data(), tree.seed()).images().cache();
    float[] a = new SparkTrainer(tree).train(spark, images, new TrainingRun("synthetic", null, null, null)).network().params().toFloatVector();
    float[] b = new SparkTrainer(tree).train(spark, images, new TrainingRun("synthetic", null, null, null)).network().params().toFloatVector();
    float[] c = new SparkTrainer(plain).train(spark, images, new TrainingRun("synthetic", null, null, null)).network().params().toFloatVector();
    assertArrayEquals(a, b, 0f, "tree-summed training is reproducible");
    assertArrayEquals(c, a, 0f, "the tree's sums are the plain sums");
    images.unpersist();
  }
}
