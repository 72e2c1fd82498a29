package io.latentspark.config;

import java.io.Serializable;

/** Where images come from and how they are decoded, split and normalised ({@code data.*}). */
public record DataConfig(
    DataFormat format,
    String path,
    int height,
    int width,
    int channels,
    ResizeMode resizeMode,
    double validationFraction,
    double testFraction,
    int limitPerSplit,
    OnError onError,
    ChannelMismatch channelMismatch,
    CacheLevel cache,
    int partitions,
    Normalization normalize,
    String parquetImageColumn,
    String parquetLabelColumn,
    String parquetIdColumn,
    int syntheticTrainCount,
    int syntheticTestCount,
    double syntheticNoise)
    implements Serializable {


  /** true when bad images are quarantined instead of failing the run. */
  public boolean skipBadInput() {
    return onError == OnError.SKIP;
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
        s.choice("resizeMode", java.util.List.of(ResizeMode.values())),
        validation,
        test,
        s.nonNegativeInt("limitPerSplit"),
        s.choice("onError", java.util.List.of(OnError.values())),
        s.choice("channelMismatch", java.util.List.of(ChannelMismatch.values())),
        s.choice("cache", java.util.List.of(CacheLevel.values())),
        s.nonNegativeInt("partitions"),
        s.choice("normalize", java.util.List.of(Normalization.values())),
        imageColumn,
        pq.string("labelColumn"),
        pq.string("idColumn"),
        syn.positiveInt("trainCount"),
        syn.positiveInt("testCount"),
        syn.nonNegativeNumber("noise"));
  }
}
