package io.latentspark.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ReLU and sigmoid with the same forward pass as DL4J's but a backward pass of plain element-wise ops. DL4J
 * 1.0.0-M2 backpropagates them through custom ops (LeakyReLUBp, SigmoidDerivative) that took 5.0 and 3.5 ms on a
 * 256 x 784 array on one core, against 0.1-0.7 ms for the same derivative as element-wise ops (../shared/FACTS.md;
 * `bench` measures the effect). Same derivative: relu'(x) = 1 for x > 0 else 0; sigmoid'(x) = s (1 - s).
 */
public final class FastActivations {
  private FastActivations() {}

  /** f(x) = max(0, x); f'(x) = 1 for x > 0, else 0. */
  public static final class Relu extends BaseActivationFunction {
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
      return Transforms.relu(in, false);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
      assertShape(in, epsilon);
      INDArray dLdz = Transforms.step(in, true).muli(epsilon); // a copy: DL4J's ReLU leaves the pre-activations as they are
      return new Pair<>(dLdz, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Relu;
    }

    @Override
    public int hashCode() {
      return 1;
    }

    @Override
    public String toString() {
      return "relu";
    }
  }

  /** f(x) = 1 / (1 + e^-x); f'(x) = f(x) (1 - f(x)). */
  public static final class Sigmoid extends BaseActivationFunction {
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
      return Transforms.sigmoid(in, false);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
      assertShape(in, epsilon);
      INDArray s = Transforms.sigmoid(in, false); // in place: DL4J's own sigmoid also overwrites the pre-activations here
      INDArray dLdz = s.rsub(1.0).muli(s).muli(epsilon);
      return new Pair<>(dLdz, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sigmoid;
    }

    @Override
    public int hashCode() {
      return 2;
    }

    @Override
    public String toString() {
      return "sigmoid";
    }
  }
}
