package io.latentspark.encode;

import io.latentspark.data.ImageSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Columns of the latent feature table: id, path, label, split, z (features), reconstruction_error (mean
 * per-pixel squared error), reconstruction_bce (mean per-pixel binary cross-entropy, nats) and, when asked
 * for, error_map (per-pixel squared errors); a variational autoencoder's tables add z_log_var. Tables need the first six; the others are optional.
 */
public final class FeatureSchema {
  public static final String Z = "z";
  public static final String RECONSTRUCTION_ERROR = "reconstruction_error";
  public static final String RECONSTRUCTION_BCE = "reconstruction_bce";
  public static final String ERROR_MAP = "error_map";
  /** A variational autoencoder's posterior log-variance per latent unit (z then holds the posterior mean mu). */
  public static final String Z_LOG_VAR = "z_log_var";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ImageSchema.ID, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.PATH, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.LABEL, DataTypes.StringType, true),
      DataTypes.createStructField(ImageSchema.SPLIT, DataTypes.StringType, false),
      DataTypes.createStructField(Z, DataTypes.createArrayType(DataTypes.FloatType, false), false),
      DataTypes.createStructField(RECONSTRUCTION_ERROR, DataTypes.DoubleType, false)
  });

  private FeatureSchema() {}

  /** The schema written by the encoder: the required columns, the BCE, and the error map if asked for. */
  public static StructType written(boolean errorMap) {
    return written(errorMap, false);
  }

  /** As {@link #written(boolean)}, plus z_log_var (after the BCE) for a variational autoencoder. */
  public static StructType written(boolean errorMap, boolean logVar) {
    StructType s = SCHEMA.add(DataTypes.createStructField(RECONSTRUCTION_BCE, DataTypes.DoubleType, false));
    if (logVar) {
      s = s.add(DataTypes.createStructField(Z_LOG_VAR, DataTypes.createArrayType(DataTypes.FloatType, false), false));
    }
    return errorMap ? s.add(DataTypes.createStructField(ERROR_MAP, DataTypes.createArrayType(DataTypes.FloatType, false), false)) : s;
  }

  /** Fails with a message naming the column if {@code schema} is not a feature table. */
  public static void check(StructType schema, String where) {
    for (StructField f : SCHEMA.fields()) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(f.name())) {
        throw new IllegalArgumentException(where + " is not a feature table: column " + f.name() + " is missing (columns are "
            + String.join(", ", schema.fieldNames()) + ")");
      }
      var actual = schema.apply(f.name()).dataType();
      if (!actual.sameType(f.dataType())) {
        throw new IllegalArgumentException(where + ": column " + f.name() + " must be " + f.dataType().simpleString() + " but was " + actual.simpleString());
      }
    }
  }
}
