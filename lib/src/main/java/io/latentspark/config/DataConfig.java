package io.latentspark.config;

import java.io.Serializable;

/** Where images come from and how they are decoded, split and normalised ({@code data.*}). */
public record DataConfig(
    DataFormat format,
    String path,
    int height,
    int width,
    int channels,
    String resizeMode,
    double validationFraction,
    double testFraction,
    int limitPerSplit,
    String onError,
    String channelMismatch,
    String cache,
    int partitions,
    String normalize,
    String parquetImageColumn,
    String parquetLabelColumn,
    String parquetIdColumn,
    int syntheticTrainCount,
    int syntheticTestCount,
    double syntheticNoise)
    implements Serializable {


  /** true when bad images are quarantined instead of failing the run. */
  public boolean skipBadInput() {
    return onError.equals("skip");
  }

  /** Pixels per image: height x width x channels. */
  public int inputSize() {
    return height * width * channels;
  }

  /** The shape of the images the network reads. */
  public io.latentspark.spec.ImageShape shape() {
    return new io.latentspark.spec.ImageShape(channels, height, width);
  }

  static DataConfig read(Settings s) {
    DataFormat format = s.choice("format", java.util.List.of(DataFormat.values()));
    String path = s.string("path");
    if (format != DataFormat.SYNTHETIC && path.isBlank()) {
      throw s.invalid("path", path, "data.format = " + format.configName() + " needs the dataset location (a path or file:, hdfs:, s3a: URI)");
    }
    if (UriRules.hasUserInfo(path)) {
      throw s.invalid("path", UriRules.redact(path), UriRules.CREDENTIALS_RULE);
    }
    int channels = s.integer("channels");
    if (channels != 1 && channels != 3) {
      throw s.invalid("channels", channels, "the value must be 1 (grey) or 3 (RGB)");
    }
    int height = s.positiveInt("height");
    int width = s.positiveInt("width");
    if (height > 4096 || width > 4096) {
      throw s.invalid(height > 4096 ? "height" : "width", Math.max(height, width), "the value must be at most 4096");
    }
    double validation = s.fraction("validationFraction", 1.0);
    double test = s.fraction("testFraction", 1.0);
    if (validation + test >= 1.0) {
      throw s.invalid("validationFraction", validation, "data.validationFraction + data.testFraction must be < 1 (testFraction is " + test + ")");
    }
    Settings syn = s.section("synthetic");
    Settings pq = s.section("parquet");
    String imageColumn = pq.string("imageColumn");
    if (imageColumn.isBlank()) {
      throw pq.invalid("imageColumn", imageColumn, "the value must name the binary column that holds the image bytes");
    }
    return new DataConfig(
        format,
        path,
        height,
        width,
        channels,
        s.oneOf("resizeMode", "stretch", "center-crop"),
        validation,
        test,
        s.nonNegativeInt("limitPerSplit"),
        s.oneOf("onError", "fail", "skip"),
        s.oneOf("channelMismatch", "convert", "reject"),
        s.oneOf("cache", "memory-and-disk", "disk", "none"),
        s.nonNegativeInt("partitions"),
        s.oneOf("normalize", "unit", "standardize"),
        imageColumn,
        pq.string("labelColumn"),
        pq.string("idColumn"),
        syn.positiveInt("trainCount"),
        syn.positiveInt("testCount"),
        syn.nonNegativeNumber("noise"));
  }
}
