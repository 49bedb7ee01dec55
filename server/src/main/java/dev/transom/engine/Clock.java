package dev.transom.engine;

/**
 * Where the layers above the window core read the system time: the real clock when users run
 * Transom, a manual one in tests, so that recovery, checkpoints and wake-ups can be driven.
 */
@FunctionalInterface
public interface Clock {
  /** The system time in epoch microseconds. */
  long nowMicros();

  default long nowMillis() {
    return Math.floorDiv(nowMicros(), 1_000L);
  }

  Clock SYSTEM = dev.transom.io.SystemTime::nowMicros;
}
