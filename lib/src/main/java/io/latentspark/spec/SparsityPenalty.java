package io.latentspark.spec;

/** The sparsity penalty of a sparse autoencoder ({@code model.sparsity.penalty}). */
public enum SparsityPenalty implements Choice {
  KL("kl"), L1("l1"), L2("l2"), K_SPARSE("k-sparse");

  private final String name;

  SparsityPenalty(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }
}
