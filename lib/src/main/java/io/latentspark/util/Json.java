package io.latentspark.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** One shared Jackson mapper (Spark ships Jackson) and unchecked read/write. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Writes records with snake_case keys on one line: the JSON results of operations (the last line scripts read). */
  public static final ObjectMapper RESULTS = new ObjectMapper().setPropertyNamingStrategy(
      com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

  private Json() {}

  /** {@code value} as one line of snake_case JSON. */
  public static String line(Object value) {
    try {
      return RESULTS.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
