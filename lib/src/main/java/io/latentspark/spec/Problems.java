package io.latentspark.spec;

/** Makes the error for a setting that cannot be used, naming its full key, the value and the rule. */
@FunctionalInterface
public interface Problems {
  RuntimeException invalid(String key, Object value, String rule);
}
