package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery that does not depend on when the server comes back: batches replayed at their arrival
 * time, and exactly-once files cut back even when no checkpoint held their length yet.
 */
// Runs beside the other test classes: its long case waits out a 30 s downtime.
@Execution(ExecutionMode.CONCURRENT)
class ReplayIT {
  @TempDir
  Path tmp;

  private void define(String name, String text) throws Exception {
    ServerProcess.define(tmp, name, text);
  }

  private static String event(String user, Instant ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  private static final String LIVE = """
      name: live
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 2s}
      window: {kind: tumbling, length: 1s}
      aggregate: {count: true}
      checkpoint: {interval: 300ms}
      sinks:
        - {kind: file, path: out/live.jsonl}
      late: {kind: file, path: out/live-late.jsonl}
      """;

  /** The same events on a system clock: an item's window is the one of its arrival. */
  private static final String VIEWS = """
      name: views
      source: {kind: http}
      key: event.user
      clock: {kind: system}
      window: {kind: tumbling, length: 1s}
      aggregate: {count: true}
      checkpoint: {interval: 300ms}
      sinks:
        - {kind: file, path: out/views.jsonl}
      """;

  /**
   * Events stamped with the client's clock, as a live service sends them, then {@code kill -9} and
   * 30 s of downtime (longer than the 2 s wait). Replayed at the restart's time, the last epoch's
   * events would meet a watermark the downtime moved 30 s on, and come out late (and a system clock
   * would put them in the restart's windows); replayed at their arrival they land where they did
   * before the crash, and the outputs equal a crash-free run fed the same arrival times.
   */
  @Test
  void restartLongAfterAKillReplaysTheLastEpochAtItsArrivalTimes() throws Exception {
    define("live.yaml", LIVE);
    define("views.yaml", VIEWS);
    ServerProcess s = new ServerProcess(tmp).start();
    List<String> reference = new ArrayList<>();
    List<String> viewsReference = new ArrayList<>();
    long until = System.nanoTime() + 2_500_000_000L;
    int n = 0;
    while (System.nanoTime() < until) {
      StringBuilder batch = new StringBuilder();
      List<String> batchLines = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        String line = event("u" + (n++ % 4), Instant.now());
        batchLines.add(line);
        batch.append(line).append('\n');
      }
      HttpResponse<String> r = s.post("/api/pipelines/live/events", batch.toString(), null);
      assertEquals(202, r.statusCode(), r.body());
      String arrival = ServerProcess.JSON.readTree(r.body()).get("arrival").asText();
      for (String l : batchLines) {
        reference.add(l.substring(0, l.length() - 1) + ",\"_arrival\":\"" + arrival + "\"}");
      }
      HttpResponse<String> v = s.post("/api/pipelines/views/events", batch.toString(), null);
      assertEquals(202, v.statusCode(), v.body());
      String viewArrival = ServerProcess.JSON.readTree(v.body()).get("arrival").asText();
      for (String l : batchLines) {
        viewsReference.add(l.substring(0, l.length() - 1) + ",\"_arrival\":\"" + viewArrival + "\"}");
      }
      Thread.sleep(20); // a steady client: the last checkpoint is at most an epoch behind
    }
    JsonNode before = s.json("/api/pipelines/live");
    assertTrue(before.get("epoch").asLong() >= 2, "checkpoints were taken while posting: " + before);
    s.kill();
    Thread.sleep(30_000); // the downtime under test
    s.start();
    // One queue per pipeline: once a marker batch is counted, the replay before it is too; and the
    // downtime has moved every watermark past the replayed windows, so only the marker's is open.
    assertEquals(202, s.post("/api/pipelines/live/events", event("marker", Instant.now()), null).statusCode());
    ServerProcess.await("the replay and the marker processed", () -> {
      JsonNode w = s.json("/api/pipelines/live/windows").get("windows");
      return w.size() == 1 && w.get(0).get("key").asText().equals("marker");
    });
    assertEquals(202, s.post("/api/pipelines/views/events", event("marker", Instant.now()), null).statusCode());
    ServerProcess.await("the views replay and its marker's window closed", () ->
        s.get("/api/pipelines/views/outputs?limit=1000").body().contains("\"key\":\"marker\"")
            && s.json("/api/pipelines/views").get("open_windows").asInt() == 0);
    s.stop(); // the final checkpoint commits the last records

    Path ref = tmp.resolve("ref");
    List<String> expected = crashFreeRun(ref, "live", LIVE, reference);
    List<String> actual = new ArrayList<>(ServerProcess.lines(tmp.resolve("out/live.jsonl")));
    actual.sort(null);
    assertFalse(expected.isEmpty());
    assertEquals(List.of(), ServerProcess.lines(ref.resolve("out/live-late.jsonl")), "the crash-free run has nothing late");
    assertEquals(List.of(), ServerProcess.lines(tmp.resolve("out/live-late.jsonl")), "nothing acknowledged came back late");
    assertEquals(expected, actual, "the same windows as a crash-free run of " + reference.size() + " events");
    int counted = 0;
    for (String line : actual) {
      counted += ServerProcess.JSON.readTree(line).get("value").asInt();
    }
    assertEquals(reference.size(), counted, "every acknowledged event counted once");

    List<String> expectedViews = crashFreeRun(ref, "views", VIEWS, viewsReference);
    List<String> actualViews = new ArrayList<>();
    for (String line : ServerProcess.lines(tmp.resolve("out/views.jsonl"))) {
      if (!line.contains("\"key\":\"marker\"")) {
        actualViews.add(line);
      }
    }
    actualViews.sort(null);
    assertEquals(expectedViews, actualViews, "system clock: each replayed item in the window of its arrival");
  }

  /**
   * The outputs, sorted, of {@code transom run --arrival} over {@code input} (lines carrying
   * {@code _arrival}) in {@code ref}, so the definition's relative sinks land there.
   */
  private static List<String> crashFreeRun(Path ref, String name, String definition, List<String> input)
      throws Exception {
    Files.createDirectories(ref.resolve("defs"));
    Files.writeString(ref.resolve("defs/" + name + ".yaml"), definition);
    Files.write(ref.resolve(name + ".jsonl"), input);
    Jar.Result r = Jar.run(ref, null, "run", "defs/" + name + ".yaml", "--input", name + ".jsonl", "--arrival",
        "_arrival");
    assertEquals(0, r.exit(), r.err());
    List<String> out = new ArrayList<>(ServerProcess.lines(ref.resolve("out/" + name + ".jsonl")));
    out.sort(null);
    return out;
  }

  private static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 1ms}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      checkpoint: {interval: 200ms}
      """;

  private static final String FILE_SINK = "sinks:\n  - {kind: file, path: out/counts.jsonl}\n";

  /**
   * A crash after a pipeline's first checkpoint wrote its records to the file but before the
   * database committed it: no checkpoint holds the file's length, yet the restart must cut the file
   * back to what it held before (here a line from an earlier run), or the replay writes it all twice.
   */
  @Test
  void crashInThePipelinesFirstCheckpointWritesEachWindowOnce() throws Exception {
    // a first checkpoint long after the start, so the records are in it (not in a later one)
    define("counts.yaml", COUNTS.replace("interval: 200ms", "interval: 3s") + FILE_SINK);
    Path out = tmp.resolve("out/counts.jsonl");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "{\"from\":\"an earlier run\"}\n");
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT", "checkpoint-after-records");
    s.start();
    Instant t = Instant.parse("2024-05-01T10:00:01Z");
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", t) + "\n" + event("a", t.plusSeconds(1)),
        null).statusCode());
    closeTheWindow(s, t);
    s.awaitHalt("the first checkpoint with records");
    assertEquals(2, ServerProcess.lines(out).size(), "the records reached the file before the crash");
    assertTrue(Files.readString(tmp.resolve("serve.log")).contains("checkpoint-after-records"));
    s.env.clear();
    s.start();
    ServerProcess.await("the window in the file again", () -> ServerProcess.lines(out).size() >= 2);
    s.stop();
    List<String> after = ServerProcess.lines(out);
    assertEquals(2, after.size(), "the earlier line and the window, once: " + after);
    assertEquals("{\"from\":\"an earlier run\"}", after.get(0));
    assertEquals(2, ServerProcess.JSON.readTree(after.get(1)).get("value").asInt());
  }

  /**
   * Posts the event that closes the window at {@code t}. The next checkpoint writes it and the server
   * halts there, maybe before this answer is sent; the batch was durable before it was processed, so
   * a lost answer loses nothing.
   */
  private static void closeTheWindow(ServerProcess s, Instant t) {
    try {
      s.post("/api/pipelines/counts/events", event("a", t.plusSeconds(120)), null);
    } catch (Exception halted) {
      // the crash point came first
    }
  }

  /**
   * The same for a file sink that a reload added to a pipeline that had checkpoints already (the
   * reload's own checkpoint stores the new file's length before any record, and must go on doing so).
   */
  @Test
  void crashInTheFirstCheckpointAfterAReloadAddedASinkWritesEachWindowOnce() throws Exception {
    define("counts.yaml", COUNTS);
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT", "checkpoint-after-records");
    s.start();
    Instant t = Instant.parse("2024-05-01T10:00:01Z");
    assertEquals(202, s.post("/api/pipelines/counts/events", event("a", t) + "\n" + event("a", t.plusSeconds(1)),
        null).statusCode());
    ServerProcess.await("a checkpoint", () -> s.json("/api/pipelines/counts").get("epoch").asInt() >= 2);
    HttpResponse<String> put = s.http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(s.base() + "/api/pipelines/counts"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(COUNTS + FILE_SINK)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    ServerProcess.await("the sink deployed", () -> s.json("/api/pipelines/counts").get("definition").asText()
        .contains("out/counts.jsonl"));
    closeTheWindow(s, t);
    s.awaitHalt("the first checkpoint with records");
    Path out = tmp.resolve("out/counts.jsonl");
    assertEquals(1, ServerProcess.lines(out).size(), "the record reached the file before the crash");
    s.env.clear();
    s.start();
    ServerProcess.await("the window in the file", () -> !ServerProcess.lines(out).isEmpty());
    s.stop();
    assertEquals(1, ServerProcess.lines(out).size(), "the window once: " + ServerProcess.lines(out));
    assertEquals(2, ServerProcess.JSON.readTree(ServerProcess.lines(out).get(0)).get("value").asInt());
  }
}
