package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.config.DataFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** {@code data.format = parquet}: a Parquet table of encoded image bytes, decoded on the executors. */
final class ParquetImageSource implements ImageSource {
  @Override
  public DataFormat format() {
    return DataFormat.PARQUET;
  }

  @Override
  public boolean decodesFiles() {
    return true;
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    return parquet(spark, cfg, seed, partitions);
  }

  /**
   * A Parquet table with encoded image bytes: data.parquet.imageColumn (binary), optional label and id
   * columns; a path column, if present, is kept as the row's path.
   */
  static Dataset<Row> parquet(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    Path root = new Path(cfg.path());
    var hconf = spark.sparkContext().hadoopConfiguration();
    try {
      if (!root.getFileSystem(hconf).exists(root)) {
        throw new IllegalArgumentException("data.path " + root + " does not exist");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open data.path " + root + ": " + e.getMessage(), e);
    }
    Dataset<Row> table = spark.read().parquet(cfg.path());
    var schema = table.schema();
    java.util.Set<String> columns = java.util.Set.of(schema.fieldNames());
    String image = cfg.parquetImageColumn();
    if (!columns.contains(image)) {
      throw new IllegalArgumentException("data.parquet.imageColumn: column " + image + " is not in the table " + cfg.path()
          + " (columns are " + String.join(", ", schema.fieldNames()) + ")");
    }
    if (!schema.apply(image).dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("Column " + image + " of " + cfg.path() + " must be binary (image file bytes) but was "
          + schema.apply(image).dataType().simpleString());
    }
    String labelCol = cfg.parquetLabelColumn();
    if (!labelCol.isEmpty() && !columns.contains(labelCol)) {
      throw new IllegalArgumentException("data.parquet.labelColumn: column " + labelCol + " is not in the table " + cfg.path()
          + " (set it to \"\" for a table without labels)");
    }
    String idCol = cfg.parquetIdColumn();
    if (!idCol.isEmpty() && !columns.contains(idCol)) {
      throw new IllegalArgumentException("data.parquet.idColumn: column " + idCol + " is not in the table " + cfg.path());
    }
    var fileRow = functions.concat(functions.regexp_extract(functions.input_file_name(), "[^/]*$", 0), functions.lit("#"),
        functions.monotonically_increasing_id().cast("string"));
    var id = !idCol.isEmpty() ? functions.col(idCol).cast("string")
        : columns.contains("path") ? functions.col("path").cast("string") : fileRow;
    var path = columns.contains("path") ? functions.col("path").cast("string")
        : functions.concat(functions.lit(cfg.path() + "#"), fileRow);
    var label = labelCol.isEmpty() ? functions.lit(null).cast("string") : functions.col(labelCol).cast("string");
    Dataset<Row> input = table.select(id.as("id"), path.as("path"), label.as("label"), functions.col(image).as("bytes"))
        .repartition(partitions);
    DecodeOptions opts = DecodeOptions.of(cfg);
    double test = cfg.testFraction();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = input.javaRDD().map(r -> {
      String rowId = r.getString(0);
      String rowPath = r.getString(1);
      String rowLabel = r.isNullAt(2) ? null : r.getString(2);
      String split = Splits.assign(seed, rowId, test, validation);
      byte[] bytes = r.isNullAt(3) ? new byte[0] : (byte[]) r.get(3);
      return ImageSources.decodedRow(rowId, rowPath, rowLabel, split, () -> ImageDecoder.decode(bytes, rowPath, opts));
    });
    return ImageSchema.frame(spark, rows, ImageSchema.SCHEMA.add(ImageSources.ERROR, DataTypes.StringType, true));
  }
}
