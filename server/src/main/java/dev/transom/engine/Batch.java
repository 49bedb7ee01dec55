package dev.transom.engine;

import dev.transom.compile.ItemPreparer;

/**
 * Input bound for one shard, in input order, processed at one system time: each item is either an
 * event still to be prepared (the shard prepares it) or one already {@link ItemPreparer.Prepared}
 * (by the {@link Router}, when there are several shards), with the input line it came from (0 when
 * it has none), so an item error names that line whichever thread finds it.
 */
public final class Batch {
  private Object[] items;
  private long[] lines;
  private int size;
  private long nowMicros;

  public Batch(int capacity, long nowMicros) {
    this.items = new Object[Math.max(1, capacity)];
    this.lines = new long[items.length];
    this.nowMicros = nowMicros;
  }

  /** Sets the system time the batch is processed at (when it is handed over), and gives it. */
  Batch at(long nowMicros) {
    this.nowMicros = nowMicros;
    return this;
  }

  /**
   * The events of {@code events}, unprepared: without lines (a batch of one request), or with each
   * one's when they are {@link NumberedEvents}.
   */
  public static Batch of(java.util.List<Object> events, long nowMicros) {
    Batch b = new Batch(events.size(), nowMicros);
    if (events instanceof NumberedEvents n) {
      for (int i = 0; i < n.size(); i++) {
        b.add(n.get(i), n.line(i));
      }
    } else {
      for (Object e : events) {
        b.add(e, 0);
      }
    }
    return b;
  }

  public void add(Object item, long line) {
    if (size == items.length) {
      items = java.util.Arrays.copyOf(items, size * 2);
      lines = java.util.Arrays.copyOf(lines, size * 2);
    }
    items[size] = item;
    lines[size] = line;
    size++;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean isFull() {
    return size == items.length;
  }

  /** An unprepared event, or an {@link ItemPreparer.Prepared}. */
  public Object item(int i) {
    return items[i];
  }

  public long line(int i) {
    return lines[i];
  }

  public long nowMicros() {
    return nowMicros;
  }
}
