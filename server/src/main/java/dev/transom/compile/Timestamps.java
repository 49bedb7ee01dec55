package dev.transom.compile;

import dev.transom.expr.ExprFailure;
import dev.transom.io.Rfc3339;
import dev.transom.windowing.Micros;
import java.time.Instant;

/** What {@code clock.timestamp} gave, to microseconds (docs/reference.md: timestamp, RFC 3339 string or epoch number). */
final class Timestamps {
  /**
   * A double holds every integer only up to 2^53: past that many microseconds from the epoch (about
   * 285 years either way) it can no longer name a single microsecond, so such a number is refused
   * rather than rounded to a neighbour.
   */
  static final double MAX_EXACT_DOUBLE_MICROS = 0x1p53;

  private Timestamps() {}

  static long toMicros(Object v, double unitMicros) throws ExprFailure {
    long micros;
    if (v instanceof String s) {
      try {
        micros = Rfc3339.parseMicros(s);
      } catch (Rfc3339.Invalid e) {
        throw new ExprFailure(e.getMessage());
      }
    } else if (v instanceof Long l) {
      if (unitMicros >= 1) {
        // Checked before multiplying: Long.MIN_VALUE has no positive counterpart, and a product
        // that wraps lands anywhere (MIN_VALUE * 1000 is 0, the epoch).
        long unit = (long) unitMicros;
        if (l < -Micros.MAX_ABS_TIME / unit || l > Micros.MAX_ABS_TIME / unit) {
          throw new ExprFailure(outOfRange(l, unitMicros));
        }
        micros = l * unit;
      } else {
        micros = Math.floorDiv(l, Math.round(1 / unitMicros)); // nanoseconds, truncated toward the past
      }
    } else if (v instanceof Double d) {
      double m = Math.floor(d * unitMicros);
      if (!Double.isFinite(m) || Math.abs(m) > Micros.MAX_ABS_TIME) {
        throw new ExprFailure(outOfRange(d, unitMicros));
      }
      if (Math.abs(m) > MAX_EXACT_DOUBLE_MICROS) {
        throw new ExprFailure("timestamp " + d + ": a floating-point number this far from 1970 cannot name one"
            + " microsecond (it is exact to 1 us only within about 285 years); give an integer or an RFC 3339 string");
      }
      micros = (long) m;
    } else if (v instanceof Instant i) {
      try {
        micros = Micros.of(i);
      } catch (ArithmeticException e) {
        throw new ExprFailure("timestamp out of range: " + i);
      }
    } else {
      throw new ExprFailure("expected a timestamp, an RFC 3339 string or a number, got " + dev.transom.windowing.ValueKinds.withArticle(v));
    }
    if (!Micros.inRange(micros)) {
      throw new ExprFailure("timestamp out of range: " + v);
    }
    return micros;
  }

  private static String outOfRange(Object number, double unitMicros) {
    return "timestamp out of range: " + number + " " + unitName(unitMicros)
        + " is more than about 36,000 years from 1970";
  }

  private static String unitName(double unitMicros) {
    if (unitMicros == 1_000_000) {
      return "s";
    }
    if (unitMicros == 1_000) {
      return "ms";
    }
    return unitMicros == 1 ? "us" : "ns";
  }
}
