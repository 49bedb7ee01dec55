package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.transom.io.JsonValues;
import dev.transom.windowing.KeyGroups;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches overlap: a partition that is busy holds back only its own keys, and a checkpoint is a
 * barrier each partition takes after exactly the batches handed over before it, so its cut is
 * consistent although the partitions take it at different times.
 */
class BarrierHarnessTest {
  @TempDir
  Path dir;

  /** Two keys, the first owned by partition 0 and the second by partition 1 of two. */
  private static String[] keysOfEachPartition() {
    String[] keys = new String[2];
    for (int i = 0; keys[0] == null || keys[1] == null; i++) {
      String k = "user-" + i;
      keys[KeyGroups.partitionOfKey(k, 2)] = keys[KeyGroups.partitionOfKey(k, 2)] == null ? k : keys[KeyGroups.partitionOfKey(k, 2)];
    }
    return keys;
  }

  private static CountDownLatch block(PipelineHost h, int partition) {
    CountDownLatch release = new CountDownLatch(1);
    h.onPartition(partition, () -> {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    return release;
  }

  private static void awaitHandedOver(PipelineHost h, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (h.handedOverSeq() < seq) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("batch " + seq + " was never handed to the partitions");
      }
      Thread.sleep(1);
    }
  }

  private static List<Object> events(String... lines) throws Exception {
    List<Object> out = new ArrayList<>();
    for (String l : lines) {
      out.add(JsonValues.parse(l));
    }
    return out;
  }

  @Test
  void aBatchForOnePartitionIsProcessedWhileAnotherPartitionIsBusyWithAnEarlierOne() throws Exception {
    String[] k = keysOfEachPartition();
    try (ServerHarness h = ServerHarness.running(dir, 2, 100_000, "counts", RecoveryHarnessTest.COUNTS)) {
      PipelineHost host = h.host("counts");
      CountDownLatch release = block(host, 0);
      Future<Void> both = host.ingest(events(RecoveryHarnessTest.at(k[0], 1), RecoveryHarnessTest.at(k[1], 1)));
      Future<Void> second = host.ingest(events(RecoveryHarnessTest.at(k[1], 2)));
      // Done while partition 0 still holds the first batch: it did not wait for it.
      second.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertFalse(both.isComplete(), "the first batch waits for its busy partition");
      release.countDown();
      both.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(Map.of(k[0] + " 2026-01-01T00:00:00Z", 1L, k[1] + " 2026-01-01T00:00:00Z", 2L), h.windows("counts"));
    }
  }

  @Test
  void aCheckpointTakenWhileAPartitionIsBusyCoversExactlyTheBatchesBeforeIt() throws Exception {
    String[] k = keysOfEachPartition();
    try (ServerHarness h = ServerHarness.running(dir, 2, 100_000, "counts", RecoveryHarnessTest.COUNTS)) {
      PipelineHost host = h.host("counts");
      CountDownLatch release = block(host, 0);
      h.postNoWait("counts", RecoveryHarnessTest.at(k[0], 1), RecoveryHarnessTest.at(k[1], 1)); // ingest seq 1
      awaitHandedOver(host, 1); // acknowledged once durable; handed to the partitions just after
      Future<Void> checkpoint = host.checkpoint();
      h.postNoWait("counts", RecoveryHarnessTest.at(k[0], 2), RecoveryHarnessTest.at(k[1], 2)); // seq 2: after the barrier
      assertFalse(checkpoint.isComplete(), "the busy partition has not taken its cut yet");
      release.countDown();
      checkpoint.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      h.settle("counts");
      PipelineView.LastCheckpoint last = host.describe(false).toCompletionStage().toCompletableFuture().get()
          .lastCheckpoint().orElseThrow();
      assertEquals(1L, last.ingestSeq(), "the cut covers the batch before it, not the one after");
      Map<String, Object> before = h.windows("counts");
      assertEquals(Map.of(k[0] + " 2026-01-01T00:00:00Z", 2L, k[1] + " 2026-01-01T00:00:00Z", 2L), before);
      h.crash(); // the second batch is replayed from the log on top of the cut, once
      h.start();
      assertEquals(before, h.windows("counts"));
    }
  }

  @Test
  void aReadAfterAnAcknowledgementSeesTheBatch() throws Exception {
    String[] k = keysOfEachPartition();
    try (ServerHarness h = ServerHarness.running(dir, "counts", RecoveryHarnessTest.COUNTS)) {
      for (int i = 1; i <= 20; i++) {
        h.postNoWait("counts", RecoveryHarnessTest.at(k[0], 1), RecoveryHarnessTest.at(k[1], 1)); // answered, not awaited
        Map<String, Object> seen = h.windows("counts"); // the next read, at once
        assertEquals(Map.of(k[0] + " 2026-01-01T00:00:00Z", (long) i, k[1] + " 2026-01-01T00:00:00Z", (long) i), seen,
            "after acknowledgement " + i);
      }
    }
  }
}
