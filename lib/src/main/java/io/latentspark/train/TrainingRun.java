package io.latentspark.train;

import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import java.util.function.BiConsumer;

/**
 * Where one training run keeps its side products.
 *
 * @param inputPath the dataset location, recorded in the model metadata
 * @param checkpointDir directory for per-epoch checkpoints ({@code epoch-0001}, ...), or null for none
 * @param scratchDir scratch directory for dl4j-spark's exported minibatches (deleted afterwards), or null for
 *     {@code train.scratchDir} / its default; see {@link SparkTrainer#scratchDir}
 * @param onEpoch called on the driver after every epoch with its statistics and the model so far, or null
 * @param resumeFrom a checkpoint to continue from (network with updater state, normaliser, history), or null
 */
public record TrainingRun(String inputPath, String checkpointDir, String scratchDir,
    BiConsumer<EpochStats, AutoencoderModel> onEpoch, AutoencoderModel resumeFrom) {

  /** A fresh run (no resume). */
  public TrainingRun(String inputPath, String checkpointDir, String scratchDir, BiConsumer<EpochStats, AutoencoderModel> onEpoch) {
    this(inputPath, checkpointDir, scratchDir, onEpoch, null);
  }
}
