package io.latentspark.ml;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The input column types the Spark ML stages accept (array of float or double, or an ML vector) and reading them as floats. */
final class VectorColumns {
  private VectorColumns() {}

  /** Fails naming the column, its type and the accepted types unless {@code col} is a usable input column of {@code schema}. */
  static void checkInput(StructType schema, String col) {
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException("Input column " + col + " does not exist (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    DataType t = schema.apply(col).dataType();
    if (!accepted(t)) {
      throw new IllegalArgumentException("Input column " + col + " has type " + t.simpleString()
          + "; it must be array<float>, array<double> or an ML vector (pixel values in [0,1])");
    }
  }

  /** Fails unless none of {@code cols} exists in {@code schema}. */
  static void checkAbsent(StructType schema, String... cols) {
    for (String c : cols) {
      if (java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException("Output column " + c + " already exists; choose another name with setOutputCol/setErrorCol");
      }
    }
  }

  /** The schema after an autoencoder stage: {@code in} checked, {@code out} (vector) and {@code error} (double) added. */
  static StructType outputSchema(StructType schema, String in, String out, String error) {
    checkInput(schema, in);
    checkAbsent(schema, out, error);
    return schema.add(out, SQLDataTypes.VectorType(), false).add(error, DataTypes.DoubleType, false);
  }

  private static boolean accepted(DataType t) {
    if (t instanceof ArrayType a) {
      return a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType);
    }
    return t.equals(SQLDataTypes.VectorType());
  }

  /** The value at {@code index} of {@code row} as floats; null stays null. */
  static float[] floats(Row row, int index) {
    if (row.isNullAt(index)) {
      return null;
    }
    Object v = row.get(index);
    if (v instanceof Vector vec) {
      double[] d = vec.toArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    List<?> list = row.getList(index);
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) list.get(i)).floatValue();
    }
    return f;
  }
}
