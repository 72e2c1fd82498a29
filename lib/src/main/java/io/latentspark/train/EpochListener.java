package io.latentspark.train;

import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;

/** Told about every finished epoch by the trainer's epoch loop, in the order the listeners were given. */
public interface EpochListener {
  /** Epoch {@code stats.epoch()} is done; {@code model} holds its parameters and the history so far. */
  void epochEnded(EpochStats stats, AutoencoderModel model);

  /** Asked after each epoch: true to end training now. */
  default boolean stopRequested() {
    return false;
  }
}
