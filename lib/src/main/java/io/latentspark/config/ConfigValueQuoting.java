package io.latentspark.config;

import java.util.regex.Pattern;

/** Turns a raw command-line value into HOCON text: lists, objects, numbers and booleans as they are, anything else quoted. */
final class ConfigValueQuoting {
  private static final Pattern LITERAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null");

  private ConfigValueQuoting() {}

  static String asHoconValue(String raw) {
    if (raw.startsWith("[") || raw.startsWith("{") || raw.startsWith("\"") || LITERAL.matcher(raw).matches()) {
      return raw;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : raw.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }
}
