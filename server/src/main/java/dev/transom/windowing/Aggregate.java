package dev.transom.windowing;

/**
 * What a window holds and how two merge (docs/semantics.md). Immutable; builds each window as its own
 * {@link OpenWindow} subclass.
 */
public interface Aggregate {
  /**
   * Checks a value before it touches any state: a reason when this aggregate can never take it
   * (a string in {@code sum}), else {@code null}. A rejected item is an item error.
   */
  String reject(Object value, Object rank);

  /**
   * Whether {@code value}, once past {@link #reject}, goes into every window without fail,
   * whatever the window already holds — except a window already at its size limit
   * ({@code collect}'s {@code maxSize}). Items read straight from their line (without their event)
   * are taken only then, so that an item error can still be shown with its event (a size-limit
   * error with the item's key and value).
   */
  default boolean alwaysTakes(Object value) {
    return false;
  }

  /** A fresh, empty window of {@code key}; the windower sets its bounds. */
  OpenWindow create(String key) throws AggregateFailure;

  /** Rebuilds a window's accumulated state from {@link OpenWindow#snapshot()}. */
  OpenWindow restore(Object snapshot);
}
