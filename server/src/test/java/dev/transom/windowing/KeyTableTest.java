package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator's key table against a {@link HashMap}: random adds, finds and removals, colliding hashes included. */
class KeyTableTest {
  /** Keys built from "Aa" and "BB", which have the same hash: every such key of one length collides. */
  private static String colliding(int bits, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append((bits >> i & 1) == 0 ? "Aa" : "BB");
    }
    return sb.toString();
  }

  @Test
  void behavesLikeAMapUnderRandomAddsAndRemovals() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    KeyTable table = new KeyTable();
    Map<String, KeyState> oracle = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      String key = r.nextInt(4) == 0 ? colliding(r.nextInt(64), 6) : "k" + r.nextInt(5_000);
      KeyState found = table.get(key);
      assertSame(oracle.get(key), found, "seed " + seed + ", step " + step);
      if (found == null) {
        KeyState ks = new KeyState(key);
        if (r.nextBoolean()) {
          table.add(ks);
        } else {
          assertTrue(table.addIfAbsent(ks));
        }
        oracle.put(key, ks);
      } else if (r.nextInt(3) == 0) {
        assertFalse(table.addIfAbsent(new KeyState(key)), "seed " + seed);
      } else {
        assertTrue(table.remove(found));
        assertFalse(table.remove(found));
        oracle.remove(key);
      }
      assertEquals(oracle.size(), table.size());
    }
    assertEquals(oracle.keySet(), table.keySet(), "seed " + seed);
    Set<KeyState> visited = new HashSet<>();
    table.forEach(visited::add);
    assertEquals(new HashSet<>(oracle.values()), visited);
  }

  @Test
  void aReservedTableHoldsWhatItWasSizedForAndAClearedOneNothing() {
    KeyTable table = new KeyTable();
    table.reserve(100_000);
    for (int i = 0; i < 100_000; i++) {
      table.add(new KeyState("user-" + i));
    }
    for (int i = 0; i < 100_000; i++) {
      assertEquals("user-" + i, table.get("user-" + i).key);
    }
    assertNull(table.get("user-100000"));
    table.clear();
    assertEquals(0, table.size());
    assertNull(table.get("user-1"));
    assertTrue(table.keySet().isEmpty());
  }
}
