/**
 * Training: {@link io.latentspark.train.SparkTrainer} trains on Spark with dl4j-spark's parameter averaging
 * (per-epoch losses, checkpoints); {@link io.latentspark.train.LocalTrainer} trains the same network in one
 * JVM, as the reference the distributed result is compared with.
 */
package io.latentspark.train;
