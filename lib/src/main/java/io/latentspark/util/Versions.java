package io.latentspark.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Library, DL4J and Spark versions this build was made with (filtered from the POM). */
public final class Versions {
  private static final Properties P = new Properties();

  static {
    try (InputStream in = Versions.class.getResourceAsStream("/io/latentspark/versions.properties")) {
      if (in != null) {
        P.load(in);
      }
    } catch (IOException ignored) {
      // versions are informational
    }
  }

  private Versions() {}

  public static String latentspark() {
    return P.getProperty("latentspark", "unknown");
  }

  public static String dl4j() {
    return P.getProperty("dl4j", "unknown");
  }

  public static String spark() {
    return P.getProperty("spark", "unknown");
  }
}
