package dev.transom.runtime;

import dev.transom.engine.Clock;
import io.vertx.core.Vertx;

/** The clock a server's pipelines read and the timers they set, always taken together. */
public record ServerTime(Clock clock, Timers timers) {
  /** The system clock and the Vert.x instance's timers: how the server runs. */
  public static ServerTime system(Vertx vertx) {
    return new ServerTime(Clock.SYSTEM, Timers.of(vertx));
  }

  public long nowMicros() {
    return clock.nowMicros();
  }

  public long nowMillis() {
    return clock.nowMillis();
  }
}
