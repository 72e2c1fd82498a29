package io.latentspark.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An output layer's sigmoid and mean squared error in one pass: the gradient at the pre-activations and the sum of
 * squared errors from one sigmoid. DL4J's {@code LossMSE} with a sigmoid output computes the sigmoid three times per
 * training iteration (the loss gradient, the activation's backprop, the score) and walks the 128 x 784 output of an
 * MNIST minibatch with eight more element-wise ops, each a separate pass over memory: about a quarter of a dense
 * iteration on one core. Here libnd4j's sigmoid runs once, in place, and one Java loop over L1-sized chunks does the
 * rest with DL4J's float arithmetic in DL4J's order, so the gradient is the same bit for bit:
 * {@code dL/dz = ((1 - s) s) ((s - y) 2) / nOut} ({@code LossL2}'s gradient, {@link FastActivations.Sigmoid}'s
 * backprop, {@code LossMSE}'s division). The score sums {@code (y - s)^2} in double where libnd4j sums floats, so
 * it may differ from DL4J's in the last digits. {@code FastDenseTest} compares both with DL4J's layers.
 */
final class SigmoidSquaredError {
  private static final int CHUNK = 2048;
  private final float[] s = new float[CHUNK];
  private final float[] y = new float[CHUNK];

  /**
   * True for a float output layer with {@link FastActivations.Sigmoid} and an unweighted {@code LossMSE}, no mask,
   * and pre-activations and labels of one shape, each one run of memory in row-major order.
   */
  static boolean applies(BaseOutputLayer conf, INDArray preOut, INDArray labels, INDArray mask) {
    return mask == null && conf.getActivationFn() instanceof FastActivations.Sigmoid && conf.getLossFn() instanceof LossMSE mse
        && mse.getClass() == LossMSE.class && mse.getWeights() == null && denseRowMajorFloats(preOut) && denseRowMajorFloats(labels)
        && Arrays.equals(preOut.shape(), labels.shape()) && preOut.rank() == 2;
  }

  private static boolean denseRowMajorFloats(INDArray a) {
    return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.elementWiseStride() == 1 && a.offset() + a.length() <= Integer.MAX_VALUE;
  }

  /** Overwrites {@code preOut} with dL/dz and returns the sum over all entries of {@code (y - s)^2}. */
  double gradientInPlace(INDArray preOut, INDArray labels) {
    Transforms.sigmoid(preOut, false);
    float nOut = preOut.size(1);
    FloatBuffer sb = preOut.data().asNioFloat();
    FloatBuffer yb = labels.data().asNioFloat();
    int so = Math.toIntExact(preOut.offset());
    int yo = Math.toIntExact(labels.offset());
    int n = Math.toIntExact(preOut.length());
    double sum = 0;
    for (int from = 0; from < n; from += CHUNK) {
      int len = Math.min(CHUNK, n - from);
      sb.get(so + from, s, 0, len);
      yb.get(yo + from, y, 0, len);
      for (int i = 0; i < len; i++) {
        float si = s[i];
        float e = y[i] - si; // LossL2's score: labels - output, squared
        sum += e * e;
        s[i] = (((1f - si) * si) * ((si - y[i]) * 2f)) / nOut;
      }
      sb.put(so + from, s, 0, len);
    }
    return sum;
  }
}
