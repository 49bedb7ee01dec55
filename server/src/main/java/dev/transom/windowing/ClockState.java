package dev.transom.windowing;

/**
 * A clock's mutable numbers. A per-key clock's live inside its {@link KeyState} (one object per
 * key instead of two); a shared clock is one of these on its own. What they mean is up to the
 * {@link ClockLogic} reading them.
 */
class ClockState {
  /** The event clock's base item time; the system clock's latest "now". */
  long clockTimeMicros = Micros.NEG_INFINITY;
  /** The event clock's system time when its base was set. */
  long clockNowMicros;
  boolean clockEnded;
}
