package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and recovery of the real server on a real H2 file database (docs/durability.md). */
class RecoveryIT {
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

  private void define(String name, String text) throws Exception {
    ServerProcess.define(tmp, name, text);
  }

  /** The sum of the window values per key in a file sink's output. */
  private static java.util.Map<String, Integer> countsByKey(Path out) throws Exception {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode r = ServerProcess.JSON.readTree(line);
      counts.merge(r.get("key").asText(), r.get("value").asInt(), Integer::sum);
    }
    return counts;
  }

  private static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  @Test
  void gracefulShutdownThenStartContinuesOpenWindows() throws Exception {
    define("counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(202, s.post("/api/pipelines/counts/events",
        event("a", "2024-05-01T10:00:01Z") + "\n" + event("a", "2024-05-01T10:00:02Z"), null).statusCode());
    s.stop();
    s.start();
    JsonNode p = s.json("/api/pipelines/counts");
    assertTrue(p.get("recovery").asText().startsWith("resumed from checkpoint"), p.toString());
    JsonNode w = s.json("/api/pipelines/counts/windows").get("windows");
    assertEquals(1, w.size());
    assertEquals(2, w.get(0).get("count").asInt(), "the open window kept its items across the restart");
    s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:03Z") + "\n" + event("a", "2024-05-02T10:00:00Z"), null);
    ServerProcess.await("the window to close into the file", () -> Files.exists(tmp.resolve("out/counts.jsonl"))
        && !Files.readAllLines(tmp.resolve("out/counts.jsonl")).isEmpty());
    List<String> out = Files.readAllLines(tmp.resolve("out/counts.jsonl"));
    assertEquals(3, ServerProcess.JSON.readTree(out.get(0)).get("value").asInt());
    s.stop();
  }

  @Test
  void changedWindowingDoesNotLoadTheOldCheckpoint() throws Exception {
    define("counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp).start();
    s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:01Z"), null);
    s.stop();
    define("counts.yaml", COUNTS.replace("length: 1m", "length: 2m"));
    s.start();
    JsonNode p = s.json("/api/pipelines/counts");
    assertTrue(p.get("recovery").asText().contains("not applied"), p.toString());
    assertEquals(0, s.json("/api/pipelines/counts/windows").get("windows").size());
    s.stop();
  }

  /**
   * A crash after a windowing change flushed the old windows but before the new version's first
   * checkpoint: the restart redoes the flush, so the flushed windows reach the exactly-once file
   * once, and the new version starts empty.
   */
  @Test
  void crashInTheMiddleOfAWindowingChangeLosesNoFlushedWindow() throws Exception {
    define("counts.yaml", COUNTS.replace("interval: 200ms", "interval: 1h"));
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT", "reload-after-flush");
    s.start();
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:01Z") + "\n"
        + event("a", "2024-05-01T10:00:02Z") + "\n" + event("b", "2024-05-01T10:00:03Z"), null).statusCode());
    define("counts.yaml", COUNTS.replace("length: 1m", "length: 2m"));
    s.awaitHalt("the reload");
    Path out = tmp.resolve("out/counts.jsonl");
    assertTrue(!Files.exists(out) || Files.readAllLines(out).isEmpty(), "nothing was written before the crash");
    s.env.clear();
    s.start();
    JsonNode p = s.json("/api/pipelines/counts");
    assertTrue(p.get("recovery").asText().contains("open windows were flushed"), p.toString());
    ServerProcess.await("the flushed windows in the file", () -> Files.exists(out) && Files.readAllLines(out).size() >= 2);
    assertEquals(java.util.Map.of("a", 2, "b", 1), countsByKey(out), "each flushed window once");
    assertEquals(0, s.json("/api/pipelines/counts/windows").get("windows").size(), "the new version starts empty");
    s.post("/api/pipelines/counts/events", event("c", "2024-05-01T10:00:04Z"), null);
    ServerProcess.await("the new version counting", () ->
        s.json("/api/pipelines/counts/windows").get("windows").size() == 1);
    s.stop();
    assertEquals(2, Files.readAllLines(out).size(), "a clean stop writes nothing more (its window stays open)");
  }

  /** The same for a removed file: the restart flushes the removed pipeline's windows, then forgets it. */
  @Test
  void crashWhileARemovedPipelineFlushesLosesNoWindow() throws Exception {
    define("counts.yaml", COUNTS.replace("interval: 200ms", "interval: 1h"));
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT", "stop-after-flush");
    s.start();
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:01Z") + "\n"
        + event("b", "2024-05-01T10:00:02Z") + "\n" + event("b", "2024-05-01T10:00:03Z"), null).statusCode());
    Files.delete(tmp.resolve("defs/counts.yaml"));
    s.awaitHalt("the removal");
    Path out = tmp.resolve("out/counts.jsonl");
    assertTrue(!Files.exists(out) || Files.readAllLines(out).isEmpty(), "nothing was written before the crash");
    s.env.clear();
    s.start();
    // flushed before the server answers
    assertEquals(java.util.Map.of("a", 1, "b", 2), countsByKey(out), "each flushed window once");
    assertEquals(404, s.get("/api/pipelines/counts").statusCode(), "the removed pipeline stays removed");
    s.stop();
    s.start(); // forgotten: nothing is flushed twice
    assertEquals(2, Files.readAllLines(out).size());
    s.stop();
  }

  @Test
  void systemClockWindowsDueDuringDowntimeCloseOnResume() throws Exception {
    define("views.yaml", """
        name: views
        source: {kind: http}
        key: event.page
        clock: {kind: system}
        window: {kind: tumbling, length: 4s}
        aggregate: {count: true}
        checkpoint: {interval: 100ms}
        sinks:
          - {kind: file, path: out/views.jsonl}
        """);
    ServerProcess s = new ServerProcess(tmp).start();
    // Windows are aligned to the epoch: post just after one opens, so it is still open at the
    // shutdown (a post near its end would see it close first, and test nothing).
    while (System.currentTimeMillis() % 4_000 > 200) {
      Thread.sleep(10);
    }
    long posted = System.currentTimeMillis();
    s.post("/api/pipelines/views/events", "{\"page\":\"/\"}", null);
    s.stop();
    Path out = tmp.resolve("out/views.jsonl");
    assertTrue(!Files.exists(out) || Files.readAllLines(out).isEmpty(), "the window was still open at shutdown");
    long closes = posted - posted % 4_000 + 4_000;
    Thread.sleep(Math.max(0, closes + 500 - System.currentTimeMillis())); // down past its close: the downtime under test
    s.start();
    ServerProcess.await("the overdue window to close", () -> Files.exists(out) && !Files.readAllLines(out).isEmpty());
    assertEquals(1, ServerProcess.JSON.readTree(Files.readAllLines(out).get(0)).get("value").asInt());
    s.stop();
  }

  @Test
  void fileSourceResumesAtItsCheckpointedPositionNotFromTheStart() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("input")).resolve("in.jsonl"); // inside --input-dir (default input/)
    Files.writeString(input, event("a", "2024-05-01T10:00:01Z") + "\n" + event("a", "2024-05-01T10:00:02Z") + "\n");
    define("tail.yaml", COUNTS.replace("name: counts", "name: tail")
        .replace("source: {kind: http}", "source: {kind: file, path: '" + input + "', follow: true}"));
    ServerProcess s = new ServerProcess(tmp).start();
    ServerProcess.await("two lines read", () -> s.json("/api/pipelines/tail/windows").get("windows").size() == 1
        && s.json("/api/pipelines/tail/windows").get("windows").get(0).get("count").asInt() == 2);
    s.stop();
    Files.writeString(input, event("a", "2024-05-01T10:00:03Z") + "\n", java.nio.file.StandardOpenOption.APPEND);
    s.start();
    // A re-read from the start (the bug this guards against) would pass through 3 on its way to 5:
    // a marker line after it shows when everything before it was read.
    Files.writeString(input, event("m", "2024-05-01T10:00:04Z") + "\n", java.nio.file.StandardOpenOption.APPEND);
    ServerProcess.await("the marker line read", () ->
        s.json("/api/pipelines/tail/windows?key=m").get("windows").size() == 1);
    assertEquals(3, s.json("/api/pipelines/tail/windows?key=a").get("windows").get(0).get("count").asInt());
    s.stop();
  }

  @Test
  void retriedBatchWithTheSameIdIsCountedOnce() throws Exception {
    define("counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:01Z"), "batch-1").statusCode());
    var again = s.post("/api/pipelines/counts/events", event("a", "2024-05-01T10:00:01Z"), "batch-1");
    assertEquals(202, again.statusCode());
    assertTrue(again.body().contains("\"duplicate\":true"), again.body());
    // A 202 means durable, not yet counted: a later batch (one queue per pipeline) marks the point
    // by which both are processed.
    assertEquals(202, s.post("/api/pipelines/counts/events", event("z", "2024-05-01T10:00:01Z"), null).statusCode());
    ServerProcess.await("the marker counted", () -> s.json("/api/pipelines/counts/windows?key=z").get("windows").size() == 1);
    assertEquals(1, s.json("/api/pipelines/counts/windows?key=a").get("windows").get(0).get("count").asInt());
    s.stop();
  }
}
