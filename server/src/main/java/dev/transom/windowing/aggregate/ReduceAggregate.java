package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;

/**
 * {@code reduce: EXPR}: the first value is the start; each later value (in arrival order) is
 * combined as {@code acc := EXPR(acc, value)}. The reducer is never called for a one-item window.
 * Merging sessions calls it with the earlier session's accumulator and the later one's.
 */
public final class ReduceAggregate implements Aggregate {
  private final Combiner reducer;

  public ReduceAggregate(Combiner reducer) {
    this.reducer = reducer;
  }

  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public OpenWindow create(String key) {
    return new ReduceAcc();
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    ReduceAcc acc = new ReduceAcc();
    acc.acc = snapshot;
    acc.present = true;
    return acc;
  }

  final class ReduceAcc extends OpenWindow {
    Object acc;
    boolean present;

    @Override
    public void add(String key, Object value, Object rank, long t, long seq) throws AggregateFailure {
      if (!present) {
        acc = value;
        present = true;
      } else {
        acc = reducer.apply(acc, value, key);
      }
    }

    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      ReduceAcc o = (ReduceAcc) later;
      if (!o.present) {
        return;
      }
      if (!present) {
        acc = o.acc;
        present = true;
      } else {
        acc = reducer.apply(acc, o.acc, key);
      }
    }

    @Override
    public Object result() {
      return acc;
    }

    @Override
    public Object snapshot() {
      return acc;
    }
  }
}
