package io.latentspark.pipeline;

import org.apache.hadoop.fs.Path;

/**
 * Where a run writes under its {@code --out} directory (any Hadoop URI):
 * <pre>
 *   model/         the trained model directory
 *   checkpoints/   epoch-NNNN model directories written after every epoch (the newest few are kept)
 *   features/      the latent feature table (Parquet)
 *   export/        t-SNE / Embedding Projector files and CSV of a stratified sample
 *   quarantine/    input files left out under data.onError = skip, with their reasons (Parquet)
 *   summary.json   what the run did and measured
 * </pre>
 */
public record RunLayout(String out) {
  public RunLayout {
    if (io.latentspark.config.UriRules.hasUserInfo(out)) {
      throw new IllegalArgumentException("Cannot use --out " + io.latentspark.config.UriRules.redact(out) + ": "
          + io.latentspark.config.UriRules.CREDENTIALS_RULE);
    }
  }

  public String model() {
    return child("model");
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
