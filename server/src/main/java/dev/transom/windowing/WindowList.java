package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Open windows of one key sorted by open time. For tumbling and sliding windows (equal lengths)
 * and for sessions (disjoint) that is also close-time order, so closing pops from the front.
 */
abstract class WindowList implements WindowerLogic {
  protected final ArrayList<OpenWindow> windows = new ArrayList<>(2);
  private final long closeDelayMicros;

  WindowList(long closeDelayMicros) {
    this.closeDelayMicros = closeDelayMicros;
  }

  /** SEMANTICS §5: per key, windows are emitted in order of close time, then open time. */
  @Override
  public int closeUpTo(String key, long watermarkMicros, WindowSink sink) {
    int n = 0;
    while (n < windows.size() && windows.get(n).closeMicros + closeDelayMicros <= watermarkMicros) {
      OpenWindow w = windows.get(n++);
      sink.window(key, w.openMicros, w.closeMicros, w.acc.result());
    }
    if (n > 0) {
      windows.subList(0, n).clear();
    }
    return n;
  }

  @Override
  public int size() {
    return windows.size();
  }

  @Override
  public long earliestDeadline() {
    return windows.isEmpty() ? Micros.POS_INFINITY : windows.get(0).closeMicros + closeDelayMicros;
  }

  @Override
  public boolean isEmpty() {
    return windows.isEmpty();
  }

  @Override
  public void forEachOpen(Consumer<OpenWindow> visitor) {
    windows.forEach(visitor);
  }

  @Override
  public List<WindowSnapshot> snapshot() {
    List<WindowSnapshot> out = new ArrayList<>(windows.size());
    for (OpenWindow w : windows) {
      out.add(new WindowSnapshot(w.openMicros, w.closeMicros, w.count, w.acc.snapshot()));
    }
    return out;
  }

  @Override
  public void restore(List<WindowSnapshot> snapshot, Aggregate aggregate) {
    windows.clear();
    for (WindowSnapshot s : snapshot) {
      OpenWindow w = new OpenWindow(s.openMicros(), s.closeMicros(), aggregate.restore(s.acc()));
      w.count = s.count();
      windows.add(w);
    }
  }

  /** Index of the window opening at {@code openMicros}, or {@code -(insertion point) - 1}. */
  protected int find(long openMicros) {
    int lo = 0;
    int hi = windows.size() - 1;
    // Most items land in the newest windows: check the last one before searching.
    if (hi >= 0) {
      long last = windows.get(hi).openMicros;
      if (last == openMicros) {
        return hi;
      }
      if (last < openMicros) {
        return -(hi + 1) - 1;
      }
    }
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = windows.get(mid).openMicros;
      if (m < openMicros) {
        lo = mid + 1;
      } else if (m > openMicros) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  /** Adds to one window, counting the item only when the aggregate took it. */
  protected static void addTo(OpenWindow w, String key, long t, Object value, Object rank, long seq,
      AddOutcome outcome) {
    try {
      w.acc.add(key, value, rank, t, seq);
      w.count++;
      outcome.joined++;
    } catch (AggregateFailure e) {
      outcome.failure = e.getMessage();
    }
  }
}
