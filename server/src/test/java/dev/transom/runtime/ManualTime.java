package dev.transom.runtime;

import dev.transom.engine.Clock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so, and the timers that go with it: a timer fires when
 * {@link #advance} passes its time, on the context that set it, and {@code advance} returns once
 * it has run. Timers due at the same time fire in the order they were set.
 */
final class ManualTime implements Clock, Timers {
  private final Vertx vertx;
  private final AtomicLong nowMicros;
  private final List<Timer> timers = new ArrayList<>();
  private long nextId = 1;

  private record Timer(long id, long dueMicros, long periodMicros, Context context, Runnable task) {}

  ManualTime(Vertx vertx, long startMicros) {
    this.vertx = vertx;
    this.nowMicros = new AtomicLong(startMicros);
  }

  ServerTime serverTime() {
    return new ServerTime(this, this);
  }

  @Override
  public long nowMicros() {
    return nowMicros.get();
  }

  @Override
  public long once(long delayMillis, Runnable task) {
    return add(delayMillis, 0, task);
  }

  @Override
  public long periodic(long everyMillis, Runnable task) {
    return add(everyMillis, Math.max(1, everyMillis) * 1_000, task);
  }

  private synchronized long add(long delayMillis, long periodMicros, Runnable task) {
    Context c = Vertx.currentContext();
    long id = nextId++;
    timers.add(new Timer(id, nowMicros.get() + Math.max(1, delayMillis) * 1_000, periodMicros,
        c != null ? c : vertx.getOrCreateContext(), task));
    return id;
  }

  @Override
  public synchronized void cancel(long id) {
    timers.removeIf(t -> t.id == id);
  }

  /** How many timers are set (periodic ones included). */
  synchronized int pending() {
    return timers.size();
  }

  /** Moves the clock forward by {@code d}, running each timer due on the way at its own time. */
  void advance(Duration d) throws InterruptedException {
    long target = nowMicros.get() + d.toNanos() / 1_000;
    while (true) {
      Timer next = takeDue(target);
      if (next == null) {
        break;
      }
      nowMicros.set(Math.max(nowMicros.get(), next.dueMicros));
      CountDownLatch ran = new CountDownLatch(1);
      next.context.runOnContext(v -> {
        try {
          next.task.run();
        } finally {
          ran.countDown();
        }
      });
      if (!ran.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("a timer's task did not finish within 30 s");
      }
    }
    nowMicros.set(target);
  }

  /** The earliest timer due by {@code target}, removed (a periodic one set again one period on). */
  private synchronized Timer takeDue(long target) {
    Timer first = null;
    for (Timer t : timers) {
      if (t.dueMicros <= target && (first == null || t.dueMicros < first.dueMicros)) {
        first = t;
      }
    }
    if (first != null) {
      timers.remove(first);
      if (first.periodMicros > 0) {
        timers.add(new Timer(first.id, first.dueMicros + first.periodMicros, first.periodMicros, first.context, first.task));
      }
    }
    return first;
  }
}
