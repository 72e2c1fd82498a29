package io.latentspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads one section of a merged config and checks each value as it is read, so that every failure names
 * the full key, the value and the rule.
 */
final class Settings implements io.latentspark.spec.Reader {
  private final Config config;
  private final String prefix;

  Settings(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix.isEmpty() ? "" : prefix + ".";
  }

  @Override
  public Settings section(String name) {
    return new Settings(config.getConfig(name), prefix + name);
  }

  private String key(String name) {
    return prefix + name;
  }

  private Object raw(String name) {
    ConfigValue v = config.getValue(name);
    return v.unwrapped();
  }

  int integer(String name) {
    try {
      return config.getInt(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be an integer");
    }
  }

  long longValue(String name) {
    try {
      return config.getLong(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be an integer");
    }
  }

  @Override
  public double number(String name) {
    try {
      return config.getDouble(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a number");
    }
  }

  String string(String name) {
    try {
      return config.getString(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a string");
    }
  }

  @Override
  public int positiveInt(String name) {
    int v = integer(name);
    if (v <= 0) {
      throw ConfigError.invalid(key(name), v, "the value must be positive");
    }
    return v;
  }

  @Override
  public int nonNegativeInt(String name) {
    int v = integer(name);
    if (v < 0) {
      throw ConfigError.invalid(key(name), v, "the value must be 0 or more");
    }
    return v;
  }

  double positiveNumber(String name) {
    double v = number(name);
    if (!(v > 0) || Double.isInfinite(v)) {
      throw ConfigError.invalid(key(name), v, "the value must be a positive finite number");
    }
    return v;
  }

  @Override
  public double nonNegativeNumber(String name) {
    double v = number(name);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw ConfigError.invalid(key(name), v, "the value must be a finite number >= 0");
    }
    return v;
  }

  boolean bool(String name) {
    try {
      return config.getBoolean(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be true or false");
    }
  }

  /** A fraction in [0, max). */
  double fraction(String name, double maxExclusive) {
    double v = number(name);
    if (!(v >= 0 && v < maxExclusive)) {
      throw ConfigError.invalid(key(name), v, "the value must be >= 0 and < " + maxExclusive);
    }
    return v;
  }

  /** One of the allowed words, compared case-insensitively, returned in lower case. */
  String oneOf(String name, String... allowed) {
    return word(name, Arrays.asList(allowed));
  }

  @Override
  public String word(String name, List<String> allowed) {
    String v = string(name).trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw ConfigError.invalid(key(name), string(name), "the value must be one of " + String.join(", ", allowed));
    }
    return v;
  }

  @Override
  public <E extends Enum<E> & io.latentspark.spec.Choice> E choice(String name, List<E> allowed) {
    String v = word(name, allowed.stream().map(io.latentspark.spec.Choice::configName).toList());
    return allowed.stream().filter(e -> e.configName().equals(v)).findFirst().orElseThrow();
  }

  @Override
  public List<Integer> positiveIntList(String name) {
    List<Integer> values;
    try {
      values = config.getIntList(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a list of positive integers");
    }
    for (int v : values) {
      if (v <= 0) {
        throw ConfigError.invalid(key(name), values, "the value must be a list of positive integers");
      }
    }
    return List.copyOf(values);
  }

  /** A list of finite numbers. */
  List<Double> numberList(String name) {
    List<Double> values;
    try {
      values = config.getDoubleList(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a list of numbers, e.g. [0.5]");
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw ConfigError.invalid(key(name), values, "the values must be finite numbers");
      }
    }
    return List.copyOf(values);
  }

  /** A list of any strings (numbers are taken as their text), trimmed, without duplicates. */
  @Override
  public List<String> stringList(String name) {
    try {
      return config.getStringList(name).stream().map(String::trim).distinct().toList();
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a list, e.g. [\"0\", \"7\"]");
    }
  }

  List<String> stringListOf(String name, String... allowed) {
    List<String> values;
    try {
      values = config.getStringList(name);
    } catch (ConfigException.WrongType e) {
      throw ConfigError.invalid(key(name), raw(name), "the value must be a list of words");
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      String w = v.trim().toLowerCase(Locale.ROOT);
      if (!Arrays.asList(allowed).contains(w)) {
        throw ConfigError.invalid(key(name), values, "every entry must be one of " + String.join(", ", allowed));
      }
      out.add(w);
    }
    if (out.isEmpty()) {
      throw ConfigError.invalid(key(name), values, "the list must not be empty");
    }
    return List.copyOf(out);
  }

  @Override
  public ConfigError invalid(String name, Object value, String rule) {
    return ConfigError.invalid(key(name), value, rule);
  }
}
