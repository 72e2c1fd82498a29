package io.latentspark.spec;

/** A member of a closed set of settings words; {@link #configName()} is the word as written in a config. */
public interface Choice {
  /** The word in a config file, e.g. {@code salt-pepper}. */
  String configName();
}
