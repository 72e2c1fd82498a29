package io.latentspark.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Rules for dataset and output locations. Credentials belong in Hadoop/Spark settings or the environment, never in a URI. */
public final class UriRules {
  public static final String CREDENTIALS_RULE = "credentials in a URI are not accepted (they would end up in logs and "
      + "model metadata); set them with the usual Hadoop/Spark settings, e.g. spark.hadoop.fs.s3a.access.key, or the "
      + "AWS environment variables";

  private UriRules() {}

  /** true when {@code location} is a URI with a user-info part (user:secret@host). */
  public static boolean hasUserInfo(String location) {
    try {
      return location.contains("://") && new URI(location).getRawUserInfo() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The location with any user-info replaced by "***". */
  public static String redact(String location) {
    return location.replaceFirst("://[^/@]*@", "://***@");
  }
}
