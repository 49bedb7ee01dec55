package dev.transom.windowing;

/**
 * How one kind of clock answers "what is this item's time" and "what is the watermark now", over
 * a {@link ClockState} it is handed: per key by default, or one shared by a whole pipeline
 * ({@code clock.scope: pipeline}). Stateless, so an operator needs one per pipeline, not per key.
 * System time always comes in as an argument; nothing here reads a clock.
 */
interface ClockLogic {
  /** The item's time: its own event time for an event clock, {@code nowMicros} for the system clock. */
  long itemTime(ClockState s, long eventTimeMicros, long nowMicros);

  /** Lets an item's time move the watermark (before the item is judged late or not). */
  void observe(ClockState s, long itemTimeMicros, long nowMicros);

  /** The watermark at {@code nowMicros}; never less than an earlier answer. */
  long watermark(ClockState s, long nowMicros);

  /**
   * The earliest system time at which the watermark will have reached {@code watermarkMicros}
   * if no further item arrives; {@link Micros#POS_INFINITY} when it never will.
   */
  long systemTimeWhenWatermarkReaches(ClockState s, long watermarkMicros);

  /**
   * Moves the watermark to at least {@code watermarkMicros} at {@code nowMicros}, as an item at that
   * time plus the clock's wait would (the "closing record" users otherwise send); false, and nothing
   * changed, for a clock whose watermark is the system time.
   */
  boolean advanceTo(ClockState s, long watermarkMicros, long nowMicros);

  /** Whether {@link #advanceTo} can move this clock's watermark (not the system clock's). */
  default boolean canAdvance() {
    return true;
  }

  /** End of input: the watermark becomes {@link Micros#POS_INFINITY} for good. */
  default void endOfInput(ClockState s) {
    s.clockEnded = true;
  }

  /** The state as plain numbers, to store and to {@link #restore} later. */
  long[] snapshot(ClockState s);

  void restore(ClockState s, long[] snapshot);
}
