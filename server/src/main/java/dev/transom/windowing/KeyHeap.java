package dev.transom.windowing;

import java.util.Arrays;

/**
 * A binary min-heap of keys by the time of their next close that knows each key's position, so a
 * key whose next close moves is re-sifted in place (no garbage entries, no allocation per item).
 * The times are in an array of their own beside the keys: a sift compares without reading the
 * keys' objects, which at a million keys are cache misses (a restore's heapify was a fifth of it).
 */
final class KeyHeap {
  private KeyState[] heap = new KeyState[16];
  /** {@code times[i]}: when {@code heap[i]} next closes (system time, or watermark with a shared clock). */
  private long[] times = new long[16];
  private int size;
  /**
   * Whether the array is a heap. What {@link #addUnordered} adds out of order (a restore) is
   * ordered when something first needs the order: the first item or due close after a restart,
   * not the restart itself. Until then {@link #earliest} is the smallest time.
   */
  private boolean ordered = true;
  private long earliest = Micros.POS_INFINITY;

  int size() {
    return size;
  }

  KeyState peek() {
    order();
    return size == 0 ? null : heap[0];
  }

  /** The time of {@link #peek()}'s next close ({@link Micros#POS_INFINITY} when empty), without ordering the heap. */
  long peekTime() {
    if (size == 0) {
      return Micros.POS_INFINITY;
    }
    return ordered ? times[0] : earliest;
  }

  /** Inserts, moves or removes {@code ks} for its new time ({@link Micros#POS_INFINITY} = remove). */
  void update(KeyState ks, long time) {
    order();
    if (time == Micros.POS_INFINITY) {
      remove(ks);
      return;
    }
    int i = ks.heapIndex;
    if (i < 0) {
      grow();
      place(ks, time, size++);
      siftUp(size - 1);
      return;
    }
    long old = times[i];
    times[i] = time;
    if (time < old) {
      siftUp(i);
    } else if (time > old) {
      siftDown(i);
    }
  }

  /** Forgets every key (their positions are not reset: they are being dropped). */
  void clear() {
    heap = new KeyState[16];
    times = new long[16];
    size = 0;
    ordered = true;
    earliest = Micros.POS_INFINITY;
  }

  /** Adds {@code ks} without ordering the heap ({@link Micros#POS_INFINITY}: not at all). */
  void addUnordered(KeyState ks, long time) {
    if (time == Micros.POS_INFINITY) {
      return;
    }
    grow();
    if (ordered && size > 0 && times[size - 1] > time) {
      ordered = false;
      earliest = times[0]; // in order so far: the first is the smallest
    }
    earliest = Math.min(earliest, time);
    place(ks, time, size++);
  }

  /**
   * Orders what {@link #addUnordered} added, in linear time (Floyd's construction); nothing to do
   * when it came in order (as when every key closes at the same time).
   */
  private void order() {
    if (!ordered) {
      for (int i = (size >>> 1) - 1; i >= 0; i--) {
        siftDown(i);
      }
      ordered = true;
    }
  }

  void remove(KeyState ks) {
    order();
    int i = ks.heapIndex;
    if (i < 0) {
      return;
    }
    ks.heapIndex = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    KeyState moved = heap[size];
    long time = times[size];
    heap[size] = null;
    place(moved, time, i);
    siftDown(i);
    siftUp(moved.heapIndex);
  }

  private void grow() {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
      times = Arrays.copyOf(times, size * 2);
    }
  }

  private void place(KeyState ks, long time, int i) {
    heap[i] = ks;
    times[i] = time;
    ks.heapIndex = i;
  }

  private void siftUp(int i) {
    KeyState x = heap[i];
    long t = times[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (times[parent] <= t) {
        break;
      }
      place(heap[parent], times[parent], i);
      i = parent;
    }
    place(x, t, i);
  }

  private void siftDown(int i) {
    KeyState x = heap[i];
    long t = times[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && times[right] < times[child]) {
        child = right;
      }
      if (t <= times[child]) {
        break;
      }
      place(heap[child], times[child], i);
      i = child;
    }
    place(x, t, i);
  }
}
