package dev.transom.runtime;

import io.vertx.core.Vertx;

/**
 * The server's timers, as the clock they belong to sees time: Vert.x timers in the server, timers
 * a manual clock fires in tests. A task runs on the context that set its timer.
 */
public interface Timers {
  /** Runs {@code task} once, {@code delayMillis} from now; returns an id for {@link #cancel}. */
  long once(long delayMillis, Runnable task);

  /** Runs {@code task} every {@code everyMillis}, first after one period. */
  long periodic(long everyMillis, Runnable task);

  /** Cancels a timer; an unknown or spent id is ignored. */
  void cancel(long id);

  /** The Vert.x instance's own timers. */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long once(long delayMillis, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }

      @Override
      public long periodic(long everyMillis, Runnable task) {
        return vertx.setPeriodic(Math.max(1, everyMillis), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
