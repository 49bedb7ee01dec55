package dev.transom.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The server's shutdown of its pipelines: each takes its final checkpoint on a thread of its own,
 * after any change of its file in progress, so one slow pipeline holds up no other; at the
 * deadline the ones still at it are abandoned (they resume from their last checkpoint and the
 * ingest log at the next start).
 */
final class Shutdown {
  private Shutdown() {}

  /** Suspends every pipeline in {@code byFile}; returns the ids abandoned at the deadline. */
  static List<String> suspendAll(Map<Path, PipelineHost> byFile, Function<Path, ReentrantLock> lockFor,
      java.time.Duration deadline) {
    Map<String, Thread> running = new LinkedHashMap<>();
    for (Map.Entry<Path, PipelineHost> e : byFile.entrySet()) {
      Path key = e.getKey();
      String id = e.getValue().id();
      Thread t = new Thread(() -> {
        ReentrantLock lock = lockFor.apply(key);
        try {
          lock.lockInterruptibly(); // after a change of this file in progress (bounded below)
        } catch (InterruptedException ie) {
          return;
        }
        try {
          PipelineHost h = byFile.get(key);
          if (h != null) {
            h.suspend();
          }
        } catch (RuntimeException ex) {
          LifecycleLog.warn(LifecycleLog.SERVER, id).log("pipeline '{}' did not stop cleanly: {}", id, ex.getMessage());
        } finally {
          lock.unlock();
        }
      }, "transom-stop-" + id);
      t.setDaemon(true);
      t.start();
      running.put(id, t);
    }
    long end = System.nanoTime() + deadline.toNanos();
    List<String> abandoned = new ArrayList<>();
    for (Map.Entry<String, Thread> e : running.entrySet()) {
      try {
        e.getValue().join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      if (e.getValue().isAlive()) {
        abandoned.add(e.getKey());
        LifecycleLog.error(LifecycleLog.SERVER, e.getKey()).log("pipeline '{}' did not finish its final checkpoint within"
            + " {} s: abandoned (it resumes from its last checkpoint and its ingest log at the next start)", e.getKey(),
            deadline.toMillis() / 1000.0);
      }
    }
    return abandoned;
  }
}
