package io.latentspark.config;

/** A setting that cannot be used; the message names the key, the value and the rule it breaks. */
public final class ConfigError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }

  /** "Cannot set {key} to {value}: {rule}". */
  public static ConfigError invalid(String key, Object value, String rule) {
    return new ConfigError("Cannot set " + key + " to " + render(value) + ": " + rule);
  }

  static String render(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
