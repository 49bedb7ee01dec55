package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash at each point where the server has just made something durable and not yet the next
 * thing (docs/durability.md, "What is synced, in order"): the server halts itself there
 * ({@code TRANSOM_FAULT}), is restarted, and the client retries with its batch ids. Every sink then
 * holds each window and late item exactly once, and every acknowledged event is counted.
 */
class SyncPointsIT {
  @TempDir
  Path tmp;

  static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 1ms}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      checkpoint: {interval: 300ms}
      sinks:
        - {kind: file, path: out/counts.jsonl}
        - {kind: h2, table: counts_out}
      late: {kind: file, path: out/counts-late.jsonl}
      """;

  /** Posts until acknowledged; a server that halted at its crash point is started again, unarmed. */
  private static void postUntilAcknowledged(ServerProcess s, String body, String batchId) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        HttpResponse<String> r = s.post("/api/pipelines/counts/events", body, batchId);
        if (r.statusCode() == 202) {
          return;
        }
      } catch (Exception e) {
        // no answer: the server may have halted
      }
      if (!s.process.isAlive()) {
        s.env.clear();
        s.start();
      } else {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("batch " + batchId + " was never acknowledged");
  }

  private static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest-after-sync", "checkpoint-after-sink-starts", "checkpoint-after-records",
      "checkpoint-after-commit"})
  void aCrashJustAfterASyncPointLosesNothingAndRepeatsNothing(String point) throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    // The files' lengths are stored before their first records only while no checkpoint holds them:
    // that point needs a first checkpoint that already has records in it.
    Files.writeString(tmp.resolve("defs/counts.yaml"),
        point.equals("checkpoint-after-sink-starts") ? COUNTS.replace("interval: 300ms", "interval: 3s") : COUNTS);
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT", point);
    s.start();
    postUntilAcknowledged(s, event("a", "2024-05-01T10:00:01Z") + "\n" + event("b", "2024-05-01T10:00:02Z") + "\n"
        + event("a", "2024-05-01T10:00:03Z"), "b1");
    postUntilAcknowledged(s, event("a", "2024-05-01T10:02:00Z") + "\n" + event("b", "2024-05-01T10:02:00Z"), "b2");
    postUntilAcknowledged(s, event("a", "2024-05-01T10:00:30Z"), "b3"); // late: its window has closed
    if (s.process.isAlive() && !s.env.isEmpty()) {
      // not reached yet (a checkpoint point): the next checkpoint gets there
      if (!s.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("the server never reached " + point);
      }
      s.env.clear();
      s.start();
    }
    assertTrue(Files.readString(tmp.resolve("serve.log")).contains("TRANSOM_FAULT=" + point + ": halting"),
        "the crash point was reached");
    Path out = tmp.resolve("out/counts.jsonl");
    ServerProcess.await("both windows in the file", () -> ServerProcess.lines(out).size() >= 2
        && ServerProcess.lines(tmp.resolve("out/counts-late.jsonl")).size() >= 1);
    JsonNode p = s.json("/api/pipelines/counts");
    s.stop();

    List<String> windows = new ArrayList<>(ServerProcess.lines(out));
    windows.sort(null);
    assertEquals(List.of(
        "{\"pipeline\":\"counts\",\"key\":\"a\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
            + "\"close_time\":\"2024-05-01T10:01:00Z\"},\"value\":2}",
        "{\"pipeline\":\"counts\",\"key\":\"b\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
            + "\"close_time\":\"2024-05-01T10:01:00Z\"},\"value\":1}"), windows, point + ": each window once; " + p);
    assertEquals(1, ServerProcess.lines(tmp.resolve("out/counts-late.jsonl")).size(), point + ": the late item once");
    List<String> rows = new ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:h2:file:" + tmp.resolve("data/transom").toAbsolutePath(), "sa", "");
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT record FROM \"counts_out\"")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    rows.sort(null);
    assertEquals(windows, rows, point + ": the h2 sink holds the same, once");
  }
}
