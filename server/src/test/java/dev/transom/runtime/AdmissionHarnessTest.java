package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admission in-process: a pipeline refuses what would exceed its queue, and takes input again once it drains. */
class AdmissionHarnessTest {
  @TempDir
  Path dir;

  @Test
  void aBatchThatWouldOverfillTheQueueIsRefusedUntilTheQueueDrains() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, 1, 5, "counts", RecoveryHarnessTest.COUNTS)) {
      CountDownLatch release = new CountDownLatch(1);
      h.host("counts").onPartition(0, () -> { // the partition is busy: nothing admitted is processed
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
      h.postNoWait("counts", RecoveryHarnessTest.at("a", 1), RecoveryHarnessTest.at("a", 2), RecoveryHarnessTest.at("a", 3));
      PipelineHost.Overloaded refused = assertThrows(PipelineHost.Overloaded.class,
          () -> h.postNoWait("counts", RecoveryHarnessTest.at("b", 1), RecoveryHarnessTest.at("b", 2),
              RecoveryHarnessTest.at("b", 3)));
      assertTrue(refused.getMessage().contains("3 events waiting (limit 5)"), refused.getMessage());
      assertEquals(3, h.host("counts").pendingEvents());

      release.countDown();
      h.settle("counts");
      h.post("counts", RecoveryHarnessTest.at("b", 1), RecoveryHarnessTest.at("b", 2), RecoveryHarnessTest.at("b", 3));
      assertEquals(Map.of("a 2026-01-01T00:00:00Z", 3L, "b 2026-01-01T00:00:00Z", 3L), h.windows("counts"));
    }
  }

  @Test
  void aBatchLargerThanTheWholeQueueIsRefusedEvenWhenItIsEmpty() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, 1, 2, "counts", RecoveryHarnessTest.COUNTS)) {
      assertThrows(PipelineHost.Overloaded.class, () -> h.postNoWait("counts", RecoveryHarnessTest.at("a", 1),
          RecoveryHarnessTest.at("a", 2), RecoveryHarnessTest.at("a", 3)));
      assertEquals(Map.of(), h.windows("counts"));
    }
  }
}
