package io.latentspark.export;

import io.latentspark.data.ImageSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;

/**
 * A seeded sample of about {@code size} rows in which every label keeps its share of the table
 * (at least one row per label). Rows are chosen by a hash of their id, so the sample does not depend on
 * partitioning.
 */
public final class StratifiedSample {
  private StratifiedSample() {}

  public static Dataset<Row> of(Dataset<Row> table, int size, long seed) {
    Dataset<Row> labelled = table.withColumn("_stratum", functions.coalesce(functions.col(ImageSchema.LABEL), functions.lit("")));
    List<Row> counts = labelled.groupBy("_stratum").count().collectAsList();
    long total = 0;
    for (Row r : counts) {
      total += r.getLong(1);
    }
    Map<String, Integer> quota = new HashMap<>();
    for (Row r : counts) {
      long n = r.getLong(1);
      quota.put(r.getString(0), (int) Math.max(1, Math.min(n, Math.round((double) size * n / Math.max(1, total)))));
    }
    var quotaCol = functions.lit(0);
    for (Map.Entry<String, Integer> e : quota.entrySet()) {
      quotaCol = functions.when(functions.col("_stratum").equalTo(e.getKey()), e.getValue()).otherwise(quotaCol);
    }
    return labelled
        .withColumn("_rank", functions.row_number().over(Window.partitionBy("_stratum")
            .orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed)), functions.col(ImageSchema.ID))))
        .where(functions.col("_rank").leq(quotaCol))
        .drop("_rank", "_stratum");
  }
}
