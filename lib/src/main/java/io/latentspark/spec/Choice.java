package io.latentspark.spec;

import java.util.Locale;

/**
 * A member of a closed set of settings words, implemented by enums: the word in a config is the constant's name in
 * lower case with '-' for '_' (SALT_PEPPER is {@code salt-pepper}).
 */
public interface Choice {
  /** The enum constant's name (implemented by {@link Enum#name()}). */
  String name();

  /** The word in a config file, e.g. {@code salt-pepper}. */
  default String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
