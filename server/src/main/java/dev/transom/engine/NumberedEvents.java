package dev.transom.engine;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The events of a text of JSON lines that has line numbers (a file's), each with the number of the
 * line it came from. A list of events like any other to the code that only queues and counts them;
 * {@link Router#split} and {@link Batch#of} keep each event's line, so an item error found on a
 * partition names it as {@code run}'s do.
 */
public final class NumberedEvents extends AbstractList<Object> implements RandomAccess {
  private Object[] events = new Object[16];
  private long[] lines = new long[16];
  private int size;

  void add(Object event, long line) {
    if (size == events.length) {
      events = java.util.Arrays.copyOf(events, size * 2);
      lines = java.util.Arrays.copyOf(lines, size * 2);
    }
    events[size] = event;
    lines[size] = line;
    size++;
  }

  @Override
  public Object get(int i) {
    java.util.Objects.checkIndex(i, size);
    return events[i];
  }

  /** The line event {@code i} came from (1-based, counted from the start of its input). */
  public long line(int i) {
    java.util.Objects.checkIndex(i, size);
    return lines[i];
  }

  @Override
  public int size() {
    return size;
  }
}
