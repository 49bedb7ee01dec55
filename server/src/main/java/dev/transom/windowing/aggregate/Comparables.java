package dev.transom.windowing.aggregate;

import dev.transom.windowing.ValueKinds;
import dev.transom.windowing.AggregateFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/** Ordering of the values min and max accept: numbers, strings and timestamps (and durations). */
final class Comparables {
  private static final double EXACT_LONG_LIMIT = 9.007199254740992E15; // 2^53

  private Comparables() {}

  static boolean isComparable(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof String || v instanceof Instant
        || v instanceof Duration || v instanceof Integer;
  }

  static String kind(Object v) {
    return ValueKinds.isNumber(v) ? "number" : ValueKinds.name(v);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) throws AggregateFailure {
    if (a instanceof Number na && b instanceof Number nb) {
      return compareNumbers(na, nb);
    }
    if (a.getClass() == b.getClass() && a instanceof Comparable ca) {
      return ca.compareTo(b);
    }
    throw new AggregateFailure("cannot compare a " + kind(a) + " with a " + kind(b));
  }

  static int compareNumbers(Number a, Number b) {
    boolean da = a instanceof Double;
    boolean db = b instanceof Double;
    if (!da && !db) {
      return Long.compare(a.longValue(), b.longValue());
    }
    if (da && db) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    double d = da ? a.doubleValue() : b.doubleValue();
    long l = da ? b.longValue() : a.longValue();
    int lVsD;
    if (Double.isNaN(d)) {
      lVsD = -1;
    } else if (Math.abs(l) < EXACT_LONG_LIMIT || Double.isInfinite(d)) {
      lVsD = Double.compare((double) l, d);
    } else {
      lVsD = BigDecimal.valueOf(l).compareTo(new BigDecimal(d));
    }
    return da ? -lVsD : lVsD;
  }
}
