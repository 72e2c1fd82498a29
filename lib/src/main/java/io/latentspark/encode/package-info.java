/**
 * Distributed encoding: the network's configuration and parameters are broadcast once, each partition
 * rebuilds the network and feeds its rows through in batches, producing the latent feature table
 * (id, path, label, split, z, reconstruction_error) written as Parquet.
 */
package io.latentspark.encode;
