package io.latentspark.encode;

import io.latentspark.data.ImageSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The executor-side "batch, measure, sum, collect" loop that loss measurement, the ELBO, denoising and the
 * benchmark share: each partition runs the model's {@link BatchEncoder} over minibatches of its images' pixels,
 * adds each batch's figures into a few sums, and the driver adds the partitions' sums (plain double arrays, so
 * Kryo on clusters can serialise them). The last slot of the result counts the images.
 */
public final class PartitionSums {
  private PartitionSums() {}

  /** What one partition does with its batches; made once per partition on the executor. */
  @FunctionalInterface
  public interface Work extends Serializable {
    /** The per-batch step of partition {@code partition}: adds the batch's figures into {@code sums}. */
    Step open(BatchEncoder encoder, int partition);
  }

  /** Adds one batch's figures (pixel values in [0,1], as stored) into {@code sums}. */
  @FunctionalInterface
  public interface Step {
    void add(List<float[]> pixels, double[] sums);
  }

  /**
   * Sums {@code width} figures over every image of {@code images} (in batches of {@code batchSize}), computed on
   * the executors with the network of {@code snapshot}; returns {@code width + 1} values, the last the image count.
   */
  public static double[] of(Dataset<Row> images, NetworkSnapshot snapshot, int batchSize, int width, Work work) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(snapshot);
    try {
      return of(images, snap, batchSize, width, work);
    } finally {
      snap.destroy();
    }
  }

  /** As {@link #of(Dataset, NetworkSnapshot, int, int, Work)} with a snapshot already broadcast (not destroyed here). */
  public static double[] of(Dataset<Row> images, Broadcast<NetworkSnapshot> snap, int batchSize, int width, Work work) {
    List<double[]> parts = ImageSchema.pixelArrays(images).mapPartitionsWithIndex((Integer partition, Iterator<float[]> it) -> {
      double[] sums = new double[width + 1];
      if (!it.hasNext()) {
        return List.of(sums).iterator();
      }
      Step step = work.open(BatchEncoder.of(snap.value()), partition);
      List<float[]> batch = new ArrayList<>(batchSize);
      while (it.hasNext()) {
        batch.add(it.next());
        if (batch.size() == batchSize || !it.hasNext()) {
          step.add(batch, sums);
          sums[width] += batch.size();
          batch.clear();
        }
      }
      return List.of(sums).iterator();
    }, false).collect();
    double[] total = new double[width + 1];
    for (double[] p : parts) {
      for (int i = 0; i <= width; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }
}
