/**
 * What an autoencoder is, independent of the engine that trains or runs it: one {@link
 * io.latentspark.spec.AutoencoderSpec} record per family (its settings, their validation, its network as a
 * {@link io.latentspark.spec.NetworkPlan} of {@link io.latentspark.spec.LayerSpec}s, its description and captions),
 * registered by {@code model.type} in {@link io.latentspark.spec.ModelTypes}, and the closed sets of words the
 * settings take ({@link io.latentspark.spec.Choice} enums). No DL4J here: {@code io.latentspark.model.NetworkFactory}
 * turns a plan into a DL4J network; an exporter can turn the same plan into another format.
 */
package io.latentspark.spec;
