package io.latentspark.train;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.SwapConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.BatchedIterator;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.SwapModel;
import io.latentspark.spec.ImageShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the face swap network ({@link SwapModel}) on Spark: dl4j-spark parameter averaging of one graph with a
 * shared encoder and one decoder per identity. Every minibatch mixes identities; decoder k's target is the input and
 * its labels mask is 1 only on the rows of identity k, so each decoder's loss and gradient come from its own
 * identity's images alone while the encoder's gradient (the sum over the decoders) comes from all of them.
 */
public final class SwapTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SwapTrainer.class);

  private SwapTrainer() {}

  /** The train-split rows of {@code images} whose label is one of swap.identities. */
  public static Dataset<Row> trainRows(Dataset<Row> images, List<String> identities) {
    return images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN).and(functions.col(ImageSchema.LABEL).isin(identities.toArray())));
  }

  /** Trains the network of {@code cfg} on the train-split images of swap.identities; fails naming an identity that has none. */
  public static SwapModel run(SparkSession spark, Dataset<Row> images, LatentSparkConfig cfg) {
    SwapConfig s = cfg.swap();
    List<String> ids = s.identities();
    Dataset<Row> train = trainRows(images, ids);
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : train.groupBy(ImageSchema.LABEL).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    List<Long> perIdentity = new ArrayList<>();
    for (String id : ids) {
      long c = counts.getOrDefault(id, 0L);
      if (c == 0) {
        throw new IllegalArgumentException("swap.identities names " + id + ", but no train-split image of " + cfg.data().path()
            + " has that label (labels of the train split: " + trainLabels(images) + ")");
      }
      perIdentity.add(c);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    InputNormalizer normalizer = Normalizers.fit(cfg.data(), train);
    int workers = cfg.train().workers() > 0 ? cfg.train().workers() : jsc.defaultParallelism();
    JavaRDD<MultiDataSet> batches = batches(train, ids, normalizer, cfg.data().shape(), s.flip(), workers, cfg.train().batchSizePerWorker());
    ComputationGraph net = SwapModel.network(cfg, ids.size());
    LOG.info("Face swap: one encoder, {} decoders ({}), {} parameters; {} training images {}{}, {} workers, {} epochs", ids.size(), ids,
        net.numParams(), perIdentity.stream().mapToLong(Long::longValue).sum(), perIdentity, s.flip() ? " (+ mirrored copies)" : "", workers,
        s.epochs());
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, Dl4jSparkEngine.directMaster(cfg.train(), workers, cfg.seed()));
    List<SwapModel.Epoch> history = new ArrayList<>();
    try {
      for (int e = 1; e <= s.epochs(); e++) {
        long t0 = System.nanoTime();
        sparkNet.fitMultiDataSet(batches);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double loss = sparkNet.getScore();
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException("The face swap network's loss is " + loss + " after epoch " + e + " (lower train.learningRate)");
        }
        history.add(new SwapModel.Epoch(e, loss, seconds));
        if (e == 1 || e % 25 == 0 || e == s.epochs()) {
          LOG.info(String.format("swap epoch %d  %.2f s  loss %.5f", e, seconds, loss));
        }
      }
      return new SwapModel(sparkNet.getNetwork(), normalizer, ids, perIdentity, cfg, history);
    } finally {
      batches.unpersist(false);
    }
  }

  private static List<String> trainLabels(Dataset<Row> images) {
    List<String> labels = new ArrayList<>();
    for (Row r : images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN)).select(ImageSchema.LABEL).distinct()
        .orderBy(ImageSchema.LABEL).limit(20).collectAsList()) {
      labels.add(String.valueOf(r.get(0)));
    }
    return labels;
  }

  /**
   * Minibatches over {@code workers} partitions, cached: features = normalised pixels (and, with {@code flip}, each
   * image's left-right mirror as one more row), labels k = the features, labels mask k = 1 on the rows of identity k.
   */
  static JavaRDD<MultiDataSet> batches(Dataset<Row> train, List<String> identities, InputNormalizer normalizer, ImageShape shape,
      boolean flip, int workers, int bs) {
    int pxIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    int labelIdx = train.schema().fieldIndex(ImageSchema.LABEL);
    List<String> ids = List.copyOf(identities);
    JavaRDD<Row> rows = train.repartition(workers).javaRDD();
    JavaRDD<float[][]> examples = rows.flatMap(r -> {
      float[] px = ImageSchema.pixels(r, pxIdx);
      float id = ids.indexOf(r.getString(labelIdx));
      List<float[][]> out = new ArrayList<>(2);
      out.add(new float[][] {px, {id}});
      if (flip) {
        out.add(new float[][] {mirror(px, shape), {id}});
      }
      return out.iterator();
    });
    JavaRDD<MultiDataSet> b = examples.mapPartitions(it -> new BatchedIterator<>(it, bs, batch -> {
      List<float[]> px = new ArrayList<>(batch.size());
      int[] who = new int[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        px.add(batch.get(i)[0]);
        who[i] = (int) batch.get(i)[1][0];
      }
      return List.of(minibatch(Batches.features(px, normalizer), who, ids.size()));
    }));
    b.persist(StorageLevel.MEMORY_AND_DISK_SER());
    return b;
  }

  /** One minibatch of normalised inputs {@code x} whose row i shows identity {@code who[i]}, for a graph of {@code decoders} outputs. */
  static MultiDataSet minibatch(INDArray x, int[] who, int decoders) {
    int rows = Math.toIntExact(x.size(0));
    int n = Math.toIntExact(x.size(1));
    INDArray[] labels = new INDArray[decoders];
    INDArray[] masks = new INDArray[decoders];
    for (int k = 0; k < decoders; k++) {
      float[] m = new float[rows * n];
      for (int i = 0; i < rows; i++) {
        if (who[i] == k) {
          java.util.Arrays.fill(m, i * n, (i + 1) * n, 1f);
        }
      }
      labels[k] = x;
      masks[k] = Nd4j.create(m, new long[] {rows, n});
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, labels, null, masks);
  }

  /** The left-right mirror of a channel-major image. */
  static float[] mirror(float[] px, ImageShape shape) {
    int h = shape.height();
    int w = shape.width();
    float[] out = new float[px.length];
    for (int c = 0; c < shape.channels(); c++) {
      for (int y = 0; y < h; y++) {
        int row = (c * h + y) * w;
        for (int x = 0; x < w; x++) {
          out[row + x] = px[row + w - 1 - x];
        }
      }
    }
    return out;
  }
}
