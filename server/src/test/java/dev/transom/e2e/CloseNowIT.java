package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/pipelines/{id}/windows/close} against the real server: the windows close at once
 * (an hour before their wait would let them), what they emitted is in the exactly-once sinks when
 * the answer comes, a {@code kill -9} right after it loses and repeats nothing, later items for them
 * are late, and the close is in the pipeline's history.
 */
class CloseNowIT {
  @TempDir
  Path tmp;

  private static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 1h}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      checkpoint: {interval: 1h}
      sinks:
        - {kind: file, path: out/counts.jsonl}
        - {kind: h2, table: counts_out}
      late: {kind: file, path: out/late.jsonl}
      """;

  private static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  private static HttpResponse<String> close(ServerProcess s, String query) throws Exception {
    return s.post("/api/pipelines/counts/windows/close" + query, "", null);
  }

  private List<String> lines(String file) throws Exception {
    Path p = tmp.resolve(file);
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }

  @Test
  void closedWindowsAreWrittenOnceBeforeTheAnswerAndSurviveAKillNine() throws Exception {
    ServerProcess.define(tmp, "counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(202, s.post("/api/pipelines/counts/events", String.join("\n", event("a", "2024-05-01T10:00:01Z"),
        event("a", "2024-05-01T10:00:02Z"), event("a", "2024-05-01T10:01:30Z"), event("b", "2024-05-01T10:00:05Z")),
        null).statusCode());
    ServerProcess.await("four items in open windows", () -> s.json("/api/pipelines/counts/windows").get("windows").size() == 3);

    HttpResponse<String> r = close(s, "?key=a");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = ServerProcess.JSON.readTree(r.body());
    assertEquals(2, body.get("closed").asInt(), r.body());
    assertTrue(body.get("stored").asBoolean(), r.body());
    // the checkpoint is stored when the answer comes (its interval is an hour): the file already holds them
    assertEquals(List.of("a 2024-05-01T10:00:00Z 2", "a 2024-05-01T10:01:00Z 1"), summary(lines("out/counts.jsonl")));
    s.kill();
    s.start();
    assertEquals(List.of("a 2024-05-01T10:00:00Z 2", "a 2024-05-01T10:01:00Z 1"), summary(lines("out/counts.jsonl")),
        "the kill undid nothing and the restart repeated nothing");
    JsonNode windows = s.json("/api/pipelines/counts/windows").get("windows");
    assertEquals(1, windows.size(), windows.toString());
    assertEquals("b", windows.get(0).get("key").asText());

    // a's watermark is at the end of its last closed window: an item for them is late, none reopens
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:03Z"), null).statusCode());
    ServerProcess.await("the late item", () -> s.json("/api/pipelines/counts").get("counters").get("late").asInt() == 1);

    r = close(s, "?all=true");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, ServerProcess.JSON.readTree(r.body()).get("closed").asInt(), r.body());
    assertEquals(List.of("a 2024-05-01T10:00:00Z 2", "a 2024-05-01T10:01:00Z 1", "b 2024-05-01T10:00:00Z 1"),
        summary(lines("out/counts.jsonl")));
    assertEquals(0, s.json("/api/pipelines/counts").get("open_windows").asInt());
    // the late file is exactly-once too: written with the close's checkpoint
    assertEquals(1, lines("out/late.jsonl").size());
    // the watermark the close set (10:02, the end of a's last window), moved on since by the seconds that passed
    java.time.Instant wm = java.time.Instant.parse(
        ServerProcess.JSON.readTree(lines("out/late.jsonl").get(0)).get("watermark").asText());
    assertTrue(!wm.isBefore(java.time.Instant.parse("2024-05-01T10:02:00Z"))
        && wm.isBefore(java.time.Instant.parse("2024-05-01T10:03:00Z")), wm.toString());
    JsonNode reloads = s.json("/api/pipelines/counts/history").get("reloads");
    List<String> closes = new ArrayList<>();
    reloads.forEach(e -> {
      if (e.get("outcome").asText().equals("closed")) {
        closes.add(e.get("detail").asText());
      }
    });
    // the history is kept in memory: the close before the restart is in the log, not in this run's history
    assertEquals(List.of("1 window(s) closed on request, of every key"), closes, reloads.toString());
    s.stop();
    List<String> h2 = H2Rows.of(tmp, "counts_out");
    assertEquals(3, h2.size(), "the h2 sink holds each closed window once: " + h2);
    assertTrue(Files.readString(tmp.resolve("serve.log")).contains("2 open window(s) closed on request, of key 'a'"));
  }

  @Test
  void aCloseThePipelineCannotDoOrThatNamesNothingIsRefusedInWords() throws Exception {
    ServerProcess.define(tmp, "counts.yaml", COUNTS);
    ServerProcess.define(tmp, "sys.yaml", "name: sys\nsource: {kind: http}\nkey: event.k\nclock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1m}\naggregate: {count: true}\n");
    ServerProcess s = new ServerProcess(tmp).start();
    HttpResponse<String> r = s.post("/api/pipelines/sys/windows/close?all=true", "", null);
    assertEquals(409, r.statusCode(), r.body());
    assertTrue(ServerProcess.JSON.readTree(r.body()).get("error").asText().startsWith("on the system clock a window closes"),
        r.body());
    r = close(s, "");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("?key=K") && r.body().contains("?all=true"), r.body());
    assertEquals(400, close(s, "?all=yes").statusCode());
    assertEquals(400, close(s, "?key=a&all=true").statusCode());
    assertEquals(400, close(s, "?key=a&key=b").statusCode());
    assertEquals(404, s.post("/api/pipelines/nope/windows/close?all=true", "", null).statusCode());
    assertEquals(405, s.get("/api/pipelines/counts/windows/close").statusCode());
    r = close(s, "?key=nobody");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(0, ServerProcess.JSON.readTree(r.body()).get("closed").asInt());
    s.stop();
  }

  /** {@code key window.open_time value} per output line, sorted. */
  private static List<String> summary(List<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      JsonNode n = ServerProcess.JSON.readTree(l);
      out.add(n.get("key").asText() + " " + n.get("window").get("open_time").asText() + " " + n.get("value").asInt());
    }
    out.sort(null);
    return out;
  }
}
