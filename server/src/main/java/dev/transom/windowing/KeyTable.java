package dev.transom.windowing;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * The operator's keys: a hash table of {@link KeyState}s found by their key string. Open
 * addressing with linear probing, so a key costs one array slot and no entry object of its own (a
 * {@code HashMap} adds a 32-byte node per key, a fifth of what an open window costs); each
 * {@link KeyState} holds its key's hash, so a probe that misses never reads the key string.
 *
 * <p>Removal shifts the following entries of the probe run back (no tombstones), so lookups stay
 * as short after many removals as after none. Not thread-safe, like the operator.
 */
final class KeyTable {
  private static final int MIN_CAPACITY = 16;
  private KeyState[] slots = new KeyState[MIN_CAPACITY];
  /** {@code 32 - log2(slots.length)}: a slot is the top bits of the mixed hash. */
  private int shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
  private int size;

  int size() {
    return size;
  }

  /** The key's state, or {@code null}. */
  KeyState get(String key) {
    int h = key.hashCode();
    KeyState[] t = slots;
    int mask = t.length - 1;
    for (int i = slot(h, shift);; i = (i + 1) & mask) {
      KeyState ks = t[i];
      if (ks == null) {
        return null;
      }
      if (ks.hash == h && ks.key.equals(key)) {
        return ks;
      }
    }
  }

  /** Adds {@code ks}, whose key is not in the table yet. At most three quarters full: about two probes per hit. */
  void add(KeyState ks) {
    grow();
    place(slots, shift, ks);
    size++;
  }

  /** Adds {@code ks} unless its key is in the table already; returns whether it was added. */
  boolean addIfAbsent(KeyState ks) {
    grow();
    KeyState[] t = slots;
    int mask = t.length - 1;
    int i = slot(ks.hash, shift);
    for (KeyState other; (other = t[i]) != null; i = (i + 1) & mask) {
      if (other.hash == ks.hash && other.key.equals(ks.key)) {
        return false;
      }
    }
    t[i] = ks;
    size++;
    return true;
  }

  private void grow() {
    if (size + 1 > slots.length - (slots.length >>> 2)) {
      resize(slots.length * 2);
    }
  }

  /** Makes room for {@code n} keys in all without growing on the way (a restore knows how many). */
  void reserve(int n) {
    int needed = MIN_CAPACITY;
    while (needed - (needed >>> 2) < n) {
      needed *= 2;
    }
    if (needed > slots.length) {
      resize(needed);
    }
  }

  /** Removes {@code ks} if present; returns whether it was. */
  boolean remove(KeyState ks) {
    KeyState[] t = slots;
    int mask = t.length - 1;
    int i = slot(ks.hash, shift);
    while (t[i] != ks) {
      if (t[i] == null) {
        return false;
      }
      i = (i + 1) & mask;
    }
    // Close the gap: move back each later entry of the run whose home slot is not between the gap and it.
    int gap = i;
    for (int j = (gap + 1) & mask; t[j] != null; j = (j + 1) & mask) {
      int home = slot(t[j].hash, shift);
      boolean stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (!stays) {
        t[gap] = t[j];
        gap = j;
      }
    }
    t[gap] = null;
    size--;
    return true;
  }

  void clear() {
    slots = new KeyState[MIN_CAPACITY];
    shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    size = 0;
  }

  void forEach(Consumer<KeyState> action) {
    for (KeyState ks : slots) {
      if (ks != null) {
        action.accept(ks);
      }
    }
  }

  /** The keys, as a read-only view. */
  java.util.Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public boolean contains(Object o) {
        return o instanceof String s && get(s) != null;
      }

      @Override
      public Iterator<String> iterator() {
        KeyState[] t = slots;
        return new Iterator<>() {
          private int next = advance(0);

          private int advance(int from) {
            int i = from;
            while (i < t.length && t[i] == null) {
              i++;
            }
            return i;
          }

          @Override
          public boolean hasNext() {
            return next < t.length;
          }

          @Override
          public String next() {
            if (next >= t.length) {
              throw new NoSuchElementException();
            }
            String k = t[next].key;
            next = advance(next + 1);
            return k;
          }
        };
      }
    };
  }

  private void resize(int capacity) {
    KeyState[] bigger = new KeyState[capacity];
    int s = 32 - Integer.numberOfTrailingZeros(capacity);
    for (KeyState ks : slots) {
      if (ks != null) {
        place(bigger, s, ks);
      }
    }
    slots = bigger;
    shift = s;
  }

  private static void place(KeyState[] t, int shift, KeyState ks) {
    int mask = t.length - 1;
    int i = slot(ks.hash, shift);
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = ks;
  }

  /**
   * The top bits of the hash times 2^32/phi (Fibonacci hashing): {@link String#hashCode} of keys
   * like {@code user-1, user-2} differ in their low bits only, which the product spreads upwards.
   */
  private static int slot(int hash, int shift) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
