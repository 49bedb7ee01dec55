package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.ValueKinds;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import java.util.List;

/**
 * {@code sum: true} and {@code mean: true}. The sum stays an exact int while every value is an int
 * (and the total fits in 64 bits); from the first double on, or on overflow, it is a double.
 *
 * <p>The double total never leaves the finite range: a value that would take it past the largest
 * double is not added and is an item error for that window (as a failing reduce step is), so no
 * window ever emits an infinite sum or mean. Only a value of magnitude near 2^970 or more can do
 * that: anything smaller is lost in the rounding of even the largest finite total.
 */
public final class SumAggregate implements Aggregate {
  private final boolean mean;

  public SumAggregate(boolean mean) {
    this.mean = mean;
  }

  @Override
  public String reject(Object value, Object rank) {
    return ValueKinds.isNumber(value) ? null
        : (mean ? "mean" : "sum") + " takes numbers, got " + ValueKinds.name(value);
  }

  /** Below this magnitude an addition rounds to at most the largest finite double (see the class comment). */
  private static final double CANNOT_OVERFLOW = 0x1p969;

  @Override
  public boolean alwaysTakes(Object value) {
    return value instanceof Long || (value instanceof Double d && Math.abs(d) < CANNOT_OVERFLOW);
  }

  @Override
  public OpenWindow create(String key) {
    return new SumAcc(mean);
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    List<?> s = (List<?>) snapshot;
    SumAcc acc = new SumAcc(mean);
    acc.longSum = ((Number) s.get(0)).longValue();
    acc.doubleSum = ((Number) s.get(1)).doubleValue();
    acc.isDouble = (Boolean) s.get(2);
    return acc; // s.get(3), the count, comes back as the window's own count
  }

  static final class SumAcc extends OpenWindow {
    private final boolean mean;
    long longSum;
    double doubleSum;
    boolean isDouble;

    SumAcc(boolean mean) {
      this.mean = mean;
    }

    @Override
    public void add(String key, Object value, Object rank, long timeMicros, long seq) throws AggregateFailure {
      if (value instanceof Double d) {
        double r = doubleSum + d;
        if (!Double.isFinite(r)) {
          throw overflow("adding " + d, "the item is left out of this window");
        }
        doubleSum = r;
        isDouble = true;
      } else {
        addLong(((Number) value).longValue());
      }
    }

    private void addLong(long v) {
      long r = longSum + v;
      if (((longSum ^ r) & (v ^ r)) < 0) {
        // Overflow: carry the exact long part into the double part. The double part was finite,
        // and two longs add less to it than the rounding of any total that large.
        doubleSum += (double) longSum + (double) v;
        longSum = 0;
        isDouble = true;
      } else {
        longSum = r;
      }
    }

    /** All or nothing: a merge that would overflow leaves this window as it was. */
    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      SumAcc o = (SumAcc) later;
      double d = doubleSum + o.doubleSum;
      if (!Double.isFinite(d)) {
        throw overflow("adding the later session's " + o.doubleSum, "the merged session keeps the earlier one's total");
      }
      doubleSum = d;
      addLong(o.longSum);
      isDouble |= o.isDouble;
    }

    private AggregateFailure overflow(String what, String consequence) {
      return new AggregateFailure((mean ? "mean" : "sum") + ": " + what + " to " + ((double) longSum + doubleSum)
          + " would go past the largest finite number (about 1.8e308); " + consequence);
    }

    @Override
    public Object result() {
      if (mean) {
        return ((double) longSum + doubleSum) / count();
      }
      return isDouble ? (Object) ((double) longSum + doubleSum) : (Object) longSum;
    }

    @Override
    public Object snapshot() {
      return List.of(longSum, doubleSum, isDouble, count());
    }
  }
}
