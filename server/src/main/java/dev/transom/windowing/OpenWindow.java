package dev.transom.windowing;

/**
 * One open window of one key: its bounds, how many items it took, and what it has accumulated.
 * Each aggregate extends this with its own fields, so a window is one object, not a window plus an
 * accumulator (at a million open windows that is tens of megabytes).
 *
 * <p>{@code seq} is an item's arrival number (larger = later), used to break ties between equal
 * times or values.
 */
public abstract class OpenWindow {
  long openMicros;
  long closeMicros;
  long count;

  protected OpenWindow() {}

  public final long openMicros() {
    return openMicros;
  }

  public final long closeMicros() {
    return closeMicros;
  }

  /** Items this window took (sessions add the counts they merge). */
  public final long count() {
    return count;
  }

  /** The value the window would emit if it closed now. */
  public final Object currentValue() {
    return result();
  }

  protected abstract void add(String key, Object value, Object rank, long timeMicros, long seq)
      throws AggregateFailure;

  /** Folds a later session's accumulated state into this, the earlier one's. */
  protected abstract void merge(String key, OpenWindow later) throws AggregateFailure;

  protected abstract Object result();

  /** A JSON-like value (lists, numbers, strings, maps) that {@link Aggregate#restore} accepts. */
  protected abstract Object snapshot();
}
