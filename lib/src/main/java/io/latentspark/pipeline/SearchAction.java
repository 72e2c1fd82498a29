package io.latentspark.pipeline;

import io.latentspark.analysis.ImageSearch;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.export.ProjectorExport;
import io.latentspark.util.HadoopConf;
import io.latentspark.util.Outputs;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Finds the search.k nearest rows of a feature table to each query image; writes {@code out/search.csv} (query,rank,id,path,label,distance). */
public final class SearchAction extends Action<SearchAction, SearchAction.Result> {
  private final List<String> queries = new ArrayList<>();
  private String features;

  /** The hits, nearest first for each query, and the CSV they were written to. */
  public record Result(List<ImageSearch.Hit> hits, String csv) implements ActionResult {
    @Override
    public String summary() {
      StringBuilder b = new StringBuilder();
      for (ImageSearch.Hit h : hits) {
        b.append(String.format("%s  #%d  %.5f  %s  label=%s%n", h.query(), h.rank(), h.distance(), h.id(), h.label()));
      }
      return b.append("results in ").append(csv).toString();
    }
  }

  public SearchAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** Query image paths or URIs (decoded as data.* says); duplicates are searched once. */
  public SearchAction queries(List<String> paths) {
    queries.addAll(paths);
    return this;
  }

  /** The feature table to search (default: the run's features/). */
  public SearchAction features(String dir) {
    this.features = dir;
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.search());
  }

  @Override
  protected void validate() {
    requireTable(featuresDir());
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("Give at least one query image path");
    }
  }

  private String featuresDir() {
    return features != null ? features : out.features();
  }

  @Override
  protected Result run() {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(queries));
    float[][] codes = ImageSearch.encodeQueries(model(), unique, cfg.data(), cfg.encode().layer(), new HadoopConf(hadoop()));
    List<ImageSearch.Hit> hits = ImageSearch.nearest(table(featuresDir()), unique, codes, cfg.search().k());
    Outputs.writeAtomically(new Path(out.search()), hadoop(), overwrite(), staging -> {
      try (Writer w = new OutputStreamWriter(Outputs.fs(staging, hadoop()).create(staging, true), StandardCharsets.UTF_8)) {
        w.write("query,rank,id,path,label,distance\n");
        for (ImageSearch.Hit h : hits) {
          w.write(ProjectorExport.csvField(h.query()) + "," + h.rank() + "," + ProjectorExport.csvField(h.id()) + ","
              + ProjectorExport.csvField(h.path()) + "," + (h.label() == null ? "" : ProjectorExport.csvField(h.label())) + ","
              + h.distance() + "\n");
        }
      }
    });
    return new Result(hits, out.search());
  }
}
