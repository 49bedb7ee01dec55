package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wake-up heap against a plain map of times: filled as a restore fills it (unordered), then updated item by item. */
class KeyHeapTest {
  private static long earliest(Map<KeyState, Long> oracle) {
    return oracle.values().stream().mapToLong(Long::longValue).min().orElse(Micros.POS_INFINITY);
  }

  @Test
  void theEarliestCloseIsAlwaysOnTopAfterARestoreAndAnyUpdates() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 200; round++) {
      KeyHeap heap = new KeyHeap();
      Map<KeyState, Long> oracle = new HashMap<>();
      KeyState[] keys = new KeyState[1 + r.nextInt(300)];
      boolean sorted = r.nextInt(4) == 0;
      for (int i = 0; i < keys.length; i++) {
        keys[i] = new KeyState("k" + i);
        long t = sorted ? i / 3 : r.nextInt(1_000);
        if (r.nextInt(20) == 0) {
          t = Micros.POS_INFINITY; // nothing open: not in the heap
        }
        heap.addUnordered(keys[i], t);
        if (t != Micros.POS_INFINITY) {
          oracle.put(keys[i], t);
        }
      }
      assertEquals(earliest(oracle), heap.peekTime(), "seed " + seed + ", before any order");
      for (int step = 0; step < 500; step++) {
        KeyState ks = keys[r.nextInt(keys.length)];
        switch (r.nextInt(4)) {
          case 0 -> {
            heap.remove(ks);
            oracle.remove(ks);
          }
          case 1 -> {
            heap.update(ks, Micros.POS_INFINITY);
            oracle.remove(ks);
          }
          default -> {
            long t = r.nextInt(1_000);
            heap.update(ks, t);
            oracle.put(ks, t);
          }
        }
        assertEquals(oracle.size(), heap.size(), "seed " + seed);
        assertEquals(earliest(oracle), heap.peekTime(), "seed " + seed + ", step " + step);
        KeyState top = heap.peek();
        if (oracle.isEmpty()) {
          assertNull(top);
        } else {
          assertEquals(earliest(oracle), oracle.get(top), "seed " + seed + ": the top closes first");
        }
      }
    }
  }
}
