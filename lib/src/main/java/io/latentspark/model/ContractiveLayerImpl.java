package io.latentspark.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link ContractiveLayer}: DL4J's dense forward and backward pass, plus the Jacobian
 * penalty P = lambda / m * sum_n sum_j g_nj^2 S_j with g = h(1 - h), S_j = sum_k W_kj^2. With A = 2 g^2 (1 - 2h) S:
 * dP/dW = lambda / m (x^T A + 2 W diag(sum_n g_nj^2)), dP/db = lambda / m colsum(A), dP/dx = lambda / m A W^T.
 * As for the sparsity layer, DL4J's minibatch setting divides summed gradients by m later, so m dP is added.
 */
final class ContractiveLayerImpl extends BaseLayer<ContractiveLayer> {
  private double lastPenalty;

  ContractiveLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    INDArray h = super.activate(training, mgr);
    lastPenalty = penalty(h.castTo(DataType.DOUBLE), getParam(DefaultParamInitializer.WEIGHT_KEY).castTo(DataType.DOUBLE),
        layerConf().lambda());
    return h;
  }

  static double penalty(INDArray h, INDArray w, double lambda) {
    INDArray g = h.mul(h.rsub(1.0));
    INDArray s = w.mul(w).sum(0); // S_j
    return lambda * g.muli(g).mulRowVector(s).sumNumber().doubleValue() / h.size(0);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    Pair<Gradient, INDArray> base = super.backpropGradient(epsilon, mgr);
    INDArray x = input;
    INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
    INDArray b = getParam(DefaultParamInitializer.BIAS_KEY);
    long m = x.size(0);
    double lambda = layerConf().lambda();
    double scale = (conf.isMiniBatch() ? m : 1) * lambda / m;
    INDArray h = Transforms.sigmoid(x.mmul(w).addiRowVector(b), false);
    INDArray g2 = h.mul(h.rsub(1.0));
    g2.muli(g2);
    INDArray s = w.mul(w).sum(0);
    INDArray a = g2.mul(h.mul(-2.0).addi(1.0)).muli(2.0).mulRowVector(s);
    INDArray dW = x.transpose().mmul(a).addi(w.mulRowVector(g2.sum(0)).muli(2.0)).muli(scale);
    INDArray db = a.sum(0).muli(scale);
    base.getFirst().getGradientFor(DefaultParamInitializer.WEIGHT_KEY).addi(dW);
    base.getFirst().getGradientFor(DefaultParamInitializer.BIAS_KEY).addi(db.reshape(base.getFirst()
        .getGradientFor(DefaultParamInitializer.BIAS_KEY).shape()));
    INDArray dx = a.mmul(w.transpose()).muli(scale);
    base.getSecond().addi(dx);
    return base;
  }

  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    return super.calcRegularizationScore(backpropParamsOnly) + lastPenalty;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }
}
