/**
 * t-SNE-ready exports of a feature table: a stratified sample written as TensorFlow Embedding Projector
 * files (vectors.tsv, metadata.tsv, projector_config.pbtxt) and as CSV.
 */
package io.latentspark.export;
