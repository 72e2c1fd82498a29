package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.config.DataFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** {@code data.format = synthetic}: the seeded synthetic shapes, generated on the executors. */
final class SyntheticSource implements ImageSource {
  @Override
  public DataFormat format() {
    return DataFormat.SYNTHETIC;
  }

  @Override
  public boolean decodesFiles() {
    return false;
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    return synthetic(spark, cfg, seed, partitions);
  }

  static Dataset<Row> synthetic(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    long train = cfg.syntheticTrainCount();
    long total = train + cfg.syntheticTestCount();
    int h = cfg.height();
    int w = cfg.width();
    int c = cfg.channels();
    double noise = cfg.syntheticNoise();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = spark.range(0, total, 1, partitions).javaRDD().map(i -> {
      String id = String.format("synthetic-%07d", i);
      String split = i < train ? Splits.trainOrValidation(seed, id, validation) : ImageSchema.TEST;
      return RowFactory.create(id, "synthetic:" + seed + "/" + i, SyntheticImages.label(i), split,
          SyntheticImages.image(seed, i, h, w, c, noise));
    });
    return ImageSchema.frame(spark, rows, ImageSchema.SCHEMA);
  }
}
