package io.latentspark.encode;

import io.latentspark.model.InputNormalizer;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one batch of images through an autoencoder: latent codes and the per-image reconstruction MSE,
 * measured in pixel space (after undoing the input normalisation). Used by encoding and by the trainer's
 * per-epoch loss, so both report the same number.
 */
public final class BatchEncoder {
  private final MultiLayerNetwork net;
  private final InputNormalizer normalizer;
  private final int latentLayer;
  private final int inputSize;

  public BatchEncoder(MultiLayerNetwork net, InputNormalizer normalizer, int latentLayer, int inputSize) {
    this.net = net;
    this.normalizer = normalizer;
    this.latentLayer = latentLayer;
    this.inputSize = inputSize;
  }

  public static BatchEncoder of(NetworkSnapshot s) {
    return new BatchEncoder(s.network(), s.normalizer(), s.latentLayer(), s.inputSize());
  }

  /** Result of one batch: {@code z[i]} and {@code mse[i]} for input row i. */
  public record Result(float[][] z, double[] mse) {}

  /** Encodes {@code pixels} (each in [0,1], length = input size). The arrays are not modified. */
  public Result encode(List<float[]> pixels) {
    int n = pixels.size();
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] p = pixels.get(i);
      if (p.length != inputSize) {
        throw new IllegalArgumentException("An image has " + p.length + " pixel values but the model expects " + inputSize);
      }
      x[i] = normalizer.apply(p.clone());
    }
    INDArray input = Nd4j.create(x);
    List<INDArray> acts = net.feedForward(input, false);
    float[][] z = acts.get(latentLayer + 1).toFloatMatrix();
    float[][] recon = acts.get(acts.size() - 1).toFloatMatrix();
    double[] mse = new double[n];
    for (int i = 0; i < n; i++) {
      float[] r = normalizer.invert(recon[i]);
      float[] p = pixels.get(i);
      double s = 0;
      for (int k = 0; k < inputSize; k++) {
        double d = r[k] - p[k];
        s += d * d;
      }
      mse[i] = s / inputSize;
    }
    return new Result(z, mse);
  }
}
