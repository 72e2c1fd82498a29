package io.latentspark.encode;

import io.latentspark.data.ImageSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
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
    return ofEach(List.of(images), snap, batchSize, width, work)[0];
  }

  /**
   * As {@link #of(Dataset, Broadcast, int, int, Work)} for each of {@code tables}, in one Spark job whose tasks are
   * all the tables' partitions (a one-partition table no longer leaves the other cores idle for a job of its own).
   * Returns one result per table, in order; {@code work} sees each table's own partition numbers.
   */
  public static double[][] ofEach(List<Dataset<Row>> tables, Broadcast<NetworkSnapshot> snap, int batchSize, int width, Work work) {
    List<JavaRDD<float[]>> rdds = new ArrayList<>();
    int[] first = new int[tables.size() + 1]; // the union's first partition of each table, then the union's size
    for (int t = 0; t < tables.size(); t++) {
      rdds.add(ImageSchema.pixelArrays(tables.get(t)));
      first[t + 1] = first[t] + rdds.get(t).getNumPartitions();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(tables.get(0).sparkSession().sparkContext());
    // a union of RDDs without a partitioner lists their partitions table after table
    @SuppressWarnings("unchecked")
    JavaRDD<float[]> all = rdds.size() == 1 ? rdds.get(0) : jsc.union(rdds.toArray(JavaRDD[]::new));
    List<double[]> parts = all.mapPartitionsWithIndex((Integer index, Iterator<float[]> it) -> {
      int table = 0;
      while (index >= first[table + 1]) {
        table++;
      }
      double[] sums = new double[width + 2];
      sums[width + 1] = table;
      if (!it.hasNext()) {
        return List.of(sums).iterator();
      }
      Step step = work.open(BatchEncoder.of(snap.value()), index - first[table]);
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
    double[][] total = new double[tables.size()][width + 1];
    for (double[] p : parts) {
      double[] t = total[(int) p[width + 1]];
      for (int i = 0; i <= width; i++) {
        t[i] += p[i];
      }
    }
    return total;
  }
}
