package io.latentspark.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The columns every image source produces, and helpers to read them from a {@link Row}. */
public final class ImageSchema {
  public static final String ID = "id";
  public static final String PATH = "path";
  public static final String LABEL = "label";
  public static final String SPLIT = "split";
  public static final String PIXELS = "pixels";

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ID, DataTypes.StringType, false),
      DataTypes.createStructField(PATH, DataTypes.StringType, false),
      DataTypes.createStructField(LABEL, DataTypes.StringType, true),
      DataTypes.createStructField(SPLIT, DataTypes.StringType, false),
      DataTypes.createStructField(PIXELS, DataTypes.createArrayType(DataTypes.FloatType, false), false)
  });

  private ImageSchema() {}

  /** Fails with a message naming the column if {@code schema} lacks a column of the image schema or has it with another type. */
  public static void check(StructType schema) {
    for (StructField f : SCHEMA.fields()) {
      int i;
      try {
        i = schema.fieldIndex(f.name());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Column " + f.name() + " is missing; an image table needs " + String.join(", ", SCHEMA.fieldNames()));
      }
      var actual = schema.fields()[i].dataType();
      if (!actual.sameType(f.dataType())) {
        throw new IllegalArgumentException("Column " + f.name() + " must be " + f.dataType().simpleString() + " but was " + actual.simpleString());
      }
    }
  }

  /**
   * A table of {@code schema} from rows holding strings, nulls and {@code float[]} pixels, converted to Spark's
   * internal rows directly: the pixels enter as one primitive array (createDataFrame's converter boxes every float).
   */
  public static Dataset<Row> frame(SparkSession spark, JavaRDD<Row> rows, StructType schema) {
    JavaRDD<InternalRow> internal = rows.map(r -> {
      Object[] v = new Object[r.size()];
      for (int i = 0; i < v.length; i++) {
        Object x = r.get(i);
        v[i] = x instanceof String str ? UTF8String.fromString(str) : x instanceof float[] f ? UnsafeArrayData.fromPrimitiveArray(f) : x;
      }
      return new GenericInternalRow(v);
    });
    return spark.internalCreateDataFrame(internal.rdd(), schema, false);
  }

  /**
   * The pixels of each row of {@code images}, in the table's order, read from Spark's internal rows with one bulk
   * copy per image. Going through {@code javaRDD()} instead converts each row to a {@link Row} whose array&lt;float&gt; is
   * a sequence of boxed floats (784 objects per MNIST image), several times the cost of the work done with them.
   */
  public static JavaRDD<float[]> pixelArrays(Dataset<Row> images) {
    return images.select(PIXELS).queryExecution().toRdd().toJavaRDD().map(r -> {
      if (r.isNullAt(0)) {
        throw new IllegalArgumentException("Column " + PIXELS + " is null in a row of the image table; every image needs its pixels");
      }
      // the row is reused by its iterator: toFloatArray copies the pixels out
      return r.getArray(0).toFloatArray();
    });
  }

  /** The pixels of a row as a float array. */
  public static float[] pixels(Row row, int index) {
    Object raw = row.get(index);
    if (raw instanceof float[] f) {
      return f.clone();
    }
    List<Float> list = row.getList(index);
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
