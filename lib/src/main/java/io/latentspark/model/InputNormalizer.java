package io.latentspark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.util.Json;
import java.io.Serializable;

/**
 * Maps stored pixels (floats in [0,1]) to network inputs and back. {@code unit} leaves them as they are;
 * {@code standardize} subtracts the per-pixel mean and divides by the standard deviation, both computed on
 * the training split only.
 */
public final class InputNormalizer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Standard deviations below this are clamped to it (constant border pixels). */
  static final float MIN_STD = 1e-3f;

  private final String type;
  private final float[] mean;
  private final float[] std;

  private InputNormalizer(String type, float[] mean, float[] std) {
    this.type = type;
    this.mean = mean;
    this.std = std;
  }

  public static InputNormalizer unit() {
    return new InputNormalizer("unit", null, null);
  }

  /** A standardizer from per-pixel sums and sums of squares over {@code count} training images. */
  public static InputNormalizer standardize(double[] sum, double[] sumSq, long count) {
    float[] mean = new float[sum.length];
    float[] std = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      double m = sum[i] / count;
      mean[i] = (float) m;
      std[i] = (float) Math.max(MIN_STD, Math.sqrt(Math.max(0, sumSq[i] / count - m * m)));
    }
    return new InputNormalizer("standardize", mean, std);
  }

  public String type() {
    return type;
  }

  /** The per-pixel means subtracted from the input (a copy), or null for {@code unit}. */
  public float[] mean() {
    return mean == null ? null : mean.clone();
  }

  /** The per-pixel standard deviations the input is divided by (a copy), or null for {@code unit}. */
  public float[] std() {
    return std == null ? null : std.clone();
  }

  /** Normalises {@code pixels} in place and returns it. */
  public float[] apply(float[] pixels) {
    if (mean != null) {
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (pixels[i] - mean[i]) / std[i];
      }
    }
    return pixels;
  }

  /** Maps network outputs back to pixel space in place and returns it. */
  public float[] invert(float[] values) {
    if (mean != null) {
      for (int i = 0; i < values.length; i++) {
        values[i] = values[i] * std[i] + mean[i];
      }
    }
    return values;
  }

  /** Normalises {@code rows} (images of {@code width} values one after another) in place and returns it. */
  public float[] apply(float[] rows, int width) {
    if (mean != null) {
      for (int i = 0; i < rows.length; i++) {
        int k = i % width;
        rows[i] = (rows[i] - mean[k]) / std[k];
      }
    }
    return rows;
  }

  public String toJson() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", type);
    if (mean != null) {
      n.set("mean", Json.MAPPER.valueToTree(mean));
      n.set("std", Json.MAPPER.valueToTree(std));
    }
    return Json.write(n);
  }

  public static InputNormalizer fromJson(String json) {
    JsonNode n = Json.read(json);
    String type = n.path("type").asText();
    return switch (type) {
      case "unit" -> unit();
      case "standardize" -> new InputNormalizer(type, Json.MAPPER.convertValue(n.get("mean"), float[].class),
          Json.MAPPER.convertValue(n.get("std"), float[].class));
      default -> throw new IllegalArgumentException("Unknown normalizer type \"" + type + "\" in normalizer.json: it must be unit or standardize");
    };
  }
}
