package dev.transom.windowing.aggregate;

import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;
import dev.transom.windowing.EntryUpdate;
import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.ValueSize;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The window of a {@code reduce} or {@code fold}: one accumulator that every step replaces, all or
 * nothing, and never past the aggregate's size limit ({@code aggregate.max_size}, estimated by
 * {@link ValueSize}). A step that fails, or whose result would be over the limit, leaves the
 * accumulator as it was and is an item error for this window only (docs/semantics.md).
 *
 * <p><b>Entries set in place.</b> A step {@code acc.with(k, v)} means "a copy of {@code acc} with
 * {@code k} set": copying the map per item makes a window of n distinct keys cost n²/2. When the
 * step comes as an {@link EntryUpdate} and the accumulator is a map, the window sets the entries
 * itself, in a map only it holds ({@link #owned}), keeping the size estimate up to date from the
 * entries it sets and replaces: O(1) amortized per item (plus the size of the values set). A map
 * stops being only this window's the moment it is handed out — the result at close, the current
 * value the {@code windows} API shows, a snapshot for a checkpoint or a reload — or came from
 * outside (a restored snapshot, a reduce's first value, which other windows hold too, a general
 * step's result): the next entry step then copies it once and owns the copy. So a value handed
 * out is never changed afterwards, and between hand-outs the steps copy nothing.
 */
abstract class SteppedAcc extends OpenWindow {
  private static final long UNKNOWN = -1;

  Object acc;
  /** {@link #acc} is a map no one else holds: an entry step may set entries in it. */
  private boolean owned;
  /** {@link ValueSize#estimate} of {@link #acc}, or {@link #UNKNOWN}. */
  private long size = UNKNOWN;

  /** {@code acc := step(acc, value)} for a step given both ways ({@code entries} may be {@code null}). */
  final void step(Limits limits, Combiner step, EntryUpdate entries, Object value, String key) throws AggregateFailure {
    if (entries != null && acc instanceof Map<?, ?> m) {
      setEntries(limits, m, entries.entries(acc, value, key));
    } else {
      replace(limits, step.apply(acc, value, key));
    }
  }

  /** Replaces the accumulator with a value that came from elsewhere (checked against the limit). */
  final void replace(Limits limits, Object next) throws AggregateFailure {
    long s = ValueSize.estimate(next, limits.maxSize);
    if (s > limits.maxSize) {
      throw limits.over(s);
    }
    acc = next;
    owned = false;
    size = s;
  }

  /** The first accumulator, as it is (a reduce's first value, a fold's init, a restored snapshot). */
  final void start(Object first) {
    acc = first;
    owned = false;
    size = UNKNOWN;
  }

  @SuppressWarnings("unchecked")
  private void setEntries(Limits limits, Map<?, ?> current, Object[] kv) throws AggregateFailure {
    long s = size != UNKNOWN ? size : ValueSize.estimate(current, limits.maxSize);
    for (int i = 0; i < kv.length; i += 2) {
      Object k = kv[i];
      Object old = null;
      // A chain may set one key twice: the later entry replaces the earlier one, not the map's.
      for (int j = i - 2; j >= 0 && old == null; j -= 2) {
        if (kv[j].equals(k)) {
          old = kv[j + 1];
        }
      }
      if (old == null) {
        old = current.get(k);
      }
      long budget = limits.maxSize - s;
      if (old == null) {
        s += ValueSize.entry(k, kv[i + 1], budget);
      } else {
        long replaced = ValueSize.estimate(old, Long.MAX_VALUE);
        s += ValueSize.estimate(kv[i + 1], budget + replaced) - replaced;
      }
      if (s > limits.maxSize) {
        throw limits.over(s);
      }
    }
    Map<Object, Object> m;
    if (owned) {
      m = (Map<Object, Object>) current;
    } else {
      m = new LinkedHashMap<>(Math.max(16, (int) (current.size() / 0.75f) + 2));
      m.putAll(current);
      limits.copies.increment();
      acc = m;
      owned = true;
    }
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    size = s;
  }

  /** The accumulator, handed out: from now on this window no longer changes it in place. */
  final Object handOut() {
    owned = false;
    return acc;
  }

  @Override
  protected Object result() {
    return handOut();
  }

  @Override
  protected Object snapshot() {
    return handOut();
  }

  /** An aggregate's limit and its counters, shared by its windows. */
  static final class Limits {
    final String what;
    final long maxSize;
    /** Maps an entry step copied (once per hand-out at most): a test's window into the copying. */
    final LongAdder copies = new LongAdder();

    Limits(String what, long maxSize) {
      if (maxSize <= 0) {
        throw new IllegalArgumentException("maxSize must be > 0");
      }
      this.what = what;
      this.maxSize = maxSize;
    }

    AggregateFailure over(long estimate) {
      return new AggregateFailure(what + ": the accumulator would take about " + ValueSize.approximate(estimate)
          + " as JSON, more than aggregate.max_size (" + ValueSize.approximate(maxSize)
          + "); the item is left out of this window");
    }
  }
}
