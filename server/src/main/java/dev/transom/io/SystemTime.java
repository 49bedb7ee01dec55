package dev.transom.io;

import java.time.Instant;

/** The system time in epoch microseconds: the {@code now} the window core is always handed. */
public final class SystemTime {
  private SystemTime() {}

  public static long nowMicros() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }
}
