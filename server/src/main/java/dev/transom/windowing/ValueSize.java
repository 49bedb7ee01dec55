package dev.transom.windowing;

import java.util.List;
import java.util.Map;

/**
 * About how many bytes a value takes written as JSON: what {@code aggregate.max_size} limits. A
 * string counts its length plus its quotes, any number or other scalar 8, a list 2 plus each
 * element and its comma, a map 2 plus each key, value, colon and comma. Cheap and deliberately
 * rough: the point is to stop an accumulator that grows without bound (docs/semantics.md), not to
 * predict the output's exact length.
 *
 * <p>{@link #estimate} walks a value only as far as its budget: once the count passes
 * {@code budget} it stops and answers something above it, so checking an accumulator against a
 * limit costs at most the limit, however large the value is.
 */
public final class ValueSize {
  /** Any number, boolean, null, timestamp or duration. */
  public static final long SCALAR = 8;
  /** What one element adds to a list ({@code ,}), and one entry to a map ({@code :} and {@code ,}). */
  public static final long LIST_ELEMENT = 1;
  public static final long MAP_ENTRY = 2;

  private ValueSize() {}

  /** The estimate of {@code v}, or some number above {@code budget} once it is certain to exceed it. */
  public static long estimate(Object v, long budget) {
    if (v instanceof String s) {
      return s.length() + 2L;
    }
    if (v instanceof List<?> l) {
      long n = 2;
      for (Object o : l) {
        n += LIST_ELEMENT + estimate(o, budget - n);
        if (n > budget) {
          return n;
        }
      }
      return n;
    }
    if (v instanceof Map<?, ?> m) {
      long n = 2;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        n += entry(e.getKey(), e.getValue(), budget - n);
        if (n > budget) {
          return n;
        }
      }
      return n;
    }
    return SCALAR;
  }

  /** What one map entry adds: its key, its value and its punctuation. */
  public static long entry(Object key, Object value, long budget) {
    long k = estimate(key, budget);
    return k > budget ? k : MAP_ENTRY + k + estimate(value, budget - k);
  }

  /** About how big, for messages: {@code 4.1 MiB}, {@code 820 KiB}, {@code 17 B}. */
  public static String approximate(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    if (bytes >= 1L << 10) {
      return String.format(java.util.Locale.ROOT, "%.0f KiB", bytes / (double) (1L << 10));
    }
    return bytes + " B";
  }
}
