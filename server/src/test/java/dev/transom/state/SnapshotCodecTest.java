package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.transom.expr.CelValues;
import dev.transom.windowing.OperatorPropertyTest;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.Recorder;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {
  @Test
  void everyValueKindSurvivesWithItsType() throws Exception {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("a", 1L);
    map.put("b", Arrays.asList(1.0, "x", CelValues.NULL, true, false));
    map.put(7L, Instant.parse("2024-01-01T00:00:00.123456789Z"));
    map.put("d", Duration.ofMillis(1500));
    map.put("n", null);
    OperatorSnapshot s = new OperatorSnapshot(42, null, List.of(new OperatorSnapshot.KeySnapshot("k\u00e9y",
        new long[] {1, 2, 0}, List.of(new WindowSnapshot(-5, 10, 3, map)))));
    OperatorSnapshot back = SnapshotCodec.decode(SnapshotCodec.encode(s));
    assertEquals(42, back.nextSeq());
    Object acc = back.keys().get(0).windows().get(0).acc();
    assertEquals(map, acc);
    assertEquals(Long.class, ((Map<?, ?>) acc).get("a").getClass(), "an int stays an int");
    assertEquals(Double.class, ((List<?>) ((Map<?, ?>) acc).get("b")).get(0).getClass(), "a double stays a double");
  }

  @Test
  void keysAndStringsLongerThan64KiBSurvive() throws Exception {
    String big = "k".repeat(100_000);
    OperatorSnapshot s = new OperatorSnapshot(1, null, List.of(new OperatorSnapshot.KeySnapshot(big, null,
        List.of(new WindowSnapshot(0, 1, 1, big)))));
    OperatorSnapshot back = SnapshotCodec.decode(SnapshotCodec.encode(s));
    assertEquals(big, back.keys().get(0).key());
    assertEquals(big, back.keys().get(0).windows().get(0).acc());
  }

  @Test
  void damagedBytesAreReportedNotMisread() {
    byte[] good = SnapshotCodec.encode(new OperatorSnapshot(1, null, List.of()));
    byte[] cut = Arrays.copyOf(good, good.length - 2);
    assertThrows(SnapshotCodec.Corrupt.class, () -> SnapshotCodec.decode(cut));
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThrows(SnapshotCodec.Corrupt.class, () -> SnapshotCodec.decode(longer));
  }

  /** Restoring from the stored bytes at a random point continues exactly like the uninterrupted run. */
  @Test
  void restoreFromEncodedSnapshotContinuesLikeAnUninterruptedRun() throws Exception {
    long base = new Random().nextLong();
    for (int i = 0; i < 500; i++) {
      OperatorPropertyTest.Scenario sc = OperatorPropertyTest.generate(base + i);
      int cut = sc.steps().isEmpty() ? 0 : new Random(base + i).nextInt(sc.steps().size() + 1);
      Recorder straight = new Recorder();
      Recorder restored = new Recorder();
      WindowOperator a = OperatorPropertyTest.newOperator(sc);
      WindowOperator b = OperatorPropertyTest.newOperator(sc);
      for (int s = 0; s < sc.steps().size(); s++) {
        if (s == cut) {
          OperatorSnapshot snap = SnapshotCodec.decode(SnapshotCodec.encode(b.snapshot()));
          b = OperatorPropertyTest.newOperator(sc);
          b.restore(snap);
        }
        OperatorPropertyTest.Step st = sc.steps().get(s);
        for (Object[] pair : new Object[][] {{a, straight}, {b, restored}}) {
          WindowOperator op = (WindowOperator) pair[0];
          Recorder r = (Recorder) pair[1];
          if (st.wake()) {
            op.advance(st.now(), r);
          } else {
            op.process(st.key(), st.time(), st.value(), null, st.now(), r);
          }
        }
      }
      a.finish(straight);
      b.finish(restored);
      assertEquals(OperatorPropertyTest.byKey(straight.outputs), OperatorPropertyTest.byKey(restored.outputs),
          "seed " + (base + i) + ", restored at step " + cut);
    }
  }
}
