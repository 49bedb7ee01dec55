package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}'s file source: bad lines are item errors with their line, and a crash re-reads nothing. */
class FileSourceIT {
  @TempDir
  Path tmp;

  private static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  private static int count(ServerProcess s, String key) throws Exception {
    JsonNode w = s.json("/api/pipelines/tail/windows?key=" + key).get("windows");
    return w.isEmpty() ? 0 : w.get(0).get("count").asInt();
  }

  @Test
  void aBadLineIsAnItemErrorNamingItsLineAndAKillReadsNothingTwice() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("input")).resolve("in.jsonl"); // inside --input-dir (default input/)
    Files.writeString(input, event("a", "2024-05-01T10:00:01Z") + "\n{\"user\": oops}\n"
        + event("a", "2024-05-01T10:00:02Z") + "\n");
    defineTail(input);
    ServerProcess s = new ServerProcess(tmp).start();
    ServerProcess.await("the good lines counted", () -> count(s, "a") == 2);
    JsonNode p = s.json("/api/pipelines/tail");
    assertEquals(1, p.get("counters").get("errors").asInt(), p.toString());
    JsonNode error = p.get("recent_errors").get(0);
    assertEquals("source", error.get("field").asText());
    assertEquals("line 2:", error.get("message").asText().substring(0, "line 2:".length()), error.toString());
    assertEquals("{\"user\": oops}", error.get("item").asText());

    // No checkpoint has been taken (1 h interval): what was read comes back from the ingest log.
    s.kill();
    Files.writeString(input, event("a", "2024-05-01T10:00:03Z") + "\nnot json\n", StandardOpenOption.APPEND);
    s.start();
    Files.writeString(input, event("m", "2024-05-01T10:00:04Z") + "\n", StandardOpenOption.APPEND);
    ServerProcess.await("the marker line read", () -> count(s, "m") == 1);
    assertEquals(3, count(s, "a"), "each line once: the two logged before the kill, one after");
    JsonNode after = s.json("/api/pipelines/tail").get("recent_errors");
    boolean line5 = false;
    for (JsonNode e : after) {
      line5 |= e.get("message").asText().startsWith("line 5:");
    }
    assertEquals(true, line5, "lines are numbered from the file's start after a restart: " + after);
    s.stop();
  }

  /**
   * A line that is not UTF-8, or holds a number no double can, is an item error naming its line
   * and column, and stays one when a restart replays it from the ingest log (which keeps the bytes
   * as they were read, not a decoded copy that would now pass).
   */
  @Test
  void badBytesAndHugeNumbersAreItemErrorsNamingTheirLineLiveAndOnReplay() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("input")).resolve("in.jsonl"); // inside --input-dir (default input/)
    java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
    in.writeBytes((event("a", "2024-05-01T10:00:01Z") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    in.write(0xc0); // an overlong '/': "b/" in disguise
    in.write(0xaf);
    in.writeBytes("\",\"ts\":\"2024-05-01T10:00:01Z\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01Z\",\"x\":1e999}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    in.writeBytes((event("a", "2024-05-01T10:00:02Z") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Files.write(input, in.toByteArray());
    defineTail(input);
    ServerProcess s = new ServerProcess(tmp).start();
    for (int round = 0; round < 2; round++) {
      ServerProcess.await("the good lines counted", () -> count(s, "a") == 2);
      JsonNode p = s.json("/api/pipelines/tail");
      assertEquals(2, p.get("counters").get("errors").asInt(), p.toString());
      java.util.List<String> messages = new java.util.ArrayList<>();
      p.get("recent_errors").forEach(e -> messages.add(e.get("field").asText() + ": " + e.get("message").asText()));
      assertEquals(java.util.List.of("source: line 2:11: invalid UTF-8 (byte 0xc0): events must be UTF-8 text",
          "source: line 3:45: number out of range: 1e999 is beyond the largest finite number (about 1.8e308)"),
          messages, "round " + round);
      JsonNode windows = s.json("/api/pipelines/tail/windows").get("windows");
      assertEquals(1, windows.size(), "only key a has a window: " + windows);
      if (round == 0) {
        s.kill(); // no checkpoint yet (1 h): everything comes back from the log
        s.start();
      }
    }
    s.stop();
  }

  /**
   * A restart replays what the file source had logged before it reads anything new: new lines ten
   * days later in event time, read first, would move the shared watermark past every replayed line.
   */
  @Test
  void aRestartReplaysTheLoggedLinesBeforeReadingNewOnes() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("input")).resolve("in.jsonl"); // inside --input-dir (default input/)
    StringBuilder old = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      old.append(event("u" + (i % 5), "2024-05-01T10:00:00Z")).append('\n');
    }
    Files.writeString(input, old.toString());
    Files.createDirectories(tmp.resolve("defs"));
    Files.writeString(tmp.resolve("defs/tail.yaml"), """
        name: tail
        source: {kind: file, path: '%s', follow: true}
        key: event.user
        clock: {kind: event, timestamp: event.ts, wait: 1h, scope: pipeline}
        window: {kind: tumbling, length: 1m}
        aggregate: {count: true}
        checkpoint: {interval: 1h}
        """.formatted(input));
    ServerProcess s = new ServerProcess(tmp).start();
    ServerProcess.await("every line read", () -> s.json("/api/pipelines/tail").get("counters").get("in").asInt() == 30_000);
    s.kill(); // no checkpoint yet: everything comes back from the log
    StringBuilder later = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      later.append(event("u" + (i % 5), "2024-05-11T10:00:00Z")).append('\n');
    }
    Files.writeString(input, later.toString(), StandardOpenOption.APPEND);
    s.start();
    ServerProcess.await("the new lines read", () -> s.json("/api/pipelines/tail").get("counters").get("in").asInt() == 33_000);
    JsonNode p = s.json("/api/pipelines/tail");
    assertEquals(0, p.get("counters").get("late").asInt(), "no replayed line late: " + p);
    s.stop();
  }

  /** A pipeline following {@code input}, counting per user in 1-minute windows. */
  private void defineTail(Path input) throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    Files.writeString(tmp.resolve("defs/tail.yaml"), """
        name: tail
        source: {kind: file, path: '%s', follow: true}
        key: event.user
        clock: {kind: event, timestamp: event.ts, wait: 1h}
        window: {kind: tumbling, length: 1m}
        aggregate: {count: true}
        checkpoint: {interval: 1h}
        """.formatted(input));
  }
}
