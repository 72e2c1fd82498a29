package io.latentspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.config.RunLayout;
import io.latentspark.util.Json;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Every Zeppelin note in notebooks/ runs: its %spark paragraphs, in order, in the Scala 2.12 interpreter
 * against a local SparkSession with the library on the classpath, as Zeppelin's Spark interpreter runs them
 * (class-based REPL wrappers whose classes executors load from the driver, {@code spark}, {@code sc} and a
 * {@code z} stand-in bound). The notes read a real small run made here. Any error fails the note.
 */
class NotebooksTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static String run;

  @BeforeAll
  static void runPipeline() throws Exception {
    Path replClasses = Files.createDirectories(dir.resolve("repl-classes"));
    spark = SparkSession.builder().master("local[2]").appName("notebooks").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        // as spark-shell and Zeppelin do: executors fetch the interpreter's classes from the driver
        .config("spark.repl.class.outputDir", replClasses.toString())
        .getOrCreate();
    LatentSparkConfig cfg = LatentSparkConfig.load(null, List.of("data.synthetic.trainCount=1000", "data.synthetic.testCount=300",
        "data.height=16", "data.width=16", "model.encoderLayers=[32]", "model.latentSize=6", "train.epochs=2",
        "train.batchSizePerWorker=32", "export.sampleSize=200", "export.tsne.sampleSize=200", "export.tsne.iterations=250"));
    run = dir.resolve("run").toString();
    Pipeline.run(spark, cfg, new RunLayout(run), false);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Path notebooks() {
    for (Path p : List.of(Path.of("notebooks"), Path.of("../notebooks"))) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("notebooks/ not found from " + Path.of("").toAbsolutePath());
  }

  @TestFactory
  Stream<DynamicTest> everyNoteRuns() throws Exception {
    List<Path> notes;
    try (Stream<Path> s = Files.list(notebooks())) {
      notes = s.filter(p -> p.toString().endsWith(".zpln")).sorted().toList();
    }
    assertFalse(notes.isEmpty(), "notebooks/ has no .zpln notes");
    return notes.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> runNote(p)));
  }

  /** The harness fails a note on a compile error and on an exception thrown by a paragraph (here: in a Spark task). */
  @org.junit.jupiter.api.Test
  void aBrokenParagraphFailsItsNote() throws Exception {
    for (String bad : List.of("val n: Int = \"not a number\"",
        "spark.range(10).toDF(\"x\").where(\"x > 5\").rdd.map(r => 1 / (r.getLong(0) - 7)).count()")) {
      Path note = dir.resolve("broken.zpln");
      String text = Json.MAPPER.writeValueAsString("%spark\n" + bad);
      Files.writeString(note, "{\"defaultInterpreterGroup\": \"spark\", \"paragraphs\": [{\"id\": \"p1\", \"text\": " + text + "}]}");
      org.opentest4j.AssertionFailedError e = org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class,
          () -> runNote(note));
      assertTrue(e.getMessage().contains("%spark paragraph 1 ended with Error"), e.getMessage());
    }
  }

  void runNote(Path note) throws Exception {
    JsonNode json = Json.read(Files.readString(note));
    assertEquals("spark", json.path("defaultInterpreterGroup").asText(), note + ": default interpreter");
    List<String> code = new ArrayList<>();
    for (JsonNode p : json.get("paragraphs")) {
      String text = p.path("text").asText();
      if (text.startsWith("%spark\n")) {
        code.add(text.substring("%spark\n".length()));
      } else if (!text.startsWith("%md")) {
        fail(note + ": paragraph " + p.path("id").asText() + " uses an interpreter other than %spark and %md: " + text.lines().findFirst().orElse(""));
      }
    }
    assertFalse(code.isEmpty(), note + " has no %spark paragraphs");

    StringWriter out = new StringWriter();
    Settings settings = new Settings();
    settings.processArgumentString("-Yrepl-class-based -Yrepl-outdir " + spark.conf().get("spark.repl.class.outputDir")
        + " -classpath " + classpath());
    IMain repl = new IMain(settings, new PrintWriter(out, true));
    ZeppelinContextStandIn z = new ZeppelinContextStandIn(Map.of("run", run));
    try {
      bind(repl, "spark", "org.apache.spark.sql.SparkSession", spark);
      bind(repl, "sc", "org.apache.spark.SparkContext", spark.sparkContext());
      bind(repl, "z", ZeppelinContextStandIn.class.getName(), z);
      for (int i = 0; i < code.size(); i++) {
        out.getBuffer().setLength(0);
        Results.Result r = repl.interpret(code.get(i));
        if (r != Results.Success$.MODULE$) {
          fail(note.getFileName() + ", %spark paragraph " + (i + 1) + " ended with " + r + ":\n" + out + "\n--- code ---\n" + code.get(i));
        }
      }
    } finally {
      repl.close();
    }
    assertTrue(z.tablesShown() > 0, note + " shows at least one table");
  }

  private static void bind(IMain repl, String name, String type, Object value) {
    scala.collection.immutable.List<String> none = scala.collection.immutable.List.empty();
    Results.Result r = repl.bind(name, type, value, none);
    assertEquals(Results.Success$.MODULE$, r, "binding " + name);
  }

  /** The test JVM's classpath; surefire passes it as the Class-Path of a manifest-only jar, which scalac does not follow. */
  static String classpath() throws Exception {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      entries.add(e);
      if (e.endsWith(".jar") && e.contains("surefire")) {
        try (JarFile jar = new JarFile(e)) {
          String cp = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
          if (cp != null) {
            for (String u : cp.trim().split("\\s+")) {
              entries.add(Path.of(new URI(u).getPath()).toString());
            }
          }
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
