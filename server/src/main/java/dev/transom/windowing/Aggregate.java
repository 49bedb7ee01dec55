package dev.transom.windowing;

/**
 * What a window holds and how two merge (SEMANTICS §4). Immutable; builds one {@link Acc} per
 * window.
 */
public interface Aggregate {
  /**
   * Checks a value before it touches any state: a reason when this aggregate can never take it
   * (a string in {@code sum}), else {@code null}. A rejected item is an item error.
   */
  String reject(Object value, Object rank);

  /** A fresh accumulator for a new window of {@code key}. */
  Acc create(String key) throws AggregateFailure;

  /** Rebuilds an accumulator from {@link Acc#snapshot()}. */
  Acc restore(Object snapshot);

  /**
   * One window's accumulator. {@code seq} is the item's arrival number (larger = later), used to
   * break ties between equal times or values.
   */
  interface Acc {
    void add(String key, Object value, Object rank, long timeMicros, long seq) throws AggregateFailure;

    /** Folds a later session's accumulator into this, the earlier one's. */
    void merge(String key, Acc later) throws AggregateFailure;

    Object result();

    /** A JSON-like value (lists, numbers, strings, maps) that {@link Aggregate#restore} accepts. */
    Object snapshot();
  }
}
