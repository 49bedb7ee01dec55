package dev.transom.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real jar running {@code serve} as a process, restartable on the same data and definitions. */
final class ServerProcess {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final Path dir;
  final String[] extra;
  final int port;
  Process process;
  /** Extra environment for the next {@link #start}, e.g. a {@code TRANSOM_FAULT} crash point. */
  final java.util.Map<String, String> env = new java.util.HashMap<>();
  /** JVM options for the next {@link #start}, e.g. {@code -Xmx64m}. */
  final List<String> jvm = new ArrayList<>();

  ServerProcess(Path dir, String... extra) throws Exception {
    this.dir = dir;
    this.extra = extra;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  ServerProcess start() throws Exception {
    spawn();
    Process p = process;
    try {
      await("server up", () -> {
        if (!p.isAlive()) {
          throw new AssertionError("serve exited " + p.exitValue() + " while starting");
        }
        try {
          return get("/health").statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the end of serve.log:\n" + logTail(40), e);
    }
    return this;
  }

  /** The last {@code n} lines of the server's log (for a failure's message). */
  String logTail(int n) throws java.io.IOException {
    Path log = dir.resolve("serve.log");
    if (!java.nio.file.Files.exists(log)) {
      return "(no serve.log)";
    }
    List<String> lines = java.nio.file.Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Starts the process without waiting for it to serve (to kill it while it recovers). */
  ServerProcess spawn() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", Jar.JAR.toString(), "serve", "--definitions", dir.resolve("defs").toString(), "--data",
        dir.resolve("data").toString(), "--port", String.valueOf(port)));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile()));
    pb.environment().putAll(env);
    process = pb.start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly)); // never outlive the tests
    return this;
  }

  /** SIGTERM: the server takes a final checkpoint and exits 0. */
  void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("serve did not stop on SIGTERM");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("serve exited " + process.exitValue() + " on SIGTERM");
    }
  }

  /** kill -9: no chance to save anything. */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String batchId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (batchId != null) {
      b.header("Transom-Batch-Id", batchId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String path) throws Exception {
    return JSON.readTree(get(path).body());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Waits for a server started with {@code TRANSOM_FAULT} to halt itself at its crash point. */
  void awaitHalt(String what) throws Exception {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not reach the crash point of " + what);
    }
    if (process.exitValue() != 137) {
      throw new AssertionError("the server exited " + process.exitValue() + ", not at a crash point, in " + what);
    }
  }

  /** Writes a definition into the directory the server watches. */
  static void define(Path dir, String name, String text) throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("defs"));
    java.nio.file.Files.writeString(dir.resolve("defs").resolve(name), text);
  }

  /** A file's lines; none while it does not exist. */
  static List<String> lines(Path p) throws Exception {
    return java.nio.file.Files.exists(p) ? java.nio.file.Files.readAllLines(p) : List.of();
  }

  /** Polls with a deadline (end-to-end tests only; never a bare sleep). */
  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
