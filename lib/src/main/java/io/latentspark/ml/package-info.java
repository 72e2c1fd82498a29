/**
 * Spark ML stages: {@link io.latentspark.ml.AutoencoderEstimator} trains an autoencoder from a DataFrame column and
 * yields an {@link io.latentspark.ml.AutoencoderTransformer}, which adds the code vector and the reconstruction
 * error and saves with Spark ML pipelines.
 */
package io.latentspark.ml;
