package io.latentspark.encode;

import io.latentspark.model.InputNormalizer;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one batch of images through an autoencoder: feature vectors (the latent layer or another encoder
 * layer), reconstructions, and per-image reconstruction errors, all measured in pixel space (after undoing
 * the input normalisation). Used by encoding and by the trainer's per-epoch loss, so both report the same number.
 */
public final class BatchEncoder {
  /** Reconstruction probabilities are clamped to [EPS, 1 - EPS] for the cross-entropy. */
  static final double EPS = 1e-7;

  private final MultiLayerNetwork net;
  private final InputNormalizer normalizer;
  private final int featureLayer;
  private final int inputSize;
  private final boolean errorMap;

  public BatchEncoder(MultiLayerNetwork net, InputNormalizer normalizer, int featureLayer, int inputSize, boolean errorMap) {
    this.net = net;
    this.normalizer = normalizer;
    this.featureLayer = featureLayer;
    this.inputSize = inputSize;
    this.errorMap = errorMap;
  }

  /** Features from the latent layer, no error map. */
  public static BatchEncoder of(NetworkSnapshot s) {
    return new BatchEncoder(s.network(), s.normalizer(), s.latentLayer(), s.inputSize(), false);
  }

  /** Features from {@code layer} (-1 = latent); with {@code errorMap}, per-pixel squared errors too. */
  public static BatchEncoder of(NetworkSnapshot s, int layer, boolean errorMap) {
    return new BatchEncoder(s.network(), s.normalizer(), layer < 0 ? s.latentLayer() : layer, s.inputSize(), errorMap);
  }

  /**
   * Result of one batch, for input row i: {@code z[i]} the features, {@code mse[i]} and {@code bce[i]} the
   * mean per-pixel squared error and binary cross-entropy (nats) of the reconstruction, {@code errorMap[i]} the
   * per-pixel squared errors (null unless asked for), {@code reconstruction[i]} in pixel space, and for a
   * variational autoencoder {@code logVar[i]} the log-variance of the code's posterior ({@code z} is then its mean
   * mu); null for other models.
   */
  public record Result(float[][] z, double[] mse, double[] bce, float[][] errorMap, float[][] reconstruction, float[][] logVar) {}

  /** true when the network's layer {@code latent} is a VAE sampling layer (its input holds mu and the log-variance). */
  public static boolean variational(MultiLayerNetwork net, int latent) {
    return net.getLayerWiseConfigurations().getConf(latent).getLayer() instanceof io.latentspark.model.GaussianSampleLayer;
  }

  /** Encodes {@code pixels} (each in [0,1], length = input size). The arrays are not modified. */
  public Result encode(List<float[]> pixels) {
    return encode(pixels, null);
  }

  /**
   * Encodes {@code pixels} after applying {@code corruption} (null = none) in the network's input space, as a
   * denoising model sees its training input; errors are measured against the clean pixels.
   */
  public Result encode(List<float[]> pixels, io.latentspark.model.Corruption corruption) {
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
    if (corruption != null) {
      corruption.corrupt(input, input);
      corruption.clear();
    }
    List<INDArray> acts = net.feedForward(input, false);
    float[][] z = acts.get(featureLayer + 1).reshape('c', n, -1).toFloatMatrix(); // conv and LSTM layers' outputs flattened
    float[][] recon = acts.get(acts.size() - 1).toFloatMatrix();
    float[][] logVar = null;
    if (variational(net, featureLayer)) {
      INDArray muLogVar = acts.get(featureLayer);
      long k = muLogVar.size(1) / 2;
      logVar = muLogVar.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(k, 2 * k))
          .toFloatMatrix();
    }
    double[] mse = new double[n];
    double[] bce = new double[n];
    float[][] map = errorMap ? new float[n][] : null;
    for (int i = 0; i < n; i++) {
      float[] r = normalizer.invert(recon[i]);
      recon[i] = r;
      float[] p = pixels.get(i);
      float[] m = errorMap ? new float[inputSize] : null;
      double s = 0;
      double c = 0;
      for (int k = 0; k < inputSize; k++) {
        double d = r[k] - p[k];
        s += d * d;
        if (m != null) {
          m[k] = (float) (d * d);
        }
        double q = Math.min(1 - EPS, Math.max(EPS, r[k]));
        c -= p[k] * Math.log(q) + (1 - p[k]) * Math.log(1 - q);
      }
      mse[i] = s / inputSize;
      bce[i] = c / inputSize;
      if (map != null) {
        map[i] = m;
      }
    }
    return new Result(z, mse, bce, map, recon, logVar);
  }

  /** Reconstructions of {@code pixels} in pixel space. */
  public float[][] reconstruct(List<float[]> pixels) {
    return encode(pixels).reconstruction();
  }
}
