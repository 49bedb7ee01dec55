package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final long MIB = 1 << 20;

  private static final class Fake implements MemoryBudget.Holder {
    final String id;
    long held;
    long limit;

    Fake(String id, long held) {
      this.id = id;
      this.held = held;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public long heldBytes() {
      return held;
    }

    @Override
    public long memoryLimit() {
      return limit;
    }
  }

  @Test
  void underTheServerBudgetEveryoneTakesInput() {
    List<Fake> all = List.of(new Fake("a", 60 * MIB), new Fake("b", 30 * MIB));
    MemoryBudget b = new MemoryBudget(100 * MIB, () -> all, null);
    assertNull(b.refusal(all.get(0)));
    assertNull(b.refusal(all.get(1)));
  }

  @Test
  void atTheServerBudgetOnlyPipelinesAboveAnEqualShareAreRefused() {
    Fake hog = new Fake("hog", 95 * MIB);
    Fake small = new Fake("small", 5 * MIB);
    List<Fake> all = List.of(hog, small);
    MemoryBudget b = new MemoryBudget(100 * MIB, () -> all, null);
    String why = b.refusal(hog);
    assertNotNull(why);
    assertTrue(why.contains("pipeline 'hog'") && why.contains("--memory") && why.contains("100 MiB")
        && why.contains("50 MiB"), why);
    assertNull(b.refusal(small), "the small pipeline keeps its input while the hog is held");
    small.held = 50 * MIB; // grows to its share: now both are held
    assertNotNull(b.refusal(small));
  }

  @Test
  void aPipelinesOwnLimitHoldsItEvenWhenTheServerHasRoom() {
    Fake p = new Fake("p", 10 * MIB);
    p.limit = 8 * MIB;
    MemoryBudget b = new MemoryBudget(1000 * MIB, () -> List.of(p), null);
    String why = b.refusal(p);
    assertNotNull(why);
    assertTrue(why.contains("limits.memory") && why.contains("8.0 MiB"), why);
    p.held = 7 * MIB;
    assertNull(b.refusal(p));
  }

  @Test
  void noBudgetRefusesNothing() {
    Fake p = new Fake("p", Long.MAX_VALUE / 4);
    assertNull(MemoryBudget.NONE.refusal(p));
  }

  @Test
  void pipelinesAddedLaterCountInTheShare() {
    List<Fake> all = new ArrayList<>(List.of(new Fake("a", 40 * MIB), new Fake("b", 40 * MIB)));
    MemoryBudget b = new MemoryBudget(100 * MIB, () -> all, null);
    assertNull(b.refusal(all.get(0)));
    all.add(new Fake("c", 30 * MIB)); // 110 MiB in all, share 33 MiB: a and b are held, c is not
    assertNotNull(b.refusal(all.get(0)));
    assertNotNull(b.refusal(all.get(1)));
    assertNull(b.refusal(all.get(2)));
  }
}
