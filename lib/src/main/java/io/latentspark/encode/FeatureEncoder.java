package io.latentspark.encode;

import java.io.Serializable;
import java.util.List;

/**
 * The engine behind a feature table: turns batches of images into codes, reconstructions and errors inside the
 * executors. {@link Dl4jFeatures} runs the trained DL4J network; {@link OnnxFeatures} runs ONNX Runtime on an
 * exported LatentSpark model or on any ONNX encoder (and optional decoder).
 */
public interface FeatureEncoder extends Serializable {
  /** Opens the engine in a task (once per partition); the batch function it returns is used by that task only. */
  Batch open();

  /** true when the results carry a VAE's z_log_var. */
  boolean logVar();

  /** true when the results carry per-pixel error maps. */
  boolean errorMap();

  /**
   * Encodes one batch of images (pixels in [0,1]); the arrays are not modified. The result's reconstructions may be
   * null (a feature table needs codes and errors only; the ONNX engine computes the errors inside its graph).
   */
  @FunctionalInterface
  interface Batch {
    BatchEncoder.Result encode(List<float[]> pixels);
  }
}
