package io.latentspark.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link GaussianSampleLayer}. With mu, v = log sigma^2 and m examples, the penalty is
 * P = beta / m * sum 0.5 (exp(v) + mu^2 - 1 - v). As for the sparsity layer, DL4J divides summed gradients by m
 * later, so the epsilon gets m dP: beta mu for mu and beta / 2 (exp(v) - 1) for v. Through the sample
 * z = mu + exp(v / 2) eps: dz/dmu = 1 and dz/dv = exp(v / 2) eps / 2.
 */
final class GaussianSampleLayerImpl extends PenaltyLayerImpl<GaussianSampleLayer> {
  /** The noise of the last training forward pass (null after an inference pass: z was mu). Kept outside workspaces. */
  private INDArray eps;

  GaussianSampleLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private INDArray mu() {
    return input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, layerConf().size()));
  }

  private INDArray logVar() {
    int k = layerConf().size();
    return input.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    int k = layerConf().size();
    if (input.rank() != 2 || input.size(1) != 2L * k) {
      throw new IllegalStateException("The VAE sampling layer expects [minibatch, " + 2 * k + "] inputs, got "
          + java.util.Arrays.toString(input.shape()));
    }
    INDArray mu = mu();
    INDArray logVar = logVar();
    lastPenalty = klPenalty(mu, logVar, layerConf().beta());
    INDArray z = mgr.dup(ArrayType.ACTIVATIONS, mu, 'c');
    if (training) {
      try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        eps = Nd4j.randn(input.dataType(), input.size(0), k);
      }
      z.addi(Transforms.exp(logVar.mul(0.5), false).muli(eps));
    } else {
      eps = null;
    }
    return z;
  }

  /** beta x the mean over examples of KL(N(mu, exp(logVar)) || N(0, I)). */
  static double klPenalty(INDArray mu, INDArray logVar, double beta) {
    INDArray mu64 = mu.castTo(DataType.DOUBLE);
    INDArray v64 = logVar.castTo(DataType.DOUBLE);
    INDArray terms = Transforms.exp(v64, true).addi(mu64.mul(mu64)).subi(1.0).subi(v64).muli(0.5);
    return beta * terms.sumNumber().doubleValue() / mu.size(0);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    int k = layerConf().size();
    long m = input.size(0);
    double scale = (conf.isMiniBatch() ? m : 1) * layerConf().beta() / m;
    INDArray mu = mu();
    INDArray logVar = logVar();
    INDArray grad = mgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    INDArray dMu = grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k));
    INDArray dLogVar = grad.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
    dMu.assign(epsilon.add(mu.mul(scale)));
    INDArray klPart = Transforms.exp(logVar, true).subi(1.0).muli(0.5 * scale);
    if (eps != null) {
      INDArray throughSample = Transforms.exp(logVar.mul(0.5), false).muli(eps).muli(epsilon).muli(0.5);
      dLogVar.assign(klPart.addi(throughSample));
    } else {
      dLogVar.assign(klPart);
    }
    return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(grad));
  }
}
