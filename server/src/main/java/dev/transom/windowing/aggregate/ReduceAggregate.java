package dev.transom.windowing.aggregate;

import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;
import dev.transom.windowing.EntryUpdate;
import dev.transom.windowing.OpenWindow;

/**
 * {@code reduce: EXPR}: the first value is the start; each later value (in arrival order) is
 * combined as {@code acc := EXPR(acc, value)}. The reducer is never called for a one-item window.
 * Merging sessions calls it with the earlier session's accumulator and the later one's. The
 * accumulator stays under {@code maxSize} (see {@link SteppedAcc}): a step whose result would be
 * larger is an item error and changes nothing. The first value is taken as it is (it is one item,
 * already in memory, and a window must start from it).
 */
public final class ReduceAggregate implements Aggregate {
  private final Combiner reducer;
  private final EntryUpdate reducerEntries;
  private final SteppedAcc.Limits limits;

  /** @param reducerEntries the reducer as the entries it sets when it is {@code acc.with(...)...}, else {@code null} */
  public ReduceAggregate(Combiner reducer, EntryUpdate reducerEntries, long maxSize) {
    this.reducer = reducer;
    this.reducerEntries = reducerEntries;
    this.limits = new SteppedAcc.Limits("reduce", maxSize);
  }

  public ReduceAggregate(Combiner reducer, long maxSize) {
    this(reducer, null, maxSize);
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
  public OpenWindow create(String key) {
    return new ReduceAcc();
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    ReduceAcc acc = new ReduceAcc();
    acc.start(snapshot);
    acc.present = true;
    return acc;
  }

  final class ReduceAcc extends SteppedAcc {
    boolean present;

    @Override
    public void add(String key, Object value, Object rank, long t, long seq) throws AggregateFailure {
      if (!present) {
        start(value); // one item, already in memory: only what the reducer makes is limited
        present = true;
      } else {
        step(limits, reducer, reducerEntries, value, key);
      }
    }

    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      ReduceAcc o = (ReduceAcc) later;
      if (!o.present) {
        return;
      }
      if (!present) {
        start(o.handOut());
        present = true;
      } else {
        replace(limits, reducer.apply(acc, o.handOut(), key));
      }
    }
  }
}
