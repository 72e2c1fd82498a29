package io.latentspark.spec;

import java.util.List;

/**
 * Reads one section of a config for a spec, checking each value as it is read; every failure names the full key,
 * the value and the rule. The config package implements it; a spec sees only this.
 */
public interface Reader {
  /** The sub-section {@code name}. */
  Reader section(String name);

  double number(String name);

  int positiveInt(String name);

  int nonNegativeInt(String name);

  double nonNegativeNumber(String name);

  List<Integer> positiveIntList(String name);

  /** A list of strings, trimmed, without duplicates. */
  List<String> stringList(String name);

  /** One of {@code allowed}, by its config word (case-insensitive); the message lists the words in this order. */
  <E extends Enum<E> & Choice> E choice(String name, List<E> allowed);

  /** One of the {@code allowed} words (case-insensitive), in lower case; the message lists them in this order. */
  String word(String name, List<String> allowed);

  /** The error for {@code value} at this section's {@code name}, breaking {@code rule}. */
  RuntimeException invalid(String name, Object value, String rule);
}
