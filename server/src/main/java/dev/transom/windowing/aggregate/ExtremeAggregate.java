package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.ValueKinds;
import java.util.Arrays;
import java.util.List;

/**
 * {@code min}/{@code max}, plain or {@code by:} an expression. The window keeps the whole value
 * whose rank (the value itself, or the {@code by} result) is smallest/largest; on ties the
 * earlier arrival stays.
 */
public final class ExtremeAggregate implements Aggregate {
  private final boolean max;
  private final boolean ranked;

  /** @param ranked true for {@code min: {by: ...}}: the rank comes with each item */
  public ExtremeAggregate(boolean max, boolean ranked) {
    this.max = max;
    this.ranked = ranked;
  }

  @Override
  public String reject(Object value, Object rank) {
    Object r = ranked ? rank : value;
    if (Comparables.isComparable(r)) {
      return null;
    }
    return (max ? "max" : "min") + (ranked ? " by: the expression gave " : " takes numbers, strings or timestamps, got ")
        + ValueKinds.name(r);
  }

  @Override
  public OpenWindow create(String key) {
    return new ExtremeAcc();
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    List<?> s = (List<?>) snapshot;
    ExtremeAcc acc = new ExtremeAcc();
    acc.value = s.get(0);
    acc.rank = s.get(1);
    acc.seq = ((Number) s.get(2)).longValue();
    acc.present = true;
    return acc;
  }

  final class ExtremeAcc extends OpenWindow {
    Object value;
    Object rank;
    long seq;
    boolean present;

    @Override
    public void add(String key, Object v, Object r, long timeMicros, long s) throws AggregateFailure {
      offer(v, ranked ? r : v, s);
    }

    private void offer(Object v, Object r, long s) throws AggregateFailure {
      if (!present) {
        value = v;
        rank = r;
        seq = s;
        present = true;
        return;
      }
      int c = Comparables.compare(r, rank);
      boolean better = max ? c > 0 : c < 0;
      if (better || (c == 0 && s < seq)) {
        value = v;
        rank = r;
        seq = s;
      }
    }

    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      ExtremeAcc o = (ExtremeAcc) later;
      if (o.present) {
        offer(o.value, o.rank, o.seq);
      }
    }

    @Override
    public Object result() {
      return value;
    }

    @Override
    public Object snapshot() {
      return Arrays.asList(value, rank, seq);
    }
  }
}
