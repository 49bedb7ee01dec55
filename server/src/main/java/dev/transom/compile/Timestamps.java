package dev.transom.compile;

import dev.transom.expr.ExprFailure;
import dev.transom.io.Rfc3339;
import dev.transom.windowing.Micros;
import java.time.Instant;

/** What {@code clock.timestamp} gave, to microseconds (SPEC §3: timestamp, RFC 3339 string or epoch number). */
final class Timestamps {
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
        long unit = (long) unitMicros;
        if (Math.abs(l) > Micros.MAX_ABS_TIME / unit) {
          throw new ExprFailure("timestamp out of range: " + l);
        }
        micros = l * unit;
      } else {
        micros = Math.floorDiv(l, Math.round(1 / unitMicros)); // nanoseconds, truncated toward the past
      }
    } else if (v instanceof Double d) {
      double m = Math.floor(d * unitMicros);
      if (!Double.isFinite(m) || Math.abs(m) > Micros.MAX_ABS_TIME) {
        throw new ExprFailure("timestamp out of range: " + d);
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
}
