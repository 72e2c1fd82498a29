package io.latentspark.train;

/**
 * Stops when the validation loss has not improved for {@code patience} epochs; remembers the best epoch and, as an
 * {@link EpochListener}, its parameters, which {@link #best} puts back.
 */
final class EarlyStopping implements EpochListener {
  private final int patience;
  private org.nd4j.linalg.api.ndarray.INDArray bestParams;
  private boolean stop;
  private double best = Double.POSITIVE_INFINITY;
  private int bestEpoch;

  EarlyStopping(int patience) {
    this.patience = patience;
  }

  /** Records an epoch's loss; true when it is the best so far. */
  boolean improved(int epoch, double loss) {
    if (loss < best) {
      best = loss;
      bestEpoch = epoch;
      return true;
    }
    return false;
  }

  /** true when {@code epoch} is {@code patience} epochs past the best one (never when patience is 0). */
  boolean shouldStop(int epoch) {
    return patience > 0 && epoch - bestEpoch >= patience;
  }

  double best() {
    return best;
  }

  int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public void epochEnded(io.latentspark.model.EpochStats stats, io.latentspark.model.AutoencoderModel model) {
    if (improved(stats.epoch(), stats.validationMse())) {
      bestParams = model.network().params().dup();
    } else {
      stop = shouldStop(stats.epoch());
    }
  }

  @Override
  public boolean stopRequested() {
    return stop;
  }

  /** {@code model} with the best epoch's parameters put back. */
  io.latentspark.model.AutoencoderModel best(io.latentspark.model.AutoencoderModel model) {
    model.network().setParams(bestParams);
    return model;
  }
}
