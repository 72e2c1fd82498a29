package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet tables of encoded image bytes, e.g. saved from Spark's binaryFile source. */
class ParquetSourceTest extends SparkTestBase {

  static LatentSparkConfig cfg(Path table, String... more) {
    List<String> sets = new ArrayList<>(List.of("data.format=parquet", "data.path=" + table, "data.height=16", "data.width=16",
        "data.channels=3"));
    sets.addAll(List.of(more));
    return TestData.config(sets.toArray(String[]::new));
  }

  @Test
  void binaryFileTableOfFlowersWithLabels(@TempDir Path dir) {
    Path flowers = TestData.dataset("flowers-small");
    Path table = dir.resolve("flowers.parquet");
    spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(flowers.toString())
        .withColumn("label", functions.regexp_extract(functions.col("path"), "/([^/]+)/[^/]+$", 1))
        .write().parquet(table.toString());
    LoadedImages loaded = ImageSources.load(spark, cfg(table, "data.parquet.imageColumn=content", "data.onError=skip").data(), 42);
    assertEquals(300, loaded.images().count());
    assertEquals(5, loaded.images().select("label").distinct().count());
    List<Row> q = loaded.quarantine().collectAsList();
    assertEquals(2, q.size(), "LICENSE.txt and MD5SUMS are in the binaryFile table but are not images: " + q);
    assertTrue(q.stream().allMatch(r -> r.getString(3).startsWith("not an image")), q.toString());
    Row first = loaded.images().where("id like '%/daisy/%'").first();
    assertEquals("daisy", first.getString(first.fieldIndex("label")));
    assertEquals(first.getString(first.fieldIndex("id")), first.getString(first.fieldIndex("path")), "id defaults to the path column");
    assertEquals(3 * 16 * 16, first.getList(first.fieldIndex("pixels")).size());
    loaded.unpersist();
  }

  @Test
  void tableWithoutLabelsOrIdsAndSchemaErrors(@TempDir Path dir) {
    LatentSparkConfig gen = TestData.config("data.height=10", "data.width=10");
    Path folder = dir.resolve("pngs");
    SyntheticFolder.write(spark, gen.data(), 3, 50, folder.toString(), false);
    Path table = dir.resolve("bytes.parquet");
    spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(folder.toString())
        .select(functions.col("content").as("image")).write().parquet(table.toString());
    Dataset<Row> images = ImageSources.load(spark, cfg(table, "data.channels=1", "data.parquet.labelColumn=\"\"").data(), 42).images();
    assertEquals(50, images.count());
    assertEquals(50, images.select("id").distinct().count(), "generated ids are unique");
    assertTrue(images.where("label is not null").isEmpty());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, cfg(table, "data.parquet.imageColumn=content").data(), 42));
    assertEquals("data.parquet.imageColumn: column content is not in the table " + table + " (columns are image)", missing.getMessage());
    IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class, () -> ImageSources.load(spark, cfg(table).data(), 42));
    assertTrue(noLabel.getMessage().startsWith("data.parquet.labelColumn: column label is not in the table"), noLabel.getMessage());

    Path strings = dir.resolve("strings.parquet");
    spark.range(3).selectExpr("cast(id as string) as image").write().parquet(strings.toString());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, cfg(strings, "data.parquet.labelColumn=\"\"").data(), 42));
    assertEquals("Column image of " + strings + " must be binary (image file bytes) but was string", wrongType.getMessage());
  }
}
