package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.config.DataFormat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One data format: reads the configured dataset into rows of {@link ImageSchema} (id, path, label, split, pixels).
 * A source that decodes files adds the column {@link ImageSources#ERROR} (null for a good image, else the reason),
 * and {@link ImageSources#load} applies {@code data.onError} to it. Adding a format is one class here, listed in
 * {@link #ALL}, and a word in {@link DataFormat}.
 */
public interface ImageSource {
  /** Every source, one per {@link DataFormat}. */
  List<ImageSource> ALL = List.of(new SyntheticSource(), new IdxSource(), new ImageFolderSource(), new ParquetImageSource());

  /** The {@code data.format} this source reads. */
  DataFormat format();

  /** true when rows are decoded from files one by one and may fail alone (the rows then carry the error column). */
  boolean decodesFiles();

  /** The rows of the dataset, spread over about {@code partitions} partitions; nothing is cached here. */
  Dataset<Row> read(SparkSession spark, DataConfig cfg, long seed, int partitions);

  /** The source of {@code format}. */
  static ImageSource of(DataFormat format) {
    return ALL.stream().filter(s -> s.format() == format).findFirst()
        .orElseThrow(() -> new IllegalStateException("No image source reads data.format " + format.configName()));
  }
}
