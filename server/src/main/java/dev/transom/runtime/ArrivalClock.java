package dev.transom.runtime;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The system time a pipeline's core is handed, made replayable. Every batch is stamped with its
 * arrival time when it is logged, and is processed with that time as "now", live and in the replay
 * after a crash; so an acknowledged item lands in the same window, with the same lateness, in both.
 *
 * <p>Wake-ups (timers that close windows while no input comes) are not logged, so they must never
 * change what a logged batch does. A wake-up at time T closes what the watermark at T has passed;
 * that is harmless as long as every batch processed after it has a stamp of at least T, because
 * processing a batch at its stamp closes the same windows first anyway. {@link #frontierMillis}
 * gives the latest time a wake-up may use: no later than any batch admitted but not yet processed.
 *
 * <p>Stamps never go backwards (a wall clock stepped back keeps the last stamp). Thread-safe: batches
 * are stamped on the ingest thread, wake-ups run on event loops.
 */
final class ArrivalClock {
  private final LongSupplier wallMillis;
  /** Every later stamp and frontier is at least this. */
  private long lastMillis;
  /** Batches admitted whose stamp is still to come (they will get at least {@link #lastMillis}). */
  private int unstamped;
  /** Stamps of batches not yet processed, with how many batches carry each. */
  private final TreeMap<Long, Integer> inFlight = new TreeMap<>();

  ArrivalClock(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  ArrivalClock() {
    this(System::currentTimeMillis);
  }

  /** A batch will be stamped soon (call before handing it to the log). */
  synchronized void admitted() {
    unstamped++;
  }

  /** An admitted batch that will never be stamped (a duplicate, or refused before it was logged). */
  synchronized void withdrawn() {
    unstamped--;
  }

  /** Stamps an admitted batch: its arrival time, which it is processed at. */
  synchronized long stamp() {
    unstamped--;
    return stampUnannounced();
  }

  /** Stamps a batch nobody announced (a source that is not logged). */
  synchronized long stampUnannounced() {
    long t = Math.max(lastMillis, wallMillis.getAsLong());
    lastMillis = t;
    inFlight.merge(t, 1, Integer::sum);
    return t;
  }

  /** A logged batch about to be replayed at its stamp. */
  synchronized void replaying(long stampMillis) {
    lastMillis = Math.max(lastMillis, stampMillis);
    inFlight.merge(stampMillis, 1, Integer::sum);
  }

  /** Keeps wake-ups from passing {@code millis} until {@link #processed} of it (a replay starting). */
  synchronized void hold(long millis) {
    inFlight.merge(millis, 1, Integer::sum);
  }

  /** A stamped batch was processed (or dropped): it no longer holds wake-ups back. */
  synchronized void processed(long stampMillis) {
    inFlight.computeIfPresent(stampMillis, (k, n) -> n == 1 ? null : n - 1);
  }

  /** The latest time a wake-up may close windows at now. */
  synchronized long frontierMillis() {
    if (unstamped == 0 && inFlight.isEmpty()) {
      lastMillis = Math.max(lastMillis, wallMillis.getAsLong());
      return lastMillis;
    }
    return inFlight.isEmpty() ? lastMillis : Math.min(lastMillis, inFlight.firstKey());
  }
}
