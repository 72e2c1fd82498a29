package io.latentspark.config;

import org.apache.hadoop.fs.Path;

/**
 * Where a run writes under its {@code --out} directory (any Hadoop URI):
 * <pre>
 *   model/         the trained model directory
 *   onnx/          the model as ONNX graphs (encoder, decoder, autoencoder) and onnx.json (export-onnx)
 *   checkpoints/   epoch-NNNN model directories written after every epoch (the newest few are kept)
 *   features/      the latent feature table (Parquet)
 *   export/        Embedding Projector files (vectors, metadata, sprite) and CSV of a stratified sample
 *   tsne/          2-D t-SNE map of a stratified sample: points.csv and scatter.png
 *   pca-features/  the PCA baseline's feature table (pca)
 *   evaluation.json, anomalies/, search.csv, imputed/   written by evaluate, anomaly, search and impute
 *   compression/   rate-distortion.csv and .png, codec.json and the compressed codes (compress)
 *   latent-map/    codes and PCA scatter, decoded manifold, interpolation strips (latent-map)
 *   classifier/, predictions/   the fine-tuned classifier and its predictions table (finetune, predict)
 *   swap/          the shared-encoder face swap network, swap grids and swap.json (swap)
 *   quarantine/    input files left out under data.onError = skip, with their reasons (Parquet)
 *   report/        index.html (self-contained run report) and its plots as PNG files
 *   summary.json   what the run did and measured
 * </pre>
 */
public record RunLayout(String out) {
  public RunLayout {
    if (UriRules.hasUserInfo(out)) {
      throw new IllegalArgumentException("Cannot use --out " + UriRules.redact(out) + ": "
          + UriRules.CREDENTIALS_RULE);
    }
  }

  public String model() {
    return child("model");
  }

  public String onnx() {
    return child("onnx");
  }

  public String checkpoints() {
    return child("checkpoints");
  }

  public String features() {
    return child("features");
  }

  public String export() {
    return child("export");
  }

  public String tsne() {
    return child("tsne");
  }

  public String report() {
    return child("report");
  }

  public String pcaFeatures() {
    return child("pca-features");
  }

  public String evaluation() {
    return child("evaluation.json");
  }

  public String anomalies() {
    return child("anomalies");
  }

  public String search() {
    return child("search.csv");
  }

  public String imputed() {
    return child("imputed");
  }

  /** compression/: the rate-distortion table and plot, the codec and the compressed codes (compress). */
  public String compression() {
    return child("compression");
  }

  /** latent-map/: the codes' scatter and decoded manifold (2-D codes) and interpolation strips (latent-map). */
  public String latentMap() {
    return child("latent-map");
  }

  /** classifier/: the fine-tuned classifier (finetune). */
  public String classifier() {
    return child("classifier");
  }

  /** swap/: the face swap network, its grids and measurements (swap). */
  public String swap() {
    return child("swap");
  }

  /** predictions/: a classifier's predictions table (finetune, predict). */
  public String predictions() {
    return child("predictions");
  }

  /** denoising.json, written by denoise. */
  public String denoising() {
    return child("denoising.json");
  }

  /** vae/ (elbo.json, samples.png), written by vae. */
  public String vae() {
    return child("vae");
  }

  public String quarantine() {
    return child("quarantine");
  }

  public String summary() {
    return child("summary.json");
  }

  private String child(String name) {
    return new Path(out, name).toString();
  }
}
