package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's log as an operator reads it: with {@code --log-format json} every line is one JSON
 * object with a time, a level and the fields {@code event} and {@code pipeline}; one line for each
 * deploy, reload (kept or flushed, with the number of windows), rejected edit (with its first
 * problem), delete, failing sink and its recovery, and the recovery summary of a restart; no line
 * per event. The restart runs in the text format, whose every line starts with a time and a level.
 */
class LoggingIT {
  @TempDir
  Path tmp;

  private static String counts(String sinks) {
    return "name: counts\nsource: {kind: http}\nkey: event.user\n"
        + "clock: {kind: event, timestamp: event.at, wait: 1h}\n"
        + "window: {kind: tumbling, length: 1h}\naggregate: {count: true}\n" + sinks;
  }

  private static final String FILE_SINK = "sinks:\n  - {kind: file, path: out/counts.jsonl}\n";

  private final List<JsonNode> seen = new ArrayList<>();

  /** The log's lines as JSON; fails on a line that is not one object with time, level and message. */
  private List<JsonNode> jsonLog() throws Exception {
    List<JsonNode> all = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("serve.log"))) {
      JsonNode n;
      try {
        n = ServerProcess.JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line in the log: " + line);
      }
      assertTrue(n.isObject() && n.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z")
          && n.hasNonNull("level") && n.hasNonNull("message"), line);
      all.add(n);
    }
    return all;
  }

  private List<JsonNode> events(String event, String pipeline) throws Exception {
    return jsonLog().stream().filter(n -> n.path("event").asText().equals(event)
        && (pipeline == null || n.path("pipeline").asText().equals(pipeline))).toList();
  }

  private JsonNode awaitOne(String event, String pipeline, int nth) throws Exception {
    ServerProcess.await("log line " + event + " #" + nth, () -> events(event, pipeline).size() >= nth);
    return events(event, pipeline).get(nth - 1);
  }

  private static int put(ServerProcess s, String id, String text) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/" + id))
        .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String events(int from, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      b.append("{\"user\":\"u").append(i % 7).append("\",\"at\":\"2024-05-01T10:00:00Z\"}\n");
    }
    return b.toString();
  }

  @Test
  void eachLifecycleStepIsOneStructuredLineAndEventsWriteNone() throws Exception {
    int hookPort;
    try (ServerSocket free = new ServerSocket(0)) {
      hookPort = free.getLocalPort(); // nothing listens there until the receiver starts below
    }
    ServerProcess.define(tmp, "counts.yaml", counts(FILE_SINK));
    ServerProcess server = new ServerProcess(tmp, "--log-format", "json");
    server.start();
    JsonNode deploy = awaitOne("deploy", "counts", 1);
    assertEquals("INFO", deploy.path("level").asText());
    assertTrue(deploy.path("message").asText().contains("started empty"), deploy.toString());
    JsonNode summary = awaitOne("recovery", null, 1);
    assertEquals(1, summary.path("pipelines").asInt(), summary.toString());
    awaitOne("server", null, 1);

    int before = jsonLog().size();
    for (int batch = 0; batch < 20; batch++) {
      assertEquals(202, server.post("/api/pipelines/counts/events", events(batch * 50, 50), null).statusCode());
    }
    ServerProcess.await("1000 events in", () -> server.json("/api/pipelines/counts").path("counters").path("in")
        .asLong() == 1000);
    assertEquals(before, jsonLog().size(), "1000 events wrote log lines: " + jsonLog().subList(before, jsonLog().size()));

    // A change of the sinks keeps the 7 open windows; a change of the window flushes them.
    String hooked = counts("sinks:\n  - {kind: file, path: out/counts.jsonl}\n  - {kind: webhook, url: 'http://127.0.0.1:"
        + hookPort + "/hook', timeout: 1s}\n");
    assertEquals(200, put(server, "counts", hooked));
    JsonNode kept = awaitOne("reload", "counts", 1);
    assertTrue(kept.path("windows_kept").asBoolean(), kept.toString());
    assertEquals(7, kept.path("windows").asInt(), kept.toString());
    assertEquals(2, kept.path("version").asInt(), kept.toString());

    assertEquals(200, put(server, "counts", hooked.replace("length: 1h", "length: 2h")));
    JsonNode flushed = awaitOne("reload", "counts", 2);
    assertEquals(false, flushed.path("windows_kept").asBoolean(), flushed.toString());
    assertEquals(7, flushed.path("windows").asInt(), flushed.toString());
    assertTrue(flushed.path("message").asText().contains("7 open window(s) flushed"), flushed.toString());

    // The flush's 7 outputs go to the webhook, which is down: one line, however many retries.
    JsonNode failing = awaitOne("sink_failed", "counts", 1);
    assertEquals("WARN", failing.path("level").asText());
    assertTrue(failing.path("message").asText().contains("cannot connect"), failing.toString());
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", hookPort), 0);
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    try {
      JsonNode recovered = awaitOne("sink_recovered", "counts", 1);
      assertTrue(recovered.path("message").asText().contains("delivers again"), recovered.toString());
      assertEquals(1, events("sink_failed", "counts").size(), "one line per outage, not one per retry");
    } finally {
      receiver.stop(0);
    }

    // Rejected edits, by PUT and by the file: the first problem is in the line.
    assertEquals(400, put(server, "counts", hooked.replace("count: true", "cuont: true")));
    JsonNode rejectedPut = awaitOne("rejected", "counts", 1);
    assertTrue(rejectedPut.path("message").asText().contains("aggregate"), rejectedPut.toString());
    Files.writeString(tmp.resolve("defs/counts.yaml"), counts(FILE_SINK).replace("length: 1h", "length: soon"));
    JsonNode rejectedFile = awaitOne("rejected", "counts", 2);
    assertTrue(rejectedFile.path("message").asText().contains("counts.yaml:5:"), rejectedFile.toString());
    assertTrue(rejectedFile.path("message").asText().contains("keeps running"), rejectedFile.toString());
    Files.writeString(tmp.resolve("defs/counts.yaml"), hooked.replace("length: 1h", "length: 2h")); // as it runs
    ServerProcess.await("the file fixed", () -> server.json("/api/pipelines/counts").path("problems").isEmpty());

    // A second pipeline, deleted: its windows flushed, said in one line.
    ServerProcess.define(tmp, "other.yaml", counts(FILE_SINK.replace("counts.jsonl", "other.jsonl"))
        .replace("name: counts", "name: other"));
    awaitOne("deploy", "other", 1);
    assertEquals(202, server.post("/api/pipelines/other/events", events(0, 3), null).statusCode());
    ServerProcess.await("other's events in", () -> server.json("/api/pipelines/other").path("open_windows").asInt() == 3);
    assertEquals(200, server.http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/pipelines/other"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    JsonNode deleted = awaitOne("delete", "other", 1);
    assertEquals(3, deleted.path("windows").asInt(), deleted.toString());
    server.stop();

    // The restart, in text: the recovery summary says what came back.
    Files.writeString(tmp.resolve("serve.log"), "");
    ServerProcess text = new ServerProcess(tmp);
    text.start();
    ServerProcess.await("the recovery summary", () -> Files.readString(tmp.resolve("serve.log")).contains("started 1 pipeline(s)"));
    text.stop();
    Pattern head = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG) \\S+ - .*");
    List<String> lines = Files.readAllLines(tmp.resolve("serve.log"));
    for (String l : lines) {
      assertTrue(head.matcher(l).matches(), "a text log line without time and level: " + l);
    }
    String all = String.join("\n", lines);
    assertTrue(all.contains("pipeline 'counts' deployed from defs/counts.yaml (version 1): resumed from checkpoint"), all);
    assertTrue(all.contains("1 resumed from a checkpoint"), all);
  }
}
