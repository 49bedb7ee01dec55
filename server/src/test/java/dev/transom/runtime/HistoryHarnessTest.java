package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's history in-process on a manual clock: one sample per second of that clock with
 * what happened in it, and the checkpoints and reloads as they happen, stamped with its time.
 */
class HistoryHarnessTest {
  @TempDir
  Path dir;

  private static final String COUNTS = RecoveryHarnessTest.COUNTS;
  private static final long START_MS = ServerHarness.START.toEpochMilli();

  @Test
  void samplesCheckpointsAndReloadsFollowTheServersClock() throws Exception {
    try (ServerHarness h = new ServerHarness(dir)) {
      h.define("counts", COUNTS);
      h.start();
      h.sampleHistory();
      h.post("counts", RecoveryHarnessTest.at("a", 1), RecoveryHarnessTest.at("b", 2));
      h.advance(Duration.ofSeconds(1));
      h.post("counts", RecoveryHarnessTest.at("a", 3));
      h.advance(Duration.ofSeconds(1));
      PipelineHistory.Samples s = DashboardViews.history(h.host("counts"), 0).samples();
      assertEquals(List.of(START_MS + 1_000, START_MS + 2_000), s.timeMs());
      assertEquals(List.of(2L, 1L), s.in(), "each second's own events");
      assertEquals(List.of(2L, 2L), s.openWindows(), "a and b, one window each");

      h.checkpoint("counts");
      h.define("counts", COUNTS.replace("key: event.user", "steps:\n  - filter: event.user != 'b'\nkey: event.user"));
      PipelineHistory.View v = DashboardViews.history(h.host("counts"), 0);
      assertEquals(2, v.checkpoints().size(), "the one asked for, and the one the swap takes");
      PipelineHistory.CheckpointEntry cp = v.checkpoints().get(0);
      assertEquals("stored", cp.outcome());
      assertTrue(cp.full(), "the first checkpoint writes all the state");
      // stamps are unique: one taken in the millisecond of the sample before it is a millisecond later
      long at = cp.time().toEpochMilli();
      assertTrue(at > START_MS + 2_000 && at <= START_MS + 2_005, cp.toString());
      assertEquals(List.of("deployed", "kept"), v.reloads().stream().map(PipelineHistory.ReloadEntry::outcome).toList());
      assertEquals(List.of("steps"), v.reloads().get(1).changed());
      assertEquals(2, v.reloads().get(1).openWindows());
      assertEquals(2, v.reloads().get(1).version());
    }
  }
}
