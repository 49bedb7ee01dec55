package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery in-process, on a manual clock: a crash after a checkpoint loses nothing and repeats
 * nothing, and random crashes anywhere in a run (each restart maybe with another number of
 * partitions) commit exactly what a run without them commits.
 */
class RecoveryHarnessTest {
  @TempDir
  Path dir;

  static final String COUNTS = String.join("\n",
      "name: counts",
      "source: {kind: http}",
      "key: event.user",
      "clock: {kind: event, timestamp: event.ts, wait: 5s}",
      "window: {kind: tumbling, length: 10s}",
      "aggregate: {count: true}",
      "sinks:",
      "  - {kind: h2, table: counts_out}",
      "checkpoint: {interval: 1h}",
      "");

  static String at(String user, int second) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ServerHarness.START.plusSeconds(second) + "\"}";
  }

  @Test
  void aCrashAfterACheckpointRestoresEveryWindowAndCommitsEachOutputOnce() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", at("a", 1), at("a", 2), at("b", 3));
      h.checkpoint("counts");
      h.post("counts", at("a", 4), at("b", 12));
      Map<String, Object> before = h.windows("counts");
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 3L, "b 2026-01-01T00:00:00Z", 1L, "b 2026-01-01T00:00:10Z", 1L),
          before);

      h.crash(); // the second batch is only in the ingest log
      h.start();
      assertEquals(before, h.windows("counts"));

      h.advance(Duration.ofMinutes(1)); // the watermark passes every window: they close without input
      assertEquals(Map.of(), h.windows("counts"));
      h.checkpoint("counts");
      h.stop();
      List<String> rows = h.rows("counts_out");
      assertEquals(3, rows.size(), rows.toString());
      assertEquals(List.of("a 2026-01-01T00:00:00Z 3", "b 2026-01-01T00:00:00Z 1", "b 2026-01-01T00:00:10Z 1"),
          sorted(keyOpenValue(rows)));
    }
  }

  @Test
  void windowsClosedAfterTheLastCheckpointAreCommittedOnceAfterACrash() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", at("a", 1), at("b", 2));
      h.checkpoint("counts");
      h.advance(Duration.ofSeconds(30)); // both windows close; their rows wait for the next checkpoint
      assertEquals(Map.of(), h.windows("counts"));
      h.crash();
      h.start();
      // restored open, as the checkpoint has them; the first wake-up, already due, closes them again
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 1L, "b 2026-01-01T00:00:00Z", 1L), h.windows("counts"));
      h.advance(Duration.ofMillis(1));
      assertEquals(Map.of(), h.windows("counts"));
      h.checkpoint("counts");
      h.stop();
      assertEquals(List.of("a 2026-01-01T00:00:00Z 1", "b 2026-01-01T00:00:00Z 1"), sorted(keyOpenValue(h.rows("counts_out"))));
    }
  }

  /**
   * Seeded runs of batches, clock moves and checkpoints, each done twice: once straight through, once
   * with crashes at random steps. Both commit the same rows, each once.
   */
  @Test
  void randomCrashesCommitExactlyWhatARunWithoutThemCommits() throws Exception {
    long base = Long.getLong("harness.seed", System.nanoTime());
    for (int run = 0; run < 4; run++) {
      long seed = base + run;
      List<String> straight = play(dir.resolve("straight-" + run), seed, false);
      List<String> crashed = play(dir.resolve("crashed-" + run), seed, true);
      assertFalse(straight.isEmpty(), "seed " + seed);
      assertEquals(straight, crashed, "seed " + seed + " (replay: -Dharness.seed=" + seed + ")");
    }
  }

  private static List<String> play(Path root, long seed, boolean crashes) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    try (ServerHarness h = new ServerHarness(root, 1 + r.nextInt(3), 100_000)) {
      h.define("counts", COUNTS);
      h.start();
      int second = 0;
      int steps = 12 + r.nextInt(8);
      SplittableRandom crashAt = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int step = 0; step < steps; step++) {
        int what = r.nextInt(10);
        if (what < 6) {
          List<String> batch = new ArrayList<>();
          for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
            // mostly in order, sometimes a little behind: some items are late
            batch.add(at("k" + r.nextInt(4), Math.max(0, second + r.nextInt(4) - 2)));
            second += r.nextInt(3);
          }
          h.post("counts", batch.toArray(String[]::new));
        } else if (what < 8) {
          h.advance(Duration.ofSeconds(r.nextInt(15)));
        } else {
          h.checkpoint("counts");
        }
        if (crashes && crashAt.nextInt(4) == 0) {
          h.crash();
          h.workers(1 + crashAt.nextInt(3)).start(); // the keys' groups spread over other partitions, maybe
        }
      }
      h.advance(Duration.ofMinutes(5));
      h.checkpoint("counts");
      h.stop();
      return sorted(keyOpenValue(h.rows("counts_out")));
    }
  }

  static List<String> sorted(List<String> rows) {
    List<String> s = new ArrayList<>(rows);
    s.sort(null);
    return s;
  }

  /** {@code key open_time value} of each row. */
  static List<String> keyOpenValue(List<String> rows) {
    List<String> out = new ArrayList<>();
    for (String row : rows) {
      String[] parts = row.split(" ", 3);
      String json = parts[2];
      String value = json.substring(json.indexOf("\"value\":") + 8, json.lastIndexOf('}'));
      out.add(parts[0] + " " + parts[1] + " " + value);
    }
    return out;
  }
}
