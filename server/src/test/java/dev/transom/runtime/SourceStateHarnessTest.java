package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.state.IngestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source whose position is more than a byte offset (a topic's partitions) hands its state over
 * with each batch it read; a restart goes on reading where the last batch it handed over ended: from
 * the ingest log when the checkpoint does not cover that batch, from the checkpoint when it does.
 */
class SourceStateHarnessTest {
  @TempDir
  Path dir;

  private static final String YAML = String.join("\n",
      "name: topic",
      "source: {kind: http}",
      "key: event.user",
      "clock: {kind: event, timestamp: event.ts, wait: 30s}",
      "window: {kind: tumbling, length: 1m}",
      "aggregate: {count: true}",
      "checkpoint: {interval: 10m}",
      "");

  private static void read(ServerHarness h, String state, String... users) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String u : users) {
      text.append(RecoveryHarnessTest.at(u, 1)).append('\n');
    }
    h.host("topic").ingestRead(text.toString().getBytes(StandardCharsets.UTF_8), new IngestLog.SourceMark(0, 0, state))
        .toCompletionStage().toCompletableFuture().get();
    h.settle("topic");
  }

  @Test
  void theStateOfTheLastBatchHandedOverSurvivesCrashesFromTheLogAndFromTheCheckpoint() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, 2, 100_000, "topic", YAML)) {
      assertEquals(null, h.host("topic").readState(), "nothing read yet");
      read(h, "{\"t\":{\"0\":2}}", "a", "b");
      assertEquals("{\"t\":{\"0\":2}}", h.host("topic").readState());
      h.crash(); // the batch is in the log only

      h.start();
      assertEquals("{\"t\":{\"0\":2}}", h.host("topic").readState(), "from the log's replay");
      assertEquals(2, h.host("topic").inCount());
      h.checkpoint("topic");
      h.crash();

      h.start();
      assertEquals("{\"t\":{\"0\":2}}", h.host("topic").readState(), "from the checkpoint");
      read(h, "{\"t\":{\"0\":2,\"1\":1}}", "c");
      h.checkpoint("topic");
      read(h, "{\"t\":{\"0\":3,\"1\":1}}", "a");
      h.crash();

      h.start();
      assertEquals("{\"t\":{\"0\":3,\"1\":1}}", h.host("topic").readState(), "the checkpoint's, then the log's after it");
      // every event once: the replayed batches are not read twice, the checkpointed ones not replayed
      String w = "2026-01-01T00:00:00Z";
      assertEquals(java.util.Map.of("a " + w, 2L, "b " + w, 1L, "c " + w, 1L), h.windows("topic"));
    }
  }
}
