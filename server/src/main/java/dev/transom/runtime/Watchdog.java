package dev.transom.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fails every pipeline whose partition task has run longer than a limit ("stuck in ... for N s").
 * One thread checks each partition's "busy since" time, so a pipeline pays two volatile writes per
 * task; the thread is not an event loop, which a stuck task may be holding.
 */
final class Watchdog {
  private final ScheduledExecutorService thread;

  private Watchdog(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  static Watchdog start(Duration stuckAfter, Supplier<Collection<PipelineHost>> hosts) {
    long limit = stuckAfter.toNanos();
    long every = Math.max(100, Math.min(1_000, stuckAfter.toMillis() / 4));
    ScheduledExecutorService w = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "transom-watchdog");
      t.setDaemon(true);
      return t;
    });
    w.scheduleWithFixedDelay(() -> {
      long now = System.nanoTime();
      for (PipelineHost h : hosts.get()) {
        try {
          h.checkStuck(now, limit);
        } catch (RuntimeException e) {
          LifecycleLog.error(LifecycleLog.FAILED, h.id()).setCause(e).log("watchdog: {}", e.toString());
        }
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return new Watchdog(w);
  }

  void stop() {
    thread.shutdownNow();
  }
}
