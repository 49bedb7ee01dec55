package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file source's item errors in {@code serve} name the file's line, counted from its start: one
 * found on a partition (a missing timestamp) as well as a line that is not JSON, with one partition
 * or several, on a replay from the ingest log, and after a restart that reads on mid-file.
 */
class FileLinesHarnessTest {
  @TempDir
  Path dir;

  private static String tail(Path input) {
    return String.join("\n",
        "name: tail",
        "source: {kind: file, path: '" + input.toAbsolutePath() + "'}",
        "key: event.user",
        "clock: {kind: event, timestamp: event.ts, wait: 5s}",
        "window: {kind: tumbling, length: 10s}",
        "aggregate: {count: true}",
        "checkpoint: {interval: 1h}",
        "");
  }

  private static String at(String user, int second) {
    return RecoveryHarnessTest.at(user, second);
  }

  /** Lines 1-5: good, blank, no timestamp, not JSON, good. */
  private static final List<String> FIRST = List.of(at("a", 1), "", "{\"user\":\"a\"}", "not json", at("b", 2));

  private static void write(Path file, List<String> lines, StandardOpenOption... how) throws Exception {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, how);
  }

  /** Waits until the file source has handed over {@code n} events and they are processed. */
  private static void awaitIn(ServerHarness h, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (h.host("tail").inCount() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("read " + h.host("tail").inCount() + " of " + n + " events");
      }
      Thread.sleep(5);
    }
    h.settle("tail");
  }

  /** The pipeline's recent item errors as {@code line field: message}, the message to its first colon. */
  private static List<String> errors(ServerHarness h) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> e : h.host("tail").recentErrors()) {
      out.add(e.get("line") + " " + e.get("field") + ": " + ((String) e.get("message")).split(": ")[0]);
    }
    return out;
  }

  @Test
  void anItemErrorOnAPartitionNamesItsFileLineWithOnePartitionOrSeveral() throws Exception {
    for (int workers : new int[] {1, 3}) {
      Path root = dir.resolve("workers-" + workers);
      Path input = Files.createDirectories(root).resolve("in.jsonl");
      write(input, FIRST);
      try (ServerHarness h = ServerHarness.running(root, workers, 100_000, "tail", tail(input))) {
        awaitIn(h, 3);
        assertEquals(List.of("4 source: line 4:1", "3 clock.timestamp: no such key"), errors(h), workers + " partitions");
      }
    }
  }

  @Test
  void aReplayedBatchAndABatchReadOnAfterARestartKeepTheFilesLineNumbers() throws Exception {
    Path input = dir.resolve("in.jsonl");
    write(input, FIRST);
    try (ServerHarness h = ServerHarness.running(dir, 2, 100_000, "tail", tail(input))) {
      awaitIn(h, 3);
      h.crash(); // the batch is in the ingest log only: the restart replays it

      h.start();
      awaitIn(h, 3);
      assertEquals(List.of("4 source: line 4:1", "3 clock.timestamp: no such key"), errors(h), "replayed from the log");
      h.checkpoint("tail");
      h.stop();

      // Lines 6-8 come after the checkpointed position: the restart reads on from there, mid-file.
      write(input, List.of("{\"user\":\"c\",\"ts\":\"yesterday\"}", at("c", 3), "{oops"), StandardOpenOption.APPEND);
      h.start();
      awaitIn(h, 2); // lines 6 and 7: the checkpoint covers the rest
      assertEquals(List.of("8 source: line 8:2", "6 clock.timestamp: not an RFC 3339 timestamp"), errors(h), "read on after the checkpoint");
    }
  }
}
