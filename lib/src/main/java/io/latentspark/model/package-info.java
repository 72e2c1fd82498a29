/**
 * Autoencoder specs turned into DL4J networks, input normalisation, and the saved-model directory format
 * (metadata.json + network.zip + normalizer.json). DL4J stays behind {@link io.latentspark.model.AutoencoderModel}
 * so that the backend can be replaced without touching jobs, configs or output formats.
 */
package io.latentspark.model;
