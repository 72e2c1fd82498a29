package io.latentspark.train;

import io.latentspark.model.AutoencoderModel;

/**
 * Trains an autoencoder on data of type {@code D} and returns the model (like Tribuo's Trainer): {@link SparkTrainer}
 * on a Spark images table, {@link LocalTrainer} on pixel arrays in this JVM.
 */
public interface Trainer<D> {
  /** Trains on {@code data}; {@code run} says where side products go and what to resume from. */
  AutoencoderModel train(D data, TrainingRun run);
}
