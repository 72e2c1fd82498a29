package io.latentspark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import io.latentspark.util.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The layout every saved network directory shares: {@code network.zip} (DL4J's), {@code normalizer.json} and one
 * metadata JSON file, written atomically (staging + rename) and checked for completeness when read.
 */
final class ModelFiles {
  private ModelFiles() {}

  /** Writes {@code dir} atomically (refuses an existing one unless {@code overwrite}). */
  static void write(String dir, Configuration conf, boolean overwrite, Model network, boolean updater, InputNormalizer normalizer,
      String metadataFile, String metadataJson) {
    Outputs.writeAtomically(new Path(dir), conf, overwrite, staging -> {
      FileSystem fs = Outputs.fs(staging, conf);
      fs.mkdirs(staging);
      try (OutputStream out = fs.create(new Path(staging, AutoencoderModel.NETWORK))) {
        ModelSerializer.writeModel(network, out, updater);
      }
      Outputs.writeString(new Path(staging, AutoencoderModel.NORMALIZER), normalizer.toJson(), conf);
      Outputs.writeString(new Path(staging, metadataFile), metadataJson, conf);
    });
  }

  /** Fails naming the directory and the file when {@code root} lacks one of the three files; {@code what} says what it should be. */
  static void require(Path root, Configuration conf, String metadataFile, String what) {
    for (String f : new String[] {metadataFile, AutoencoderModel.NETWORK, AutoencoderModel.NORMALIZER}) {
      if (!Outputs.exists(new Path(root, f), conf)) {
        throw new ModelFormatException("Directory " + root + " has no " + f + ": it is not " + what + ", or it is incomplete");
      }
    }
  }

  /** The metadata every directory starts with: format version, kind, library version, time of writing. */
  static ObjectNode header(int formatVersion, String kind) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("formatVersion", formatVersion);
    m.put("kind", kind);
    m.put("latentspark", Versions.latentspark());
    m.put("createdAt", Instant.now().toString());
    return m;
  }

  /**
   * The metadata of {@code root} after {@link #require}: fails naming the directory ({@code what} says what it should
   * be) and the format when its formatVersion is not {@code formatVersion}.
   */
  static JsonNode readMetadata(Path root, Configuration conf, String metadataFile, String what, int formatVersion) {
    require(root, conf, metadataFile, what);
    JsonNode meta = Json.read(Outputs.readString(new Path(root, metadataFile), conf));
    if (meta.path("formatVersion").asInt(-1) != formatVersion) {
      throw new ModelFormatException(root + " has formatVersion " + meta.path("formatVersion") + "; this library reads " + formatVersion);
    }
    return meta;
  }

  static InputNormalizer normalizer(Path root, Configuration conf) {
    return InputNormalizer.fromJson(Outputs.readString(new Path(root, AutoencoderModel.NORMALIZER), conf));
  }

  /** A DL4J graph file; an unreadable one fails naming the file. */
  static ComputationGraph readGraph(Path file, Configuration conf, boolean updater) {
    try (InputStream in = Outputs.fs(file, conf).open(file)) {
      return ModelSerializer.restoreComputationGraph(in, updater);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException("Cannot read the network " + file + ": " + e.getMessage(), e);
    }
  }
}
