package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads in-process on a manual clock, so a window is open exactly as long as the test says:
 * stateless edits keep it, windowing edits flush it into the sinks, invalid edits change nothing,
 * and a crash after a reload restores the new version.
 */
class ReloadHarnessTest {
  @TempDir
  Path dir;

  private static final String COUNTS = RecoveryHarnessTest.COUNTS;
  private static final String FILTERED = COUNTS.replace("key: event.user", "steps:\n  - filter: event.user != 'b'\nkey: event.user");
  private static final String LONGER = COUNTS.replace("length: 10s", "length: 20s");

  @Test
  void aChangeToTheStepsKeepsTheOpenWindowsAndAppliesToWhatComesNext() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", RecoveryHarnessTest.at("a", 1), RecoveryHarnessTest.at("b", 2));
      Pipelines.ReloadResult r = h.define("counts", FILTERED);
      assertEquals("swapped, open windows kept", r.outcome());
      h.post("counts", RecoveryHarnessTest.at("a", 3), RecoveryHarnessTest.at("b", 4));
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 2L, "b 2026-01-01T00:00:00Z", 1L), h.windows("counts"));
    }
  }

  @Test
  void aChangeToTheWindowFlushesTheOpenWindowsIntoTheSinksOnce() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", RecoveryHarnessTest.at("a", 1), RecoveryHarnessTest.at("a", 2));
      Pipelines.ReloadResult r = h.define("counts", LONGER);
      assertEquals("restarted after flushing open windows", r.outcome());
      assertEquals(Map.of(), h.windows("counts"));
      h.post("counts", RecoveryHarnessTest.at("a", 3));
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 1L), h.windows("counts"));
      h.crash(); // the flush was committed with the swap: the restart does not flush it again
      h.start();
      h.checkpoint("counts");
      h.stop();
      List<String> rows = RecoveryHarnessTest.keyOpenValue(h.rows("counts_out"));
      assertEquals(List.of("a 2026-01-01T00:00:00Z 2"), rows);
    }
  }

  @Test
  void anInvalidEditLeavesTheRunningVersionAndItsWindowsAlone() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", RecoveryHarnessTest.at("a", 1));
      Pipelines.ReloadResult r = h.define("counts", COUNTS.replace("length: 10s", "length: ten seconds"));
      assertFalse(r.ok());
      assertEquals("kept the running version", r.outcome());
      assertTrue(r.problems().get(0).format().contains("counts.yaml:5:"), r.problems().get(0).format());
      h.post("counts", RecoveryHarnessTest.at("a", 2));
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 2L), h.windows("counts"));
    }
  }

  @Test
  void aCrashAfterAKeptReloadRestoresTheWindowsUnderTheNewVersion() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.post("counts", RecoveryHarnessTest.at("a", 1), RecoveryHarnessTest.at("b", 1));
      h.define("counts", FILTERED);
      h.post("counts", RecoveryHarnessTest.at("a", 2), RecoveryHarnessTest.at("b", 2));
      Map<String, Object> before = h.windows("counts");
      h.crash();
      h.start();
      assertEquals(before, h.windows("counts"));
      h.post("counts", RecoveryHarnessTest.at("b", 3)); // still filtered: the file holds the new version
      assertEquals(before, h.windows("counts"));
    }
  }
}
