package dev.transom.windowing;

import java.util.Arrays;

/**
 * Everything the operator keeps for one key, in as few objects as possible: the key's clock
 * (inherited fields; unused when the pipeline shares one), its place in the {@link KeyHeap}, and
 * its open windows sorted by open time. For tumbling and sliding windows (equal lengths) and for
 * sessions (disjoint) that is also close-time order, so closing takes from the front.
 */
final class KeyState extends ClockState {
  private static final OpenWindow[] NONE = new OpenWindow[0];

  final String key;
  /** The key's position in the {@link KeyHeap}, -1 when absent. */
  int heapIndex = -1;
  /** Ordering in the heap: the system time (own clock) or watermark (shared clock) of its next close. */
  long heapKey;
  /**
   * The next key of its key group, in a list the operator keeps while it tracks changes (so an
   * incremental checkpoint reads a group's keys without visiting every key). A key that loses its
   * state is marked {@link #dropped} and leaves the list when the list is next read.
   */
  KeyState groupNext;
  boolean dropped;
  /** Open windows in {@code [0, size)}; most keys have one or two, so the array starts small. */
  private OpenWindow[] windows = NONE;
  private int size;

  KeyState(String key) {
    this.key = key;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  OpenWindow get(int i) {
    return windows[i];
  }

  void insert(int at, OpenWindow w) {
    if (size == windows.length) {
      windows = Arrays.copyOf(windows, size == 0 ? 1 : size * 2);
    }
    System.arraycopy(windows, at, windows, at + 1, size - at);
    windows[at] = w;
    size++;
  }

  /** Drops windows {@code [from, to)}; a key left with none gives its array back. */
  void remove(int from, int to) {
    if (from == 0 && to == size) {
      windows = NONE;
      size = 0;
      return;
    }
    System.arraycopy(windows, to, windows, from, size - to);
    int newSize = size - (to - from);
    Arrays.fill(windows, newSize, size, null);
    size = newSize;
  }

  /** Index of the window opening at {@code openMicros}, or {@code -(insertion point) - 1}. */
  int find(long openMicros) {
    int lo = 0;
    int hi = size - 1;
    // Most items land in the newest windows: check the last one before searching.
    if (hi >= 0) {
      long last = windows[hi].openMicros;
      if (last == openMicros) {
        return hi;
      }
      if (last < openMicros) {
        return -(hi + 1) - 1;
      }
    }
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = windows[mid].openMicros;
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
}
