package dev.transom.definition;

import dev.transom.expr.Expr;

/** {@code clock:} — the event clock (time from each item) or the system clock. */
public sealed interface ClockDef {
  /**
   * @param unitMicros microseconds per unit when the timestamp expression gives a number
   * @param pipelineScope {@code scope: pipeline}: one watermark for all keys
   */
  record Event(Expr timestamp, long waitMicros, double unitMicros, boolean pipelineScope) implements ClockDef {}

  record SystemTime() implements ClockDef {}
}
