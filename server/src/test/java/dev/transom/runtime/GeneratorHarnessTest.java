package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generator in {@code serve}, on a manual clock: with a {@code count}, its input ends as a file's does. */
class GeneratorHarnessTest {
  @TempDir
  Path dir;

  static final String GEN = """
      name: gen
      source: {kind: generator, rate: 10, count: 5, keys: 1}
      key: event.key
      clock: {kind: system}
      window: {kind: tumbling, length: 1h}
      aggregate: {count: true}
      checkpoint: {interval: 1s}
      """;

  @Test
  void aGeneratorWithACountFlushesItsWindowsAndFinishes() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "gen", GEN)) {
      h.advance(Duration.ofMillis(300)); // three ticks: 3 of its 5 events
      h.settle("gen");
      assertEquals("running", h.host("gen").status());
      assertEquals(1, h.host("gen").openWindows());
      h.advance(Duration.ofMillis(300)); // the last two, then the end of its input
      h.settle("gen");
      h.advance(Duration.ofSeconds(2)); // a checkpoint after the flush
      h.host("gen").drained().toCompletionStage().toCompletableFuture().get();
      List<Map<String, Object>> outputs = h.host("gen").recentOutputs(10).toCompletionStage().toCompletableFuture().get();
      assertEquals(1, outputs.size(), outputs.toString());
      assertEquals(5L, ((Number) outputs.get(0).get("value")).longValue(), outputs.toString());
      assertEquals(0, h.host("gen").openWindows());
      assertEquals("finished", h.host("gen").status());
    }
  }
}
