package dev.transom.windowing;

/**
 * One clock's mutable state: answers "what is this item's time" and "what is the watermark now".
 * Per key by default, or one shared by a whole pipeline ({@code clock.scope: pipeline}).
 * System time always comes in as an argument; nothing here reads a clock.
 */
public interface ClockLogic {
  /** The item's time: its own event time for an event clock, {@code nowMicros} for the system clock. */
  long itemTime(long eventTimeMicros, long nowMicros);

  /** Lets an item's time move the watermark (before the item is judged late or not). */
  void observe(long itemTimeMicros, long nowMicros);

  /** The watermark at {@code nowMicros}; never less than an earlier answer. */
  long watermark(long nowMicros);

  /**
   * The earliest system time at which the watermark will have reached {@code watermarkMicros}
   * if no further item arrives; {@link Micros#POS_INFINITY} when it never will.
   */
  long systemTimeWhenWatermarkReaches(long watermarkMicros);

  /** End of input: the watermark becomes {@link Micros#POS_INFINITY} for good. */
  void endOfInput();

  /** The state as plain numbers, to store and to {@link #restore} later. */
  long[] snapshot();

  void restore(long[] snapshot);
}
