package io.latentspark.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's packages form layers, read from the compiled classes by the JDK's own {@code jdeps} (so an arrow
 * through a fully qualified name, a lambda or a method signature counts as much as an import): each package uses
 * only packages of lower floors, which also rules out every package cycle; DL4J and ND4J are used only by
 * model, onnx, encode and train. The same check by hand: {@code jdeps -verbose:class -e 'io\.latentspark\..*|org\.(deeplearning4j|nd4j)\..*'
 * lib/target/classes}.
 */
class PackageLayersTest {
  /** Floors from the bottom; a package may use packages of lower floors only (not of its own floor). */
  static final List<List<String>> FLOORS = List.of(
      List.of("util"),
      List.of("spec"),
      List.of("config"),
      List.of("data"),
      List.of("model"),
      List.of("onnx"),
      List.of("encode"),
      List.of("train", "export", "analysis", "ops"),
      List.of("report", "ml"),
      List.of("pipeline"));
  /** The packages that may use DL4J and ND4J. */
  static final List<String> ENGINE = List.of("model", "onnx", "encode", "train");

  static final Map<String, TreeSet<String>> EDGES = new TreeMap<>();

  @BeforeAll
  static void readClasses() {
    Path classes = Paths.get("target/classes");
    assertTrue(Files.isDirectory(classes.resolve("io/latentspark")), "compiled classes in " + classes.toAbsolutePath());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-e",
        "io\\.latentspark\\..*|org\\.deeplearning4j\\..*|org\\.nd4j\\..*", classes.toString());
    assertEquals(0, rc, out.toString());
    for (String line : out.toString().split("\n")) {
      String[] t = line.trim().split("\\s+");
      if (t.length >= 3 && t[1].equals("->") && t[0].startsWith("io.latentspark.") && Character.isUpperCase(lastPart(t[0]).charAt(0))) {
        EDGES.computeIfAbsent(t[0], k -> new TreeSet<>()).add(t[2]);
      }
    }
    assertTrue(EDGES.size() > 50, "jdeps read the classes: " + EDGES.size() + " with dependencies");
  }

  @Test
  void everyPackageUsesOnlyLowerFloors() {
    assertEquals(List.of(), upwardUses(EDGES), "uses of a package on the same or a higher floor");
  }

  @Test
  void onlyTheEnginePackagesUseDl4jOrNd4j() {
    assertEquals(List.of(), engineUses(EDGES), "DL4J/ND4J outside " + ENGINE);
  }

  @Test
  void theChecksFindWrongArrows() {
    Map<String, TreeSet<String>> edges = new TreeMap<>();
    edges.put("io.latentspark.analysis.A", new TreeSet<>(List.of("io.latentspark.report.R", "io.latentspark.encode.E", "org.nd4j.linalg.factory.Nd4j")));
    edges.put("io.latentspark.train.T", new TreeSet<>(List.of("io.latentspark.export.X", "org.deeplearning4j.nn.api.Model")));
    assertEquals(List.of("io.latentspark.analysis.A -> io.latentspark.report.R (analysis is on floor 7, report on 8)",
        "io.latentspark.train.T -> io.latentspark.export.X (train is on floor 7, export on 7)"), upwardUses(edges));
    assertEquals(List.of("io.latentspark.analysis.A -> org.nd4j.linalg.factory.Nd4j"), engineUses(edges));
  }

  static List<String> upwardUses(Map<String, TreeSet<String>> edges) {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, TreeSet<String>> e : edges.entrySet()) {
      String from = pkg(e.getKey());
      for (String to : e.getValue()) {
        if (to.startsWith("io.latentspark.") && !pkg(to).equals(from) && floor(pkg(to)) >= floor(from)) {
          wrong.add(e.getKey() + " -> " + to + " (" + from + " is on floor " + floor(from) + ", " + pkg(to) + " on " + floor(pkg(to)) + ")");
        }
      }
    }
    return wrong;
  }

  static List<String> engineUses(Map<String, TreeSet<String>> edges) {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, TreeSet<String>> e : edges.entrySet()) {
      for (String to : e.getValue()) {
        if ((to.startsWith("org.deeplearning4j.") || to.startsWith("org.nd4j.")) && !ENGINE.contains(pkg(e.getKey()))) {
          wrong.add(e.getKey() + " -> " + to);
        }
      }
    }
    return wrong;
  }

  /** io.latentspark.X.Y -> X (the first package below io.latentspark). */
  static String pkg(String cls) {
    String rest = cls.substring("io.latentspark.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? "" : rest.substring(0, dot);
  }

  static int floor(String pkg) {
    for (int i = 0; i < FLOORS.size(); i++) {
      if (FLOORS.get(i).contains(pkg)) {
        return i;
      }
    }
    throw new AssertionError("Package io.latentspark." + pkg + " is on no floor: add it to PackageLayersTest.FLOORS");
  }

  private static String lastPart(String cls) {
    return cls.substring(cls.lastIndexOf('.') + 1);
  }
}
