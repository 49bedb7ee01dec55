package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;
import dev.transom.windowing.Initializer;

/**
 * {@code fold: {init, step, merge}}: {@code acc := init(key)} when the window opens, then
 * {@code acc := step(acc, value)} per value in arrival order; sessions merge with
 * {@code merge(earlier, later)} ({@code merge} is required for sessions, checked at validation).
 */
public final class FoldAggregate implements Aggregate {
  private final Initializer init;
  private final Combiner step;
  private final Combiner merge;

  public FoldAggregate(Initializer init, Combiner step, Combiner merge) {
    this.init = init;
    this.step = step;
    this.merge = merge;
  }

  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public OpenWindow create(String key) throws AggregateFailure {
    FoldAcc acc = new FoldAcc();
    acc.acc = init.init(key);
    return acc;
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    FoldAcc acc = new FoldAcc();
    acc.acc = snapshot;
    return acc;
  }

  final class FoldAcc extends OpenWindow {
    Object acc;

    @Override
    public void add(String key, Object value, Object rank, long t, long seq) throws AggregateFailure {
      acc = step.apply(acc, value, key);
    }

    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      if (merge == null) {
        throw new AggregateFailure("fold needs merge to combine two windows");
      }
      acc = merge.apply(acc, ((FoldAcc) later).acc, key);
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
