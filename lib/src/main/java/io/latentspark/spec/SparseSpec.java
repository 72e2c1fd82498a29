package io.latentspark.spec;

import java.util.List;

/** {@code sparse}: the dense network with a sparsity layer on the code ({@code model.sparsity}). */
public record SparseSpec(NetworkSettings network, SparsityPenalty penalty, double weight, double target, int k) implements DenseFamilySpec {
  public static final String TYPE = "sparse";

  static SparseSpec read(Reader model, NetworkSettings network) {
    Reader sp = model.section("sparsity");
    SparsityPenalty penalty = sp.choice("penalty", List.of(SparsityPenalty.values()));
    double target = sp.number("target");
    if (!(target > 0 && target < 1)) {
      throw sp.invalid("target", target, "the target mean activation must be > 0 and < 1");
    }
    int k = sp.positiveInt("k");
    if (penalty == SparsityPenalty.KL && network.latentActivation() != Activation.SIGMOID) {
      throw sp.invalid("penalty", penalty.configName(), "the KL penalty needs activations in (0,1): set model.latentActivation = sigmoid (it is "
          + network.latentActivation().configName() + ")");
    }
    if (penalty == SparsityPenalty.K_SPARSE && k >= network.latentSize()) {
      throw sp.invalid("k", k, "k-sparse keeps k of the model.latentSize = " + network.latentSize() + " units: k must be smaller");
    }
    return new SparseSpec(network, penalty, sp.nonNegativeNumber("weight"), target, k);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CodeBlock codeBlock() {
    return (plan, nIn, corruption) -> {
      plan.add(new LayerSpec.Dense(nIn, network.latentSize(), network.latentActivation(), true, corruption));
      plan.add(new LayerSpec.Sparsity(penalty, weight, target, k)).latent();
      return network.latentSize();
    };
  }
}
