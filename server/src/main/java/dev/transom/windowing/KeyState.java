package dev.transom.windowing;

/**
 * Everything the operator keeps for one key, in as few objects as possible: the key's clock
 * (inherited fields; unused when the pipeline shares one), its place in the {@link KeyHeap} and
 * the {@link KeyTable}, and its open windows sorted by open time. For tumbling and sliding windows
 * (equal lengths) and for sessions (disjoint) that is also close-time order, so closing takes from
 * the front.
 *
 * <p>The first window is a field of its own; only a key with more than one has an array for the
 * others. A key of a tumbling window almost always has one window, and then costs no array (24
 * bytes per key); sliding windows keep their array, which grows and shrinks in place.
 */
final class KeyState extends ClockState {
  final String key;
  /** {@code key.hashCode()}, so that a {@link KeyTable} probe that misses does not read the key. */
  final int hash;
  /** The key's position in the {@link KeyHeap}, -1 when absent. */
  int heapIndex = -1;
  /**
   * The next key of its key group, in a list the operator keeps while it tracks changes (so an
   * incremental checkpoint reads a group's keys without visiting every key). A key that loses its
   * state is marked {@link #dropped} and leaves the list when the list is next read.
   */
  KeyState groupNext;
  boolean dropped;
  /** Window 0, or {@code null} when the key has none. */
  private OpenWindow first;
  /** Windows 1 and on, once the key has had more than one (else {@code null}). */
  private More more;

  /** Windows 1 and on: {@code windows[0, size)}, with room to grow. */
  private static final class More {
    OpenWindow[] windows = new OpenWindow[2];
    int size;
  }

  KeyState(String key) {
    this.key = key;
    this.hash = key.hashCode();
  }

  int size() {
    return first == null ? 0 : more == null ? 1 : 1 + more.size;
  }

  boolean isEmpty() {
    return first == null;
  }

  OpenWindow get(int i) {
    return i == 0 ? first : more.windows[i - 1];
  }

  /** Puts {@code w} at place {@code at}; the windows from there on move one place up. */
  void insert(int at, OpenWindow w) {
    if (first == null) {
      first = w;
      return;
    }
    if (more == null) {
      more = new More();
    }
    More m = more;
    if (m.size == m.windows.length) {
      m.windows = java.util.Arrays.copyOf(m.windows, m.size * 2);
    }
    if (at == 0) {
      System.arraycopy(m.windows, 0, m.windows, 1, m.size);
      m.windows[0] = first;
      first = w;
    } else {
      System.arraycopy(m.windows, at - 1, m.windows, at, m.size - (at - 1));
      m.windows[at - 1] = w;
    }
    m.size++;
  }

  /** Drops windows {@code [from, to)}; a key left with none gives its array back. */
  void remove(int from, int to) {
    int n = size();
    if (from == 0 && to == n) {
      first = null;
      more = null;
      return;
    }
    if (from == to) {
      return;
    }
    More m = more; // n > 1 here: a single window is removed by the case above
    if (from == 0) {
      first = m.windows[to - 1];
      System.arraycopy(m.windows, to, m.windows, 0, m.size - to);
    } else {
      System.arraycopy(m.windows, to - 1, m.windows, from - 1, n - to);
    }
    int left = m.size - (to - from);
    java.util.Arrays.fill(m.windows, left, m.size, null);
    m.size = left;
  }

  /**
   * {@link #find(long)} for a window known to open after every window before {@code from}: one
   * look at place {@code from} usually answers.
   */
  int find(long openMicros, int from) {
    if (from >= size()) {
      return -from - 1;
    }
    long there = get(from).openMicros;
    if (there == openMicros) {
      return from;
    }
    return there > openMicros ? -from - 1 : find(openMicros);
  }

  /** Index of the window opening at {@code openMicros}, or {@code -(insertion point) - 1}. */
  int find(long openMicros) {
    int lo = 0;
    int hi = size() - 1;
    // Most items land in the newest windows: check the last one before searching.
    if (hi >= 0) {
      long last = get(hi).openMicros;
      if (last == openMicros) {
        return hi;
      }
      if (last < openMicros) {
        return -(hi + 1) - 1;
      }
    }
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = get(mid).openMicros;
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
