package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog fails a pipeline whose partition task runs past the deadline; nothing waits for that task. */
class WatchdogTest {
  @TempDir
  Path dir;
  // more event loops than contexts made here: the replacement never shares the stuck one
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(8));
  private final CountDownLatch unstick = new CountDownLatch(1);

  @AfterEach
  void close() {
    unstick.countDown();
    vertx.close().await();
  }

  private static String definition(String filter) {
    return "name: slow\n"
        + "source: {kind: http}\n"
        + "steps:\n  - filter: '" + filter + "'\n"
        + "key: event.k\n"
        + "clock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {count: true}\n";
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aStuckTaskFailsItsPipelineAndAReloadReplacesItWithoutWaiting() throws Exception {
    Path file = dir.resolve("slow.yaml");
    Files.writeString(file, definition("true"));
    Pipelines pipelines = new Pipelines(vertx, dir, 1, 1_000, null, null, dev.transom.definition.PathPolicy.AS_WRITTEN);
    pipelines.loadAll();
    pipelines.startWatchdog(Duration.ofMillis(300));
    PipelineHost stuck = pipelines.get("slow");
    assertEquals("running", stuck.status());

    stuck.onPartition(0, () -> {
      try {
        unstick.await(60, TimeUnit.SECONDS); // a sink that does not answer
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    awaitTrue("the watchdog to fail it", () -> stuck.failed());
    assertEquals("failed", stuck.status());
    assertTrue(stuck.failureReason().startsWith("stuck in a task for "), stuck.failureReason());
    PipelineHost.Failed refused = assertThrows(PipelineHost.Failed.class, () -> stuck.ingest(List.of(Map.of("k", "a"))));
    assertEquals("slow", refused.pipeline());

    // The same file, fixed: replaced at once, the stuck task still running.
    Files.writeString(file, definition("has(event.k)"));
    Pipelines.ReloadResult r = CompletableFuture.supplyAsync(() -> pipelines.reload(file)).get(10, TimeUnit.SECONDS);
    assertTrue(r.ok(), r.toString());
    assertTrue(r.outcome().startsWith("replaced the failed version (stuck in a task for"), r.outcome());
    PipelineHost replacement = pipelines.get("slow");
    assertTrue(replacement != stuck);
    assertEquals("running", replacement.status());
    replacement.ingest(List.of(Map.of("k", "a"))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // And a removal does not wait for it either.
    Files.delete(file);
    Pipelines.ReloadResult removed = CompletableFuture.supplyAsync(() -> pipelines.reload(file)).get(10, TimeUnit.SECONDS);
    assertEquals("removed", removed.outcome());
  }

  @Test
  void shutdownAbandonsAPipelineThatDoesNotStopInTime() throws Exception {
    Files.writeString(dir.resolve("slow.yaml"), definition("true"));
    Pipelines pipelines = new Pipelines(vertx, dir, 1, 1_000, null, null, dev.transom.definition.PathPolicy.AS_WRITTEN);
    pipelines.loadAll();
    PipelineHost h = pipelines.get("slow");
    h.onPartition(0, () -> {
      try {
        unstick.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    long started = System.nanoTime();
    List<String> abandoned = pipelines.suspendAll(Duration.ofMillis(500));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(List.of("slow"), abandoned);
    assertTrue(millis < 5_000, millis + " ms");
    PipelineHost.shuttingDown = false; // static: the other tests of this JVM
  }
}
