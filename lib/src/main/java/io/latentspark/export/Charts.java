package io.latentspark.export;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts drawn with XChart (headless; no display needed). */
public final class Charts {
  /** Labels beyond this many share one grey series in scatter plots (a legend of hundreds helps nobody). */
  static final int MAX_LABEL_SERIES = 20;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * A scatter plot of {@code xy[i]} coloured by {@code labels.get(i)} (null = "(none)"), one legend entry per
   * label, sorted (numeric labels numerically).
   */
  public static byte[] scatterPng(String title, List<String> labels, double[][] xy, int width, int height) {
    Map<String, List<double[]>> byLabel = new TreeMap<>(Charts::compareLabels);
    for (int i = 0; i < xy.length; i++) {
      String l = labels.get(i) == null ? "(none)" : labels.get(i);
      byLabel.computeIfAbsent(l, k -> new ArrayList<>()).add(xy[i]);
    }
    if (byLabel.size() > MAX_LABEL_SERIES) {
      Map<String, List<double[]>> all = new TreeMap<>();
      all.put(byLabel.size() + " labels", byLabel.values().stream().flatMap(List::stream).toList());
      byLabel = all;
    }
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("x").yAxisTitle("y").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(byLabel.size() > 1);
    for (Map.Entry<String, List<double[]>> e : byLabel.entrySet()) {
      double[] x = new double[e.getValue().size()];
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = e.getValue().get(i)[0];
        y[i] = e.getValue().get(i)[1];
      }
      chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    return png(chart);
  }

  /** Line chart: one series per entry of {@code series} (name -> y values at {@code x}); NaN values are left out. */
  public static byte[] linePng(String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series, int width,
      int height) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(e.getValue()[i])) {
          xs.add(x[i]);
          ys.add(e.getValue()[i]);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(e.getKey(), xs, ys);
      }
    }
    return png(chart);
  }

  /** Line chart of curves with their own x values: name -> {x[], y[]}, points in the order given, with markers. */
  public static byte[] curvesPng(String title, String xTitle, String yTitle, Map<String, double[][]> curves, int width, int height) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(6);
    for (Map.Entry<String, double[][]> e : curves.entrySet()) {
      if (e.getValue()[0].length > 0) {
        chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
      }
    }
    return png(chart);
  }

  /**
   * A histogram of {@code values} in {@code bins} equal bins, with a vertical line at each of {@code markers}
   * (name -> x), e.g. the anomaly threshold.
   */
  public static byte[] histogramPng(String title, String xTitle, double[] values, int bins, Map<String, Double> markers, int width,
      int height) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    for (double m : markers.values()) {
      max = Math.max(max, m);
    }
    if (!(max > min)) {
      max = min + 1e-9;
    }
    double w = (max - min) / bins;
    double[] counts = new double[bins];
    for (double v : values) {
      counts[Math.min(bins - 1, (int) ((v - min) / w))]++;
    }
    double[] x = new double[bins + 1];
    double[] y = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      x[i] = min + i * w;
      y[i] = i < bins ? counts[i] : counts[bins - 1];
    }
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle("images").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(0);
    chart.addSeries(values.length + " images", x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea)
        .setMarker(SeriesMarkers.NONE);
    double top = 0;
    for (double c : counts) {
      top = Math.max(top, c);
    }
    for (Map.Entry<String, Double> m : markers.entrySet()) {
      chart.addSeries(m.getKey(), new double[] {m.getValue(), m.getValue()}, new double[] {0, top})
          .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE).setLineColor(Color.RED);
    }
    return png(chart);
  }

  /** PNG bytes of an image. */
  public static byte[] png(java.awt.image.BufferedImage img) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode an image as PNG", e);
    }
    return out.toByteArray();
  }

  static byte[] png(XYChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render the chart " + chart.getTitle() + " as PNG", e);
    }
  }

  /** Numbers by value, then everything else alphabetically. */
  static int compareLabels(String a, String b) {
    Double x = number(a);
    Double y = number(b);
    if (x != null && y != null) {
      return x.equals(y) ? a.compareTo(b) : Double.compare(x, y);
    }
    if (x != null || y != null) {
      return x != null ? -1 : 1;
    }
    return a.compareTo(b);
  }

  private static Double number(String s) {
    try {
      return Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
