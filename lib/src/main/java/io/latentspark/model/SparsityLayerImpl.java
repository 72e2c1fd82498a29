package io.latentspark.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link SparsityLayer}. With DL4J's minibatch setting, the score divides the data loss by
 * the minibatch size m and the updater divides summed gradients by m, so the penalty P (already a per-example
 * mean) sends back {@code m * dP/da} as its share of the epsilon.
 */
final class SparsityLayerImpl extends PenaltyLayerImpl<SparsityLayer> {
  /** KL needs mean activations strictly inside (0,1). */
  private static final double CLAMP = 1e-6;

  /** The penalty of the last training forward pass (what the score adds). */

  SparsityLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    SparsityLayer c = layerConf();
    INDArray out = mgr.dup(ArrayType.ACTIVATIONS, input, input.ordering());
    if (c.penalty().equals("k-sparse")) {
      out.muli(topK(input, c.k()));
      lastPenalty = 0;
    } else {
      lastPenalty = penalty(input.castTo(DataType.DOUBLE), c);
    }
    return out;
  }

  static double penalty(INDArray a, SparsityLayer c) {
    long m = a.size(0);
    return switch (c.penalty()) {
      case "kl" -> {
        INDArray rhoHat = Transforms.max(Transforms.min(a.mean(0), 1 - CLAMP), CLAMP);
        double rho = c.target();
        INDArray kl = Transforms.log(rhoHat.rdiv(rho)).muli(rho)
            .addi(Transforms.log(rhoHat.rsub(1.0).rdivi(1 - rho)).muli(1 - rho));
        yield c.weight() * kl.sumNumber().doubleValue();
      }
      case "l1" -> c.weight() * Transforms.abs(a).sumNumber().doubleValue() / m;
      case "l2" -> c.weight() * a.mul(a).sumNumber().doubleValue() / m;
      default -> 0;
    };
  }

  /** 1 at the k largest |a| of every row, 0 elsewhere (ties: the first ones). */
  static INDArray topK(INDArray a, int k) {
    float[][] v = a.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] mask = new float[v.length][];
    for (int i = 0; i < v.length; i++) {
      int n = v[i].length;
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) {
        order[j] = j;
      }
      float[] row = v[i];
      java.util.Arrays.sort(order, (x, y) -> Float.compare(Math.abs(row[y]), Math.abs(row[x])));
      mask[i] = new float[n];
      for (int j = 0; j < Math.min(k, n); j++) {
        mask[i][order[j]] = 1f;
      }
    }
    return Nd4j.create(mask).castTo(a.dataType());
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    SparsityLayer c = layerConf();
    INDArray grad = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, epsilon.ordering());
    long m = input.size(0);
    double scale = conf.isMiniBatch() ? m : 1;
    switch (c.penalty()) {
      case "k-sparse" -> grad.muli(topK(input, c.k()));
      case "kl" -> {
        double rho = c.target();
        INDArray rhoHat = Transforms.max(Transforms.min(input.mean(0), 1 - CLAMP), CLAMP);
        // d/da_ij of weight * sum_j KL = weight / m * (-rho / rhoHat_j + (1 - rho) / (1 - rhoHat_j))
        INDArray d = rhoHat.rdiv(-rho).addi(rhoHat.rsub(1.0).rdivi(1 - rho)).muli(c.weight() * scale / m);
        grad.addiRowVector(d.reshape(1, d.length()));
      }
      case "l1" -> grad.addi(Transforms.sign(input, true).muli(c.weight() * scale / m));
      case "l2" -> grad.addi(input.mul(2 * c.weight() * scale / m));
      default -> throw new IllegalStateException("Unknown sparsity penalty " + c.penalty());
    }
    return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(grad));
  }
}
