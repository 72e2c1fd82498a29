package io.latentspark.spec;

/** The sparsity penalty of a sparse autoencoder ({@code model.sparsity.penalty}). */
public enum SparsityPenalty implements Choice {
  KL, L1, L2, K_SPARSE;

}
