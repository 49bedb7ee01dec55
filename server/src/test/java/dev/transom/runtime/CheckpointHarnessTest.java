package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints in-process on a manual clock: when they are taken, what they write, what they restore. */
class CheckpointHarnessTest {
  @TempDir
  Path dir;

  private static String counts(String interval) {
    return RecoveryHarnessTest.COUNTS.replace("checkpoint: {interval: 1h}", "checkpoint: {interval: " + interval + "}");
  }

  private static PipelineView.LastCheckpoint lastCheckpoint(ServerHarness h) throws Exception {
    return h.host("counts").describe(false).toCompletionStage().toCompletableFuture().get().lastCheckpoint().orElseThrow();
  }

  private static long epoch(ServerHarness h) throws Exception {
    return h.host("counts").describe(false).toCompletionStage().toCompletableFuture().get().epoch();
  }

  private static String[] distinctKeys(int n, int second) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(RecoveryHarnessTest.at("user-" + i, second));
    }
    return lines.toArray(String[]::new);
  }

  @Test
  void theIntervalTimerCutsOneEpochPerIntervalAsTheClockMoves() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", counts("10s"))) {
      long first = epoch(h);
      h.advance(Duration.ofSeconds(9));
      assertEquals(first, epoch(h), "no checkpoint before the interval is up");
      h.advance(Duration.ofSeconds(26)); // 35 s in: three intervals
      assertEquals(first + 3, epoch(h));
    }
  }

  @Test
  void afterAFullCheckpointOneChangedKeyRewritesOnlyItsBucket() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", RecoveryHarnessTest.COUNTS)) {
      h.post("counts", distinctKeys(2_000, 1));
      h.checkpoint("counts");
      long full = lastCheckpoint(h).stateBytes();
      h.post("counts", RecoveryHarnessTest.at("user-7", 2));
      h.checkpoint("counts");
      long incremental = lastCheckpoint(h).stateBytes();
      assertTrue(full > 2_000 * 8, "the full checkpoint holds every key: " + full + " bytes");
      assertTrue(incremental * 50 < full, "one key's bucket, not the state: " + incremental + " of " + full + " bytes");
    }
  }

  @Test
  void stateFromAFullAndSeveralIncrementalCheckpointsRestoresExactly() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", RecoveryHarnessTest.COUNTS)) {
      h.post("counts", distinctKeys(300, 1));
      h.checkpoint("counts");
      for (int round = 0; round < 3; round++) {
        List<String> some = new ArrayList<>();
        for (int i = 0; i < 300; i += 37 + round) {
          some.add(RecoveryHarnessTest.at("user-" + i, 2 + round));
        }
        h.post("counts", some.toArray(String[]::new));
        h.checkpoint("counts");
      }
      Map<String, Object> before = h.windows("counts");
      assertEquals(300, before.size());
      assertEquals(1L + 3, before.get("user-0 2026-01-01T00:00:00Z"), "user-0 changed in every round");
      assertEquals(1L + 1, before.get("user-111 2026-01-01T00:00:00Z"), "user-111 (3 x 37) changed in the first round only");
      assertEquals(1L + 1, before.get("user-156 2026-01-01T00:00:00Z"), "user-156 (4 x 39) changed in the last round only");
      assertEquals(1L, before.get("user-1 2026-01-01T00:00:00Z"), "user-1 never changed");
      h.crash();
      h.workers(3).start(); // and spread over another number of partitions
      assertEquals(before, h.windows("counts"));
    }
  }
}
