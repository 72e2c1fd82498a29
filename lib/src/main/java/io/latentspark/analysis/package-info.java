/**
 * What is computed from trained models and feature tables, on Spark: the PCA baseline, kNN and linear-probe
 * evaluation, anomaly scores with calibrated thresholds and AUROC, nearest-neighbour image search, imputation,
 * denoising measurements and a VAE's ELBO and prior samples. No DL4J here: networks run through
 * {@link io.latentspark.encode.BatchEncoder} and {@link io.latentspark.encode.PartitionSums}.
 */
package io.latentspark.analysis;
