/**
 * The library's entry points for whole operations, each taking one validated config and a run directory:
 * {@link io.latentspark.pipeline.Pipeline} (train, encode, export, report and the whole pipeline, which share the
 * loaded images), one {@link io.latentspark.pipeline.Action} class per application (pca, evaluate, anomaly, search,
 * impute, denoise, vae) and the {@link io.latentspark.pipeline.Benchmark}. The CLI in jobs/ only parses arguments
 * and calls these.
 */
package io.latentspark.pipeline;
