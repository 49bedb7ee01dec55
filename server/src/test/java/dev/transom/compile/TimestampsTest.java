package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.expr.ExprFailure;
import dev.transom.windowing.Micros;
import org.junit.jupiter.api.Test;

/**
 * Epoch numbers and RFC 3339 text to microseconds: anything outside the range times are kept in
 * (±2^60 µs) is a failure for that item, never a value that wrapped around.
 */
class TimestampsTest {
  private static final double S = 1_000_000;
  private static final double MS = 1_000;
  private static final double US = 1;
  private static final double NS = 0.001;

  private static String failure(Object v, double unit) {
    return assertThrows(ExprFailure.class, () -> Timestamps.toMicros(v, unit), () -> v + " was accepted").getMessage();
  }

  @Test
  void theSmallestLongIsOutOfRangeInEveryUnitInsteadOfWrappingTo1970() throws ExprFailure {
    // Long.MIN_VALUE * 1000 and * 1,000,000 are exactly 0 in 64-bit arithmetic: the epoch.
    for (double unit : new double[] {S, MS, US}) {
      assertTrue(failure(Long.MIN_VALUE, unit).contains("out of range"), failure(Long.MIN_VALUE, unit));
      assertTrue(failure(Long.MAX_VALUE, unit).contains("out of range"));
    }
    // in nanoseconds the smallest long is 1677-09-21, well inside the range
    assertEquals(Math.floorDiv(Long.MIN_VALUE, 1000L), Timestamps.toMicros(Long.MIN_VALUE, NS));
  }

  @Test
  void integersAreExactUpToTheEdgeOfTheRangeAndRefusedJustPastIt() throws ExprFailure {
    long maxMillis = Micros.MAX_ABS_TIME / 1_000;
    assertEquals(maxMillis * 1_000, Timestamps.toMicros(maxMillis, MS));
    assertEquals(-maxMillis * 1_000, Timestamps.toMicros(-maxMillis, MS));
    failure(maxMillis + 1, MS);
    failure(-maxMillis - 1, MS);
    long maxSeconds = Micros.MAX_ABS_TIME / 1_000_000;
    assertEquals(-maxSeconds * 1_000_000, Timestamps.toMicros(-maxSeconds, S));
    failure(-maxSeconds - 1, S);
    assertEquals(Micros.MAX_ABS_TIME, Timestamps.toMicros(Micros.MAX_ABS_TIME, US));
    failure(Micros.MAX_ABS_TIME + 1, US);
  }

  @Test
  void doublesThatCannotNameOneMicrosecondAreRefused() throws ExprFailure {
    assertEquals(1_714_557_601_500_000L, Timestamps.toMicros(1714557601.5, S));
    assertEquals(1_714_557_601_500_000L, Timestamps.toMicros(1.7145576015e12, MS));
    // 2^53 µs is year 2255: a double is still exact there, and not one step further out
    assertEquals(1L << 53, Timestamps.toMicros(0x1p53, US));
    assertTrue(failure(0x1p53 + 2, US).contains("cannot name one microsecond"), failure(0x1p53 + 2, US));
    failure(-1e16, US);
    // JSON integers past 64 bits arrive as doubles: in nanoseconds they would be years ~2262+
    assertTrue(failure(1e19, NS).contains("cannot name one microsecond"));
    for (double huge : new double[] {1e300, -1e300, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN}) {
      assertTrue(failure(huge, MS).contains("out of range"), failure(huge, MS));
    }
  }

  @Test
  void textWithYearsBeyondTheRangeIsRefused() throws ExprFailure {
    assertEquals(253_402_300_799_000_000L, Timestamps.toMicros("9999-12-31T23:59:59Z", US));
    assertTrue(failure("+99999-01-01T00:00:00Z", US).contains("out of range"));
    assertTrue(failure("-99999-01-01T00:00:00Z", US).contains("out of range"));
    assertTrue(failure("+999999999-12-31T23:59:59Z", US).contains("out of range"));
    // five digits without the sign RFC 3339 does not allow, and a year 0 before the range's edge
    assertTrue(failure("99999-01-01T00:00:00Z", US).contains("not an RFC 3339 timestamp"));
    assertEquals(-62_167_219_200_000_000L, Timestamps.toMicros("0000-01-01T00:00:00Z", US));
  }
}
