package dev.transom.windowing;

import java.util.Arrays;

/**
 * A binary min-heap of keys by {@link KeyState#heapKey} that knows each key's position, so a key
 * whose next close moves is re-sifted in place (no garbage entries, no allocation per item).
 */
final class KeyHeap {
  private KeyState[] heap = new KeyState[16];
  private int size;

  int size() {
    return size;
  }

  KeyState peek() {
    return size == 0 ? null : heap[0];
  }

  /** Inserts, moves or removes {@code ks} for its new key ({@link Micros#POS_INFINITY} = remove). */
  void update(KeyState ks, long newKey) {
    if (newKey == Micros.POS_INFINITY) {
      remove(ks);
      return;
    }
    if (ks.heapIndex < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      ks.heapKey = newKey;
      ks.heapIndex = size;
      heap[size++] = ks;
      siftUp(ks.heapIndex);
      return;
    }
    long old = ks.heapKey;
    ks.heapKey = newKey;
    if (newKey < old) {
      siftUp(ks.heapIndex);
    } else if (newKey > old) {
      siftDown(ks.heapIndex);
    }
  }

  /** Forgets every key (their positions are not reset: they are being dropped). */
  void clear() {
    heap = new KeyState[16];
    size = 0;
  }

  /**
   * Adds {@code ks} without ordering the heap ({@link Micros#POS_INFINITY}: not at all);
   * {@link #heapify} must follow before the heap is read.
   */
  void addUnordered(KeyState ks, long key) {
    if (key == Micros.POS_INFINITY) {
      return;
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    ks.heapKey = key;
    ks.heapIndex = size;
    heap[size++] = ks;
  }

  /** Orders everything {@link #addUnordered} added, in linear time (Floyd's construction). */
  void heapify() {
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  void remove(KeyState ks) {
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
    heap[size] = null;
    heap[i] = moved;
    moved.heapIndex = i;
    siftDown(i);
    siftUp(moved.heapIndex);
  }

  private void siftUp(int i) {
    KeyState x = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      KeyState p = heap[parent];
      if (p.heapKey <= x.heapKey) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = x;
    x.heapIndex = i;
  }

  private void siftDown(int i) {
    KeyState x = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].heapKey < heap[child].heapKey) {
        child = right;
      }
      if (x.heapKey <= heap[child].heapKey) {
        break;
      }
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = x;
    x.heapIndex = i;
  }
}
