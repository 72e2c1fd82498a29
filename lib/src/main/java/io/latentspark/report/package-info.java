/**
 * The HTML run report ({@link io.latentspark.report.RunReport}): provenance, loss curves, reconstructions, error
 * histogram and t-SNE map as one self-contained page with its plots as PNG files.
 */
package io.latentspark.report;
