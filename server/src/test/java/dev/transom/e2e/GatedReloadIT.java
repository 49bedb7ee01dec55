package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tests: {gate: true}} against the real server: an edit whose tests fail is refused as an
 * invalid one is, by the watcher and by PUT, with the failing test's located lines where the
 * problems are shown; the running version keeps running with its windows; a passing edit is taken.
 */
class GatedReloadIT {
  @TempDir
  Path tmp;

  private static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 1h}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      tests: {gate: true}
      """;

  /** Two events of one minute make one window of 2: a window of 2 minutes would hold the third too. */
  private static final String TEST = """
      pipeline: counts.yaml
      tests:
        - name: a minute's events are counted together
          steps:
            - events:
                - {user: a, ts: 1970-01-01T00:00:10Z}
                - {user: a, ts: 1970-01-01T00:00:50Z}
                - {user: a, ts: 1970-01-01T00:01:10Z}
            - close: true
            - expect:
                outputs:
                  - {key: a, window: {open_time: 1970-01-01T00:00:00Z, close_time: 1970-01-01T00:01:00Z}, value: 2}
                  - {key: a, window: {open_time: 1970-01-01T00:01:00Z, close_time: 1970-01-01T00:02:00Z}, value: 1}
      """;

  @Test
  void anEditWhoseTestsFailIsRefusedAndTheOldVersionKeepsItsWindows() throws Exception {
    ServerProcess.define(tmp, "counts.yaml", COUNTS);
    ServerProcess.define(tmp, "counts.test.yaml", TEST);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(202, s.post("/api/pipelines/counts/events", "{\"user\":\"u\",\"ts\":\"2024-05-01T10:00:01Z\"}",
        null).statusCode());
    ServerProcess.await("the open window", () -> s.json("/api/pipelines/counts").get("open_windows").asInt() == 1);
    String broken = COUNTS.replace("length: 1m", "length: 2m");

    // an edit of the file: the watcher refuses it
    ServerProcess.define(tmp, "counts.yaml", broken);
    ServerProcess.await("the refused edit's problems", () -> s.json("/api/pipelines/counts").get("problems").size() > 0);
    JsonNode p = s.json("/api/pipelines/counts");
    List<String> problems = lines(p.get("problems"));
    assertEquals("defs/counts.yaml:7:1: tests: 1 of 1 failed against this version (tests.gate), so it is not taken;"
        + " the failures follow", problems.get(0), problems.toString());
    assertTrue(problems.stream().anyMatch(l -> l.matches("defs/counts.test.yaml:12:15: outputs: expected, not produced: "
        + "\\{\"key\":\"a\",\"window\":\\{\"open_time\":\"1970-01-01T00:00:00Z\",\"close_time\":\"1970-01-01T00:01:00Z\"\\},"
        + "\"value\":2\\}; produced instead: .*\"value\":3\\} \\(window: .*; value: expected 2, got 3\\)")), problems.toString());
    assertEquals(1, p.get("version").asInt(), "the running version keeps running");
    assertEquals(1, p.get("open_windows").asInt(), "with its window");
    assertTrue(p.get("definition").asText().contains("length: 1m"), p.get("definition").asText());

    // the same text by PUT: 400, and nothing written
    Files.writeString(tmp.resolve("defs/counts.yaml"), COUNTS); // the file as it was (a no-op for the watcher)
    HttpResponse<String> put = put(s, broken);
    assertEquals(400, put.statusCode(), put.body());
    JsonNode body = ServerProcess.JSON.readTree(put.body());
    assertTrue(body.get("error").asText().startsWith("its tests fail: tests: 1 of 1 failed"), put.body());
    assertTrue(lines(body.get("problems")).stream().anyMatch(l -> l.startsWith("defs/counts.test.yaml:12:15: outputs:")),
        put.body());
    assertEquals(COUNTS, Files.readString(tmp.resolve("defs/counts.yaml")), "a refused PUT writes nothing");

    // an edit that keeps the counts passes its tests and is taken, with the window kept (a stateless change)
    String passing = COUNTS + "then:\n  - filter: 'result.value > 0'\n";
    put = put(s, passing);
    assertEquals(200, put.statusCode(), put.body());
    p = s.json("/api/pipelines/counts");
    assertEquals(2, p.get("version").asInt());
    assertEquals(0, p.get("problems").size());
    assertEquals(1, p.get("open_windows").asInt());

    // a windowing change made while the server is down is judged at its start: refused, the pipeline
    // does not start (rather than start empty), and its checkpoint waits for a version that passes
    s.stop();
    ServerProcess.define(tmp, "counts.yaml", broken);
    s.start();
    JsonNode all = s.json("/api/pipelines").get("pipelines");
    assertEquals(1, all.size(), all.toString());
    assertEquals("failed", all.get(0).get("status").asText(), all.toString());
    assertTrue(lines(all.get(0).get("problems")).get(0).startsWith("defs/counts.yaml:7:1: tests: 1 of 1 failed"),
        all.toString());
    ServerProcess.define(tmp, "counts.yaml", passing);
    ServerProcess.await("the fixed version", () -> s.get("/api/pipelines/counts").statusCode() == 200
        && s.json("/api/pipelines/counts").get("status").asText().equals("running"));
    p = s.json("/api/pipelines/counts");
    assertTrue(p.get("recovery").asText().startsWith("resumed from checkpoint"), p.toString());
    assertEquals(1, p.get("open_windows").asInt(), "the window waited in the checkpoint: " + p);
    s.stop();
  }

  private static HttpResponse<String> put(ServerProcess s, String text) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/counts"))
        .timeout(java.time.Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> lines(JsonNode problems) {
    List<String> out = new ArrayList<>();
    problems.forEach(q -> out.add(q.get("file").asText() + ":" + q.get("line").asInt() + ":" + q.get("col").asInt() + ": "
        + q.get("message").asText()));
    return out;
  }
}
