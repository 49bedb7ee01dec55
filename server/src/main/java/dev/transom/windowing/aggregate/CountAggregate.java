package dev.transom.windowing.aggregate;

import dev.transom.windowing.Aggregate;

/** {@code count: true}: the number of items; sessions add their counts. */
public final class CountAggregate implements Aggregate {
  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public Acc create(String key) {
    return new CountAcc();
  }

  @Override
  public Acc restore(Object snapshot) {
    CountAcc acc = new CountAcc();
    acc.count = ((Number) snapshot).longValue();
    return acc;
  }

  static final class CountAcc implements Acc {
    long count;

    @Override
    public void add(String key, Object value, Object rank, long timeMicros, long seq) {
      count++;
    }

    @Override
    public void merge(String key, Acc later) {
      count += ((CountAcc) later).count;
    }

    @Override
    public Object result() {
      return count;
    }

    @Override
    public Object snapshot() {
      return count;
    }
  }
}
