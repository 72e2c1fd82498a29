package io.latentspark.encode;

import io.latentspark.model.InputNormalizer;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs one batch of images through an autoencoder: feature vectors (the latent layer or another encoder
 * layer), reconstructions, and per-image reconstruction errors, all measured in pixel space (after undoing
 * the input normalisation). Used by encoding and by the trainer's per-epoch loss, so both report the same number.
 */
public final class BatchEncoder {
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
    // one flat, normalised input array; results leave ND4J as bulk copies (INDArray.toFloatMatrix copied row by row
    // through views: 20-30 ms for 256 x 784 floats, against 2 ms for data().asFloat() and a split here)
    float[] flat = flatten(pixels, inputSize);
    INDArray input = io.latentspark.model.HostArrays.rowMajor(normalizer.apply(flat, inputSize), n, inputSize);
    if (corruption != null) {
      corruption.corrupt(input, input);
      corruption.clear();
    }
    List<INDArray> acts = net.feedForward(input, false);
    float[][] z = rows(acts.get(featureLayer + 1).reshape('c', n, -1)); // conv and LSTM layers' outputs flattened
    float[][] recon = rows(acts.get(acts.size() - 1));
    float[][] logVar = null;
    if (variational(net, featureLayer)) {
      INDArray muLogVar = acts.get(featureLayer);
      long k = muLogVar.size(1) / 2;
      logVar = rows(muLogVar.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(k, 2 * k)));
    }
    for (float[] r : recon) {
      normalizer.invert(r);
    }
    ReconstructionErrors.Errors e = ReconstructionErrors.of(recon, pixels, errorMap);
    return new Result(z, e.mse(), e.bce(), e.map(), recon, logVar);
  }

  /**
   * {@code pixels} corrupted one image at a time in the network's input space (fresh noise per image, as in
   * training), back in pixel space. The arrays are not modified.
   */
  public float[][] corrupt(List<float[]> pixels, io.latentspark.model.Corruption corruption) {
    float[][] out = new float[pixels.size()][];
    for (int i = 0; i < out.length; i++) {
      float[] x = normalizer.apply(pixels.get(i).clone());
      INDArray row = Nd4j.create(x).reshape(1, x.length);
      out[i] = normalizer.invert(corruption.corrupt(row, row).toFloatVector());
      corruption.clear();
    }
    return out;
  }

  /** Runs the decoder (layers after the code layer, preprocessors included) on {@code codes}; outputs in pixel space. */
  public float[][] decode(float[][] codes) {
    float[][] x = rows(decodeNormalized(Nd4j.create(codes)));
    for (int i = 0; i < x.length; i++) {
      x[i] = normalizer.invert(x[i]);
    }
    return x;
  }

  /** The decoder's output, in the network's (normalised) input space. */
  INDArray decodeNormalized(INDArray z) {
    INDArray a = z;
    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
    for (int l = featureLayer + 1; l < net.getnLayers(); l++) {
      org.deeplearning4j.nn.conf.InputPreProcessor p = net.getLayerWiseConfigurations().getInputPreProcess(l);
      if (p != null) {
        a = p.preProcess(a, (int) a.size(0), mgr);
      }
      a = net.getLayer(l).activate(a, false, mgr);
    }
    return a;
  }

  /** {@code count} images decoded from codes of {@code latentSize} values drawn from N(0, I) with {@code seed}, in pixel space. */
  public float[][] decodePrior(int count, int latentSize, long seed) {
    org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    return decode(Nd4j.randn(rng, count, latentSize).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix());
  }

  /**
   * A VAE's single-sample negative ELBO terms of one batch, summed over its images in nats: {reconstruction, KL}.
   * The reconstruction term is the Bernoulli cross-entropy summed over pixels ({@code bernoulli}) or the summed
   * squared error; the posterior samples draw on {@code noise}.
   */
  public double[] elbo(List<float[]> pixels, Noise noise, boolean bernoulli) {
    float[][] rows = new float[pixels.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = normalizer.apply(pixels.get(i).clone());
    }
    INDArray x = Nd4j.create(rows).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    INDArray muLogVar = net.feedForwardToLayer(featureLayer - 1, x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), false).get(featureLayer)
        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    long k = muLogVar.size(1) / 2;
    INDArray mu = muLogVar.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k));
    INDArray logVar = muLogVar.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(k, 2 * k));
    INDArray eps = Nd4j.randn(noise.rng, x.size(0), k).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    INDArray z = mu.add(Transforms.exp(logVar.mul(0.5), true).muli(eps));
    INDArray p = decodeNormalized(z.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    double recon;
    if (bernoulli) {
      INDArray q = Transforms.min(Transforms.max(p, 1e-7, true), 1 - 1e-7, false);
      recon = -(x.mul(Transforms.log(q, true)).addi(x.rsub(1.0).muli(Transforms.log(q.rsub(1.0), false)))).sumNumber().doubleValue();
    } else {
      INDArray d = p.sub(x);
      recon = d.muli(d).sumNumber().doubleValue();
    }
    double kl = Transforms.exp(logVar, true).addi(mu.mul(mu)).subi(1.0).subi(logVar).muli(0.5).sumNumber().doubleValue();
    return new double[] {recon, kl};
  }

  /** A seeded noise source for {@link #elbo}; keep one per partition, so that successive batches draw on. */
  public static final class Noise {
    private final org.nd4j.linalg.api.rng.Random rng;

    public Noise(long seed) {
      this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }
  }

  /** Mean per-pixel reconstruction MSE of {@code rows}, encoded in batches of {@code batch} in this JVM. */
  public double meanMse(List<float[]> rows, int batch) {
    double sum = 0;
    for (int i = 0; i < rows.size(); i += batch) {
      for (double v : mse(rows.subList(i, Math.min(rows.size(), i + batch)))) {
        sum += v;
      }
    }
    return sum / rows.size();
  }

  /**
   * Each image's mean per-pixel squared reconstruction error (pixel space), the values {@link #encode} gives as
   * {@code mse()}, from the network's output alone: none of the codes, cross-entropies (two logarithms a pixel) or
   * copies of every layer's activations that {@code encode} also makes, which took most of an epoch's loss measurement.
   */
  public double[] mse(List<float[]> pixels) {
    int n = pixels.size();
    float[] flat = flatten(pixels, inputSize);
    INDArray input = io.latentspark.model.HostArrays.rowMajor(normalizer.apply(flat, inputSize), n, inputSize);
    float[][] recon = rows(net.output(input, false));
    double[] mse = new double[n];
    for (int i = 0; i < n; i++) {
      float[] r = recon[i];
      float[] p = pixels.get(i);
      if (r.length != p.length) {
        throw new IllegalStateException("A reconstruction has " + r.length + " values but its image " + p.length);
      }
      normalizer.invert(r);
      mse[i] = meanSquared(r, p);
    }
    return mse;
  }

  /** The mean squared difference of two images of equal length, summed in double as the feature table's MSE is. */
  public static double meanSquared(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < b.length; k++) {
      double d = a[k] - b[k];
      s += d * d;
    }
    return s / b.length;
  }

  /** {@code pixels} one image after another in one array; an image of another size than {@code inputSize} fails. */
  public static float[] flatten(List<float[]> pixels, int inputSize) {
    float[] flat = new float[pixels.size() * inputSize];
    for (int i = 0; i < pixels.size(); i++) {
      float[] p = pixels.get(i);
      if (p.length != inputSize) {
        throw new IllegalArgumentException("An image has " + p.length + " pixel values but the model expects " + inputSize);
      }
      System.arraycopy(p, 0, flat, i * inputSize, inputSize);
    }
    return flat;
  }

  /** The rows of a 2-D array as float arrays, copied out in one bulk read. */
  public static float[][] rows(INDArray a) {
    INDArray c = a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    int n = (int) c.size(0);
    int w = (int) c.size(1);
    float[] all = c.castTo(DataType.FLOAT).data().asFloat();
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(all, i * w, (i + 1) * w);
    }
    return out;
  }

  /**
   * One pass of an inpainting model: the {@code missing} values of each image enter the network as 0 in its input
   * space (as in training: the training mean under standardisation, black under unit) and are replaced by the
   * output clamped to [0,1]; observed values are kept. Returns new arrays ({@code pixels} are not modified).
   */
  public float[][] inpaint(List<float[]> pixels, List<boolean[]> missing) {
    float[] zero = normalizer.mean(); // the pixel values that normalise to 0; null = unit
    List<float[]> images = new java.util.ArrayList<>(pixels.size());
    for (float[] p : pixels) {
      images.add(p.clone());
    }
    fill(images, missing, zero == null ? new float[inputSize] : zero, 1);
    return images.toArray(new float[0][]);
  }

  /**
   * Fills the {@code missing} values of {@code images} in place: they start at {@code start}, then {@code passes} times
   * the images are reconstructed and only their missing values replaced by the output clamped to [0,1] (observed
   * values never change).
   */
  public void fill(List<float[]> images, List<boolean[]> missing, float[] start, int passes) {
    for (int i = 0; i < images.size(); i++) {
      float[] x = images.get(i);
      boolean[] m = missing.get(i);
      for (int p = 0; p < x.length; p++) {
        if (m[p]) {
          x[p] = start[p];
        }
      }
    }
    for (int pass = 0; pass < passes; pass++) {
      float[][] rec = reconstruct(images);
      for (int i = 0; i < images.size(); i++) {
        float[] x = images.get(i);
        boolean[] m = missing.get(i);
        for (int p = 0; p < x.length; p++) {
          if (m[p]) {
            x[p] = Math.min(1f, Math.max(0f, rec[i][p]));
          }
        }
      }
    }
  }

  /** Mean squared error over the {@code missing} values of {@code x} against {@code truth} (0 when none is missing). */
  public static double missingMse(float[] x, float[] truth, boolean[] missing) {
    double s = 0;
    int n = 0;
    for (int p = 0; p < truth.length; p++) {
      if (missing[p]) {
        double d = x[p] - truth[p];
        s += d * d;
        n++;
      }
    }
    return n == 0 ? 0 : s / n;
  }

  /** Reconstructions of {@code pixels} in pixel space. */
  public float[][] reconstruct(List<float[]> pixels) {
    return encode(pixels).reconstruction();
  }
}
