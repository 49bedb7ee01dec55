package dev.transom.windowing;

/** One open window of one key: its bounds, how many items it took, and its accumulator. */
public final class OpenWindow {
  long openMicros;
  long closeMicros;
  long count;
  Aggregate.Acc acc;

  OpenWindow(long openMicros, long closeMicros, Aggregate.Acc acc) {
    this.openMicros = openMicros;
    this.closeMicros = closeMicros;
    this.acc = acc;
  }

  public long openMicros() {
    return openMicros;
  }

  public long closeMicros() {
    return closeMicros;
  }

  public long count() {
    return count;
  }

  public Object currentValue() {
    return acc.result();
  }
}
