package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.ValueKinds;
import dev.transom.windowing.Aggregate;
import java.util.List;

/**
 * {@code sum: true} and {@code mean: true}. The sum stays an exact int while every value is an int
 * (and the total fits in 64 bits); from the first double on, or on overflow, it is a double.
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
    public void add(String key, Object value, Object rank, long timeMicros, long seq) {
      if (value instanceof Double d) {
        doubleSum += d;
        isDouble = true;
      } else {
        addLong(((Number) value).longValue());
      }
    }

    private void addLong(long v) {
      long r = longSum + v;
      if (((longSum ^ r) & (v ^ r)) < 0) {
        // Overflow: carry the exact long part into the double part.
        doubleSum += (double) longSum + (double) v;
        longSum = 0;
        isDouble = true;
      } else {
        longSum = r;
      }
    }

    @Override
    public void merge(String key, OpenWindow later) {
      SumAcc o = (SumAcc) later;
      addLong(o.longSum);
      doubleSum += o.doubleSum;
      isDouble |= o.isDouble;
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
