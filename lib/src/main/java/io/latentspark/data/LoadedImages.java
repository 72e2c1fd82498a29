package io.latentspark.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A loaded dataset: the usable images ({@link ImageSchema}) and the input files that were left out under
 * {@code data.onError = skip}, each with its reason ({@link #QUARANTINE_SCHEMA}). Every file found is in
 * exactly one of the two.
 *
 * @param cached the dataset kept by {@code data.cache}, released by {@link #unpersist()}; may be null
 */
public record LoadedImages(Dataset<Row> images, Dataset<Row> quarantine, Dataset<Row> cached) {
  public static final String REASON = "reason";

  /** id, path, label, reason. */
  public static final StructType QUARANTINE_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ImageSchema.ID, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.PATH, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.LABEL, DataTypes.StringType, true),
      DataTypes.createStructField(REASON, DataTypes.StringType, false)
  });

  /** Releases the cached dataset, if any. */
  public void unpersist() {
    if (cached != null) {
      cached.unpersist();
    }
  }
}
