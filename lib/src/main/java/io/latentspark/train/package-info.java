/**
 * Training. {@link io.latentspark.train.SparkTrainer} trains on Spark through the
 * {@link io.latentspark.train.TrainingEngine} of {@code train.engine} (LatentSpark's own
 * {@link io.latentspark.train.ParameterAveraging} by default, dl4j-spark's on request), with an epoch loop whose
 * {@link io.latentspark.train.EpochListener}s write {@link io.latentspark.train.Checkpoints}, log progress and stop
 * early; {@link io.latentspark.train.LocalTrainer} trains the same network in one JVM, the reference that
 * distributed results are compared with. Both are {@link io.latentspark.train.Trainer}s.
 */
package io.latentspark.train;
