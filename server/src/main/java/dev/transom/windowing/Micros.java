package dev.transom.windowing;

import java.time.Duration;
import java.time.Instant;

/**
 * Times in the core are {@code long} microseconds since the epoch (UTC). This class names the
 * sentinels and the conversions so no bare {@code Long.MIN_VALUE} appears elsewhere.
 *
 * <p>Finite times are kept within {@link #MAX_ABS_TIME}: about ±36,000 years, so that a time plus
 * a window length or a clock's wait can never overflow 64 bits.
 */
public final class Micros {
  /** "Before any item": a watermark that nothing is behind. */
  public static final long NEG_INFINITY = Long.MIN_VALUE;
  /** End of input: a watermark every window is behind. */
  public static final long POS_INFINITY = Long.MAX_VALUE;
  /** Largest finite time or duration magnitude accepted anywhere (2^60 µs). */
  public static final long MAX_ABS_TIME = 1L << 60;

  private Micros() {}

  /** Truncates toward the past, as docs/semantics.md says for finer-than-microsecond input. */
  public static long of(Instant instant) {
    long secs = instant.getEpochSecond();
    long micros = Math.multiplyExact(secs, 1_000_000L) + instant.getNano() / 1_000;
    return micros;
  }

  public static long of(Duration duration) {
    return Math.addExact(Math.multiplyExact(duration.getSeconds(), 1_000_000L), duration.getNano() / 1_000);
  }

  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  public static boolean inRange(long micros) {
    return micros >= -MAX_ABS_TIME && micros <= MAX_ABS_TIME;
  }

  /** {@code Instant.toString()} form, with the infinities spelled out for display. */
  public static String format(long micros) {
    if (micros == NEG_INFINITY) {
      return "-inf";
    }
    if (micros == POS_INFINITY) {
      return "+inf";
    }
    return toInstant(micros).toString();
  }
}
