package dev.transom.windowing.aggregate;

import dev.transom.windowing.Aggregate;
import dev.transom.windowing.OpenWindow;

/**
 * {@code count: true}: the number of items. Every window already counts the items it took (and
 * sessions add their counts when they merge), so this window needs no field of its own.
 */
public final class CountAggregate implements Aggregate {
  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public boolean alwaysTakes(Object value) {
    return true;
  }

  @Override
  public OpenWindow create(String key) {
    return new CountWindow();
  }

  /** The snapshot is the count, which the window's own count restores. */
  @Override
  public OpenWindow restore(Object snapshot) {
    return new CountWindow();
  }

  static final class CountWindow extends OpenWindow {
    @Override
    public void add(String key, Object value, Object rank, long timeMicros, long seq) {}

    @Override
    public void merge(String key, OpenWindow later) {}

    @Override
    public Object result() {
      return count();
    }

    @Override
    public Object snapshot() {
      return count();
    }
  }
}
