package io.latentspark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.util.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (JDK WebSocket, 127.0.0.1 only): opens a
 * page, collects console errors, uncaught exceptions and failed loads, checks every image, and takes a
 * screenshot. Started with the flags that keep it off the network (no background networking, no updates).
 */
final class HeadlessChromium implements AutoCloseable {
  static final String SETUP = "lib/src/test/setup/install-chromium.sh";

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  /** The Chromium binary: $LATENTSPARK_CHROMIUM or /usr/bin/chromium. */
  static Path executable() {
    return Path.of(System.getenv().getOrDefault("LATENTSPARK_CHROMIUM", "/usr/bin/chromium"));
  }

  HeadlessChromium() throws Exception {
    profile = Files.createTempDirectory("latentspark-chromium");
    process = new ProcessBuilder(executable().toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=1100,1400", "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    while (pageSocket == null) {
      String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (JsonNode t : Json.read(list)) {
        if (t.path("type").asText().equals("page")) {
          pageSocket = t.get("webSocketDebuggerUrl").asText();
        }
      }
      if (pageSocket == null) {
        Thread.sleep(100);
      }
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(30, TimeUnit.SECONDS);
    call("Runtime.enable", null);
    call("Log.enable", null);
    call("Page.enable", null);
    call("Network.enable", null);
  }

  /** Result of opening a page: everything that went wrong, and the state of each image. */
  record PageCheck(List<String> problems, List<String> brokenImages, int images) {}

  PageCheck open(Path html, Path screenshot) throws Exception {
    problems.clear();
    loaded = new CompletableFuture<>();
    ObjectNode p = Json.MAPPER.createObjectNode().put("url", html.toUri().toString());
    call("Page.navigate", p);
    loaded.get(60, TimeUnit.SECONDS);
    String js = "JSON.stringify(Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0 && i.naturalHeight > 0]))";
    JsonNode r = call("Runtime.evaluate", Json.MAPPER.createObjectNode().put("expression", js).put("returnByValue", true));
    JsonNode imgs = Json.read(r.path("result").path("value").asText("[]"));
    List<String> broken = new ArrayList<>();
    for (JsonNode i : imgs) {
      if (!i.get(1).asBoolean()) {
        broken.add(i.get(0).asText());
      }
    }
    if (screenshot != null) {
      JsonNode shot = call("Page.captureScreenshot", Json.MAPPER.createObjectNode().put("format", "png").put("captureBeyondViewport", false));
      Files.write(screenshot, Base64.getDecoder().decode(shot.get("data").asText()));
    }
    return new PageCheck(List.copyOf(problems), broken, imgs.size());
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
    if (params != null) {
      msg.set("params", params);
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
    JsonNode reply = f.get(60, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  private void event(JsonNode m) {
    String method = m.path("method").asText();
    JsonNode p = m.path("params");
    switch (method) {
      case "Page.loadEventFired" -> loaded.complete(null);
      case "Runtime.consoleAPICalled" -> {
        String type = p.path("type").asText();
        if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
          problems.add("console." + type + ": " + p.path("args"));
        }
      }
      case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
      case "Log.entryAdded" -> {
        String level = p.path("entry").path("level").asText();
        if (level.equals("error") || level.equals("warning")) {
          problems.add("log." + level + ": " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
        }
      }
      case "Network.loadingFailed" -> problems.add("load failed: " + p.path("errorText").asText() + " (" + p.path("type").asText() + ")");
      default -> { }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        JsonNode m = Json.read(buffer.toString());
        buffer.setLength(0);
        if (m.has("id")) {
          CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
          if (f != null) {
            f.complete(m);
          }
        } else {
          event(m);
        }
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      socket.abort();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
