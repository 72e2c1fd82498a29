package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/**
 * Distributed encoding settings ({@code encode.*}): rows per network call, the layer read as features
 * ({@link #LATENT} = the bottleneck), whether the per-pixel error map is written, the engine, and for ONNX
 * Runtime its threads per task and (for an encoder brought from elsewhere) the input normalisation and output.
 *
 * @param onnxThreads ONNX Runtime's threads per task; 0 = the task's cores (spark.task.cpus)
 * @param onnxMean per-channel values subtracted from pixels in [0,1] before a foreign ONNX encoder (one value = all channels)
 * @param onnxStd per-channel divisors applied after the mean (one value = all channels)
 * @param onnxOutput the foreign encoder's output read as the code; empty = its first output
 */
public record EncodeConfig(int batchSize, int layer, boolean errorMap, EncodeEngine engine, int onnxThreads, List<Double> onnxMean,
    List<Double> onnxStd, String onnxOutput) implements Serializable {
  public static final int LATENT = -1;

  public EncodeConfig {
    onnxMean = List.copyOf(onnxMean);
    onnxStd = List.copyOf(onnxStd);
  }

  /** DL4J encoding with {@code batchSize}, {@code layer} and {@code errorMap}. */
  public EncodeConfig(int batchSize, int layer, boolean errorMap) {
    this(batchSize, layer, errorMap, EncodeEngine.DL4J, 0, List.of(0.0), List.of(1.0), "");
  }

  /** The same settings with {@code engine}. */
  public EncodeConfig withEngine(EncodeEngine e) {
    return new EncodeConfig(batchSize, layer, errorMap, e, onnxThreads, onnxMean, onnxStd, onnxOutput);
  }

  static EncodeConfig read(Settings s) {
    int layer = s.integer("layer");
    if (layer < LATENT) {
      throw s.invalid("layer", layer, "the value must be -1 (the latent layer) or the 0-based index of an encoder layer");
    }
    EncodeEngine engine = s.choice("engine", List.of(EncodeEngine.values()));
    if (engine == EncodeEngine.ONNX && layer != LATENT) {
      throw s.invalid("layer", layer, "encode.engine = onnx encodes the latent layer only: set encode.layer = -1 or encode.engine = dl4j");
    }
    Settings onnx = s.section("onnx");
    List<Double> mean = onnx.numberList("mean");
    List<Double> std = onnx.numberList("std");
    for (double v : std) {
      if (!(v > 0)) {
        throw onnx.invalid("std", std, "every value must be > 0");
      }
    }
    if (mean.isEmpty() || std.isEmpty() || (mean.size() != std.size() && mean.size() != 1 && std.size() != 1)) {
      throw onnx.invalid("mean", mean, "encode.onnx.mean and encode.onnx.std need one value each, or one per channel (std has "
          + std.size() + ")");
    }
    return new EncodeConfig(s.positiveInt("batchSize"), layer, s.bool("errorMap"), engine, onnx.nonNegativeInt("threads"), mean, std,
        onnx.string("output"));
  }
}
