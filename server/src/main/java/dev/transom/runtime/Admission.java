package dev.transom.runtime;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one pipeline has taken in and not yet processed, and whether it takes more: its queue of
 * events (and their bytes, for the memory budget), its budget, and the batches still on their way
 * into its log, which a stop waits for so that nothing acknowledged is left behind.
 */
final class Admission {
  /** Refuses a batch for reasons of the pipeline's own (failed, stopping, storage, a full sink); throws, or returns. */
  interface Checks {
    void check();
  }

  private final java.util.function.Supplier<String> id;
  private final long queueLimit;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong appending = new AtomicLong();
  private volatile MemoryBudget budget = MemoryBudget.NONE;
  /** Why input is refused for memory, while it is: logged once when it starts and once when it ends. */
  private final AtomicReference<String> memoryRefusal = new AtomicReference<>();

  Admission(java.util.function.Supplier<String> id, long queueLimit) {
    this.id = id;
    this.queueLimit = queueLimit;
  }

  /**
   * Counts a batch of {@code n} events and {@code size} bytes as admitted and on its way to the log
   * ({@link #appended} when it is there), or throws what refuses it: {@code checks} first, then a
   * full queue, then the memory budget of {@code holder}.
   */
  void admit(int n, long size, Checks checks, MemoryBudget.Holder holder) {
    appending.incrementAndGet(); // before the checks: a stop that begins now waits for this batch
    try {
      checks.check();
      String pipeline = id.get();
      if (events.addAndGet(n) > queueLimit) {
        events.addAndGet(-n);
        throw new PipelineHost.Overloaded("pipeline '" + pipeline + "' has " + events.get() + " events waiting (limit "
            + queueLimit + "); retry shortly");
      }
      String over = budget.refusal(holder);
      if (over != null) {
        events.addAndGet(-n);
        if (memoryRefusal.getAndSet(over) == null) {
          LifecycleLog.warn(LifecycleLog.MEMORY_REFUSING, pipeline).log("pipeline '{}' refuses input: {}", pipeline, over);
        }
        throw new PipelineHost.Overloaded(over);
      }
      if (memoryRefusal.get() != null && memoryRefusal.getAndSet(null) != null) {
        LifecycleLog.info(LifecycleLog.MEMORY_OK, pipeline).log("pipeline '{}' takes input again: its memory is below"
            + " budget", pipeline);
      }
      bytes.addAndGet(size);
    } catch (RuntimeException refused) {
      appending.decrementAndGet();
      throw refused;
    }
  }

  /** An admitted batch is on the chain (or was turned away after all): a stop no longer waits for it. */
  void appended() {
    appending.decrementAndGet();
  }

  /** Events and bytes queued without admission (a replay of the log at start). */
  void queued(int n, long size) {
    events.addAndGet(n);
    bytes.addAndGet(size);
  }

  /** A batch admitted before is processed, or will not be (a duplicate, a failed append). */
  void done(int n, long size) {
    events.addAndGet(-n);
    bytes.addAndGet(-size);
  }

  long events() {
    return events.get();
  }

  long bytes() {
    return bytes.get();
  }

  long queueLimit() {
    return queueLimit;
  }

  MemoryBudget budget() {
    return budget;
  }

  void budget(MemoryBudget b) {
    budget = b;
  }

  /** Waits until no admitted batch is still on its way into the log, or until {@code deadlineNanos}. */
  void awaitAppends(long deadlineNanos) {
    while (appending.get() > 0 && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
