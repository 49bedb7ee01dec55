package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.windowing.aggregate.CountAggregate;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator's keys by group, as incremental checkpoints read them: after items, closes that
 * drop keys (a shared clock keeps no empty key), a restore and more items, every group lists
 * exactly the keys that have state, each once.
 */
class KeysByGroupTest {
  private static final long SECOND = 1_000_000L;
  private static final WindowSink NOWHERE = new WindowSink() {
    @Override
    public void window(String k, long o, long c, Object v) {}

    @Override
    public void late(String k, long t, long w, Object v, long o, long c) {}

    @Override
    public void itemError(String k, String m) {}
  };

  private static void assertGroupsMatch(WindowOperator op) {
    Set<String> seen = new HashSet<>();
    for (int g = 0; g < KeyGroups.COUNT; g++) {
      for (String k : op.keysOf(g)) {
        assertEquals(g, KeyGroups.of(k));
        assertTrue(seen.add(k), "listed twice: " + k);
      }
    }
    assertEquals(op.keys(), seen);
  }

  @Test
  void everyGroupListsExactlyItsKeysWithState() {
    for (boolean shared : new boolean[] {false, true}) {
      WindowOperator op = new WindowOperator(new EventClock(0, shared), new TumblingWindower(10 * SECOND, 0),
          new CountAggregate());
      op.trackChanges();
      Random r = new Random(3);
      long t = 0;
      for (int i = 0; i < 20_000; i++) {
        t += r.nextInt(3) * 100_000L; // windows close as event time moves on: keys empty out
        op.process("k" + r.nextInt(3_000), t, 1L, null, 0, NOWHERE);
        if (i % 2_000 == 0) {
          assertGroupsMatch(op);
        }
      }
      assertGroupsMatch(op);
      OperatorSnapshot snap = op.snapshot();
      op.restore(snap);
      assertGroupsMatch(op);
      for (int i = 0; i < 5_000; i++) {
        t += r.nextInt(3) * 100_000L;
        op.process("k" + r.nextInt(6_000), t, 1L, null, 0, NOWHERE);
      }
      assertGroupsMatch(op);
      op.finish(NOWHERE);
      assertGroupsMatch(op);
    }
  }

  @Test
  void withoutTrackingTheGroupsAreFoundByAScan() {
    WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(10 * SECOND, 0),
        new CountAggregate());
    for (String k : List.of("a", "b", "c")) {
      op.process(k, 0, 1L, null, 0, NOWHERE);
    }
    assertGroupsMatch(op);
  }
}
