package io.latentspark.train;

import io.latentspark.model.ThreadSettings;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs inside every dl4j-spark worker around each minibatch: applies the per-task thread count, records
 * each worker's loss (to a Spark accumulator the driver reads after each epoch), and stops training at the
 * first minibatch whose loss is NaN, infinite or above the divergence limit, by failing the task with a
 * {@link Divergence} the driver recognises.
 */
final class WorkerMonitor implements TrainingHook {
  private static final long serialVersionUID = 1L;

  /** Thrown on a worker when its loss diverges; travels to the driver inside Spark's task failure. */
  static final class Divergence extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Divergence(String message) {
      super(message);
    }
  }

  private final CollectionAccumulator<double[]> scores;
  private final int threads;
  /** Loss above which training counts as diverged; updated on the driver before each epoch. */
  private double limit = Double.POSITIVE_INFINITY;

  WorkerMonitor(CollectionAccumulator<double[]> scores, int threads) {
    this.scores = scores;
    this.threads = threads;
  }

  void limit(double limit) {
    this.limit = limit;
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    ThreadSettings.apply(threads);
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    double score = model.score();
    TaskContext task = TaskContext.get();
    int worker = task == null ? -1 : task.partitionId();
    scores.add(new double[] {worker, score});
    if (!Double.isFinite(score) || score > limit) {
      throw new Divergence(String.format("the loss on worker %d became %s after a minibatch (limit %.4g = train.divergenceFactor"
          + " x the initial loss)", worker, score, limit));
    }
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    ThreadSettings.apply(threads);
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    // MultiLayerNetwork training uses DataSet; nothing to do
  }
}
