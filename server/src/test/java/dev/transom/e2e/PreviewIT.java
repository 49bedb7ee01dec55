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
 * {@code POST /api/pipelines/{id}/preview} and {@code transom preview} against the real server: a
 * windowing change lists the windows a flush would close and exactly the outputs it would emit (the
 * same the reload then writes), while the running pipeline is untouched; a {@code then} change is
 * shown on the last outputs; an invalid text gets its located problems; a gated definition's tests
 * are run.
 */
class PreviewIT {
  @TempDir
  Path tmp;

  private static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 1h}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      checkpoint: {interval: 200ms}
      sinks:
        - {kind: file, path: out/counts.jsonl}
      """;

  private static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  private static JsonNode preview(ServerProcess s, String text) throws Exception {
    HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/counts/preview"))
        .timeout(java.time.Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return ServerProcess.JSON.readTree(r.body());
  }

  private List<String> sorted(Path file) throws Exception {
    List<String> lines = new ArrayList<>(Files.exists(file) ? Files.readAllLines(file) : List.of());
    lines.sort(null);
    return lines;
  }

  @Test
  void aWindowingChangeShowsTheFlushItWouldDoAndTouchesNothing() throws Exception {
    ServerProcess.define(tmp, "counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(202, s.post("/api/pipelines/counts/events", String.join("\n", event("a", "2024-05-01T10:00:01Z"),
        event("a", "2024-05-01T10:00:02Z"), event("b", "2024-05-01T10:00:03Z"), event("b", "2024-05-01T10:01:03Z")),
        null).statusCode());
    ServerProcess.await("three open windows", () -> s.json("/api/pipelines/counts").get("open_windows").asInt() == 3);
    List<String> windowsBefore = windows(s);

    String longer = COUNTS.replace("length: 1m", "length: 2m");
    JsonNode v = preview(s, longer);
    assertEquals("flushes", v.get("change").asText(), v.toString());
    assertEquals(List.of("window"), texts(v.get("changed")));
    JsonNode flush = v.get("flush");
    assertEquals(3, flush.get("windows").asInt());
    assertEquals(3, flush.get("listed").size());
    List<String> emitted = new ArrayList<>();
    flush.get("emitted").forEach(o -> emitted.add(o.toString()));
    emitted.sort(null);
    assertEquals(List.of(
        "{\"pipeline\":\"counts\",\"key\":\"a\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\",\"close_time\":\"2024-05-01T10:01:00Z\"},\"value\":2}",
        "{\"pipeline\":\"counts\",\"key\":\"b\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\",\"close_time\":\"2024-05-01T10:01:00Z\"},\"value\":1}",
        "{\"pipeline\":\"counts\",\"key\":\"b\",\"window\":{\"open_time\":\"2024-05-01T10:01:00Z\",\"close_time\":\"2024-05-01T10:02:00Z\"},\"value\":1}"),
        emitted);
    // untouched: the same windows, nothing written, the same version
    assertEquals(windowsBefore, windows(s));
    assertEquals(List.of(), sorted(tmp.resolve("out/counts.jsonl")));
    assertEquals(1, s.json("/api/pipelines/counts").get("version").asInt());

    // the reload itself flushes exactly what the preview said
    ServerProcess.define(tmp, "counts.yaml", longer);
    ServerProcess.await("the flush", () -> sorted(tmp.resolve("out/counts.jsonl")).size() == 3);
    assertEquals(emitted, sorted(tmp.resolve("out/counts.jsonl")));

    // a then change is shown on the last outputs, through the running and the new steps
    JsonNode t = preview(s, longer + "then:\n  - filter: 'result.value > 1'\n");
    assertEquals("keeps", t.get("change").asText(), t.toString());
    JsonNode rows = t.get("then").get("outputs");
    assertEquals(3, rows.size(), t.toString());
    int dropped = 0;
    for (JsonNode row : rows) {
      assertEquals(row.get("window"), row.get("now"), "no then runs now: the output is the window's record");
      if (row.get("after").isNull()) {
        dropped++;
        assertEquals(1, row.get("window").get("value").asInt());
      }
    }
    assertEquals(2, dropped, "the new filter drops the two outputs of 1");

    // invalid: located problems, nothing changed
    JsonNode bad = preview(s, longer.replace("length: 2m", "lenght: 2m"));
    assertTrue(!bad.get("valid").asBoolean());
    assertEquals("counts.yaml", bad.get("problems").get(0).get("file").asText(), bad.toString());
    assertEquals(2, s.json("/api/pipelines/counts").get("version").asInt());

    // the command prints the same, and says by its exit code whether the server would take it
    Path edit = tmp.resolve("edit.yaml");
    Files.writeString(edit, COUNTS);
    Jar.Result cli = Jar.run(tmp, null, "preview", "edit.yaml", "--server", s.base());
    assertEquals(0, cli.exit(), cli.all());
    assertTrue(cli.out().startsWith("counts: flushes — the windowing changes: the 0 open window(s)"), cli.out());
    Files.writeString(edit, longer.replace("length: 2m", "lenght: 2m"));
    cli = Jar.run(tmp, null, "preview", "edit.yaml", "--server", s.base());
    assertEquals(2, cli.exit(), cli.all());
    assertTrue(cli.out().contains("\nedit.yaml:5:") && cli.out().contains("lenght"), cli.out());
    s.stop();
  }

  @Test
  void aGatedDefinitionsPreviewRunsItsTests() throws Exception {
    String gated = COUNTS + "tests: {gate: true}\n";
    ServerProcess.define(tmp, "counts.yaml", gated);
    ServerProcess.define(tmp, "counts.test.yaml", """
        pipeline: counts.yaml
        tests:
          - name: two events of a minute are counted together
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}, {user: a, ts: 1970-01-01T00:00:02Z}]
              - close: true
              - expect:
                  outputs: [{key: a, value: 2}]
        """);
    ServerProcess s = new ServerProcess(tmp).start();
    JsonNode ok = preview(s, gated.replace("interval: 200ms", "interval: 300ms"));
    assertTrue(ok.get("tests").get("passed").asBoolean(), ok.toString());
    JsonNode failing = preview(s, gated.replace("count: true", "sum: true").replace("key: event.user", "key: event.user\nvalue: 0"));
    assertTrue(!failing.get("tests").get("passed").asBoolean(), failing.toString());
    assertTrue(failing.get("tests").get("failures").toString().contains("value: expected 2, got 0"), failing.toString());
    s.stop();
  }

  /** The open windows as key, bounds, value and count (the watermark shown beside them moves with time). */
  private static List<String> windows(ServerProcess s) throws Exception {
    List<String> out = new ArrayList<>();
    s.json("/api/pipelines/counts/windows").get("windows").forEach(w -> out.add(w.get("key").asText() + " "
        + w.get("open_time").asText() + " " + w.get("close_time").asText() + " " + w.get("value") + " " + w.get("count")));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
