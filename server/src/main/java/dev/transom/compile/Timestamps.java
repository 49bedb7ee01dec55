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
      throw new ExprFailure("expected a timestamp, an RFC 3339 string or a number, got " + kind(v));
    }
    if (!Micros.inRange(micros)) {
      throw new ExprFailure("timestamp out of range: " + v);
    }
    return micros;
  }

  static String kind(Object v) {
    if (dev.transom.expr.CelValues.isNull(v)) {
      return "null";
    }
    if (v instanceof Boolean) {
      return "a bool";
    }
    if (v instanceof java.util.Map) {
      return "a map";
    }
    if (v instanceof java.util.List) {
      return "a list";
    }
    if (v instanceof Double) {
      return "a double";
    }
    return "a " + v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
