package io.latentspark.encode;

import io.latentspark.data.ImageSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Columns of the latent feature table. */
public final class FeatureSchema {
  public static final String Z = "z";
  public static final String RECONSTRUCTION_ERROR = "reconstruction_error";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ImageSchema.ID, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.PATH, DataTypes.StringType, false),
      DataTypes.createStructField(ImageSchema.LABEL, DataTypes.StringType, true),
      DataTypes.createStructField(ImageSchema.SPLIT, DataTypes.StringType, false),
      DataTypes.createStructField(Z, DataTypes.createArrayType(DataTypes.FloatType, false), false),
      DataTypes.createStructField(RECONSTRUCTION_ERROR, DataTypes.DoubleType, false)
  });

  private FeatureSchema() {}

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
