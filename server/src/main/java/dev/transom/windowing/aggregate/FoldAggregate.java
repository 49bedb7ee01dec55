package dev.transom.windowing.aggregate;

import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;
import dev.transom.windowing.EntryUpdate;
import dev.transom.windowing.Initializer;
import dev.transom.windowing.OpenWindow;

/**
 * {@code fold: {init, step, merge}}: {@code acc := init(key)} when the window opens, then
 * {@code acc := step(acc, value)} per value in arrival order; sessions merge with
 * {@code merge(earlier, later)} ({@code merge} is required for sessions, checked at validation).
 * The accumulator stays under {@code maxSize} (see {@link SteppedAcc}): an init, step or merge
 * whose result would be larger is an item error and changes nothing.
 */
public final class FoldAggregate implements Aggregate {
  private final Initializer init;
  private final Combiner step;
  private final EntryUpdate stepEntries;
  private final Combiner merge;
  private final SteppedAcc.Limits limits;

  /** @param stepEntries {@code step} as the entries it sets when it is {@code acc.with(...)...}, else {@code null} */
  public FoldAggregate(Initializer init, Combiner step, EntryUpdate stepEntries, Combiner merge, long maxSize) {
    this.init = init;
    this.step = step;
    this.stepEntries = stepEntries;
    this.merge = merge;
    this.limits = new SteppedAcc.Limits("fold", maxSize);
  }

  public FoldAggregate(Initializer init, Combiner step, Combiner merge, long maxSize) {
    this(init, step, null, merge, maxSize);
  }

  /** How many maps the in-place steps of this aggregate's windows have copied so far. */
  public long mapCopies() {
    return limits.copies.sum();
  }

  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public OpenWindow create(String key) throws AggregateFailure {
    FoldAcc acc = new FoldAcc();
    acc.replace(limits, init.init(key));
    return acc;
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    FoldAcc acc = new FoldAcc();
    acc.start(snapshot);
    return acc;
  }

  final class FoldAcc extends SteppedAcc {
    @Override
    public void add(String key, Object value, Object rank, long t, long seq) throws AggregateFailure {
      step(limits, step, stepEntries, value, key);
    }

    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      if (merge == null) {
        throw new AggregateFailure("fold needs merge to combine two windows");
      }
      replace(limits, merge.apply(acc, ((FoldAcc) later).handOut(), key));
    }
  }
}
