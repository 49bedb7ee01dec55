package dev.transom.windowing.aggregate;

import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.ValueSize;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code collect: true}: the values in time order, ties in arrival order. Items mostly arrive in
 * order, so each is appended and moved back only past the entries that are later than it.
 *
 * <p>The list stays under {@code maxSize} as {@link ValueSize} estimates it, kept up to date per
 * item (each value is measured once, when it comes): a value that would take the list past it is
 * an item error for that window and is left out (docs/semantics.md); so is a session merge, which then
 * keeps the earlier session's list (as a failed merge of any aggregate does).
 */
public final class CollectAggregate implements Aggregate {
  private final long maxSize;

  public CollectAggregate(long maxSize) {
    if (maxSize <= 0) {
      throw new IllegalArgumentException("maxSize must be > 0");
    }
    this.maxSize = maxSize;
  }

  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  /**
   * Any value, but for a window already at {@code maxSize}, which no reader can foresee: an item
   * read straight from its line and refused for that is shown with its key and value instead of its
   * event (see {@code PipelineExecution#itemError}). Kept so that collect keeps the direct path.
   */
  @Override
  public boolean alwaysTakes(Object value) {
    return true;
  }

  @Override
  public OpenWindow create(String key) {
    return new CollectAcc(maxSize);
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    CollectAcc acc = new CollectAcc(maxSize);
    for (Object o : (List<?>) snapshot) {
      List<?> e = (List<?>) o;
      acc.entries.add(new Entry(((Number) e.get(0)).longValue(), ((Number) e.get(1)).longValue(), e.get(2)));
      acc.size += ValueSize.LIST_ELEMENT + ValueSize.estimate(e.get(2), Long.MAX_VALUE);
    }
    return acc;
  }

  record Entry(long time, long seq, Object value) {
    boolean after(Entry o) {
      return time != o.time ? time > o.time : seq > o.seq;
    }
  }

  static final class CollectAcc extends OpenWindow {
    private final long maxSize;
    final ArrayList<Entry> entries = new ArrayList<>(4);
    /** {@link ValueSize#estimate} of the list: {@code []} and each value with its comma. */
    long size = 2;

    CollectAcc(long maxSize) {
      this.maxSize = maxSize;
    }

    @Override
    public void add(String key, Object value, Object rank, long t, long seq) throws AggregateFailure {
      long s = size + ValueSize.LIST_ELEMENT + ValueSize.estimate(value, maxSize - size);
      if (s > maxSize) {
        throw over(s, "the item is left out of this window");
      }
      size = s;
      Entry e = new Entry(t, seq, value);
      int i = entries.size();
      while (i > 0 && entries.get(i - 1).after(e)) {
        i--;
      }
      entries.add(i, e);
    }

    private AggregateFailure over(long estimate, String consequence) {
      return new AggregateFailure("collect: the list would take about " + ValueSize.approximate(estimate)
          + " as JSON, more than aggregate.max_size (" + ValueSize.approximate(maxSize) + "); " + consequence);
    }

    /** All or nothing: a merge that would be over the limit leaves this window as it was. */
    @Override
    public void merge(String key, OpenWindow later) throws AggregateFailure {
      CollectAcc o = (CollectAcc) later;
      long s = size + o.size - 2;
      if (s > maxSize) {
        throw over(s, "the merged session keeps the earlier one's list");
      }
      size = s;
      List<Entry> a = new ArrayList<>(entries);
      List<Entry> b = o.entries;
      entries.clear();
      entries.ensureCapacity(a.size() + b.size());
      int i = 0;
      int j = 0;
      while (i < a.size() || j < b.size()) {
        if (j >= b.size() || (i < a.size() && !a.get(i).after(b.get(j)))) {
          entries.add(a.get(i++));
        } else {
          entries.add(b.get(j++));
        }
      }
    }

    @Override
    public Object result() {
      List<Object> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        out.add(e.value);
      }
      return out;
    }

    @Override
    public Object snapshot() {
      List<Object> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        out.add(java.util.Arrays.asList(e.time, e.seq, e.value));
      }
      return out;
    }
  }
}
