package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.transom.windowing.aggregate.CountAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A key's windows (one in a field, the others in an array) against a plain list, under random inserts and removals. */
class KeyStateTest {
  @Test
  void windowsStayInPlaceLikeAList() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    CountAggregate count = new CountAggregate();
    KeyState ks = new KeyState("k");
    List<OpenWindow> oracle = new ArrayList<>();
    for (int step = 0; step < 100_000; step++) {
      if (oracle.isEmpty() || r.nextInt(5) < 3 && oracle.size() < 40) {
        int at = r.nextInt(oracle.size() + 1);
        OpenWindow w = count.create("k");
        ks.insert(at, w);
        oracle.add(at, w);
      } else {
        int from = r.nextInt(oracle.size());
        int to = from + r.nextInt(oracle.size() - from + 1);
        ks.remove(from, to);
        oracle.subList(from, to).clear();
      }
      assertEquals(oracle.size(), ks.size(), "seed " + seed + ", step " + step);
      assertEquals(oracle.isEmpty(), ks.isEmpty());
      for (int i = 0; i < oracle.size(); i++) {
        assertSame(oracle.get(i), ks.get(i), "seed " + seed + ", step " + step + ", window " + i);
      }
    }
  }
}
