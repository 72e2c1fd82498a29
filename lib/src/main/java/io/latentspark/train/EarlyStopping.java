package io.latentspark.train;

/** Stops when the validation loss has not improved for {@code patience} epochs; remembers the best epoch. */
final class EarlyStopping {
  private final int patience;
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
}
