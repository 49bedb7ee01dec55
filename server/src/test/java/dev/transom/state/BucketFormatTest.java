package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.expr.CelValues;
import dev.transom.windowing.EventClock;
import dev.transom.windowing.OperatorPropertyTest;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.Recorder;
import dev.transom.windowing.StateWriter;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSnapshot;
import dev.transom.windowing.aggregate.CountAggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compact bucket format: exact values, damage found before a restore, and the cut's choice of full or incremental. */
class BucketFormatTest {
  private static final long HOUR = 3_600_000_000L;

  private static byte[] blob(String key, long[] clock, Object... accs) {
    BucketFormat.Writer w = new BucketFormat.Writer();
    w.key(key, clock, accs.length);
    for (int i = 0; i < accs.length; i++) {
      w.window(-5 + i, 10 + i, 3 + i, accs[i]);
    }
    return w.finish();
  }

  @Test
  void everyValueKindSurvivesWithItsTypeAndEveryLongExactly() throws Exception {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("a", 1L);
    map.put("b", Arrays.asList(1.0, -0.0, Double.NaN, 0x1p63, -0x1p63, 1e300, 2.5, "x", CelValues.NULL, true, false));
    map.put(7L, Instant.parse("2024-01-01T00:00:00.123456789Z"));
    map.put("d", Duration.ofMillis(-1500));
    map.put("n", null);
    map.put("extremes", List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
    map.put("\u00e9t\u00e9 \ud83d\ude00", "\u00fcber");
    OperatorSnapshot.KeySnapshot back = SnapshotCodec.decode(blob("k\u00e9y", new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0},
        map, 42)).keys().get(0);
    assertEquals("k\u00e9y", back.key());
    assertEquals(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L), Arrays.stream(back.clock()).boxed().toList());
    assertEquals(List.of(new WindowSnapshot(-5, 10, 3, map), new WindowSnapshot(-4, 11, 4, 42L)), back.windows());
    List<?> b = (List<?>) ((Map<?, ?>) back.windows().get(0).acc()).get("b");
    assertEquals(Double.class, b.get(0).getClass(), "a whole double stays a double");
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) b.get(1)), "-0.0 keeps its sign");
    assertEquals(Long.class, back.windows().get(1).acc().getClass(), "an int is stored as a long");
  }

  @Test
  void keysAndStringsLongerThan64KiBSurvive() throws Exception {
    String big = "k".repeat(100_000) + "\u00e9";
    OperatorSnapshot.KeySnapshot back = SnapshotCodec.decode(blob(big, null, big)).keys().get(0);
    assertEquals(big, back.key());
    assertNull(back.clock());
    assertEquals(big, back.windows().get(0).acc());
  }

  /** Many keys of an operator, one blob per bucket, as a full cut writes them. */
  private static List<byte[]> buckets(WindowOperator op) {
    return new ArrayList<>(new BucketCut().cut(op, Set.of(), true).buckets().values());
  }

  private static WindowOperator counting(int keys) {
    WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(HOUR, 0), new CountAggregate());
    op.trackChanges();
    for (int i = 0; i < keys; i++) {
      op.process("user-" + i, i * 1_000L, 1L, null, 5_000_000L + i, new Recorder());
    }
    return op;
  }

  @Test
  void aDamagedBucketIsFoundWhenReadNotWhenRestored() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    List<byte[]> good = buckets(counting(300));
    byte[] header = SnapshotCodec.encode(new OperatorSnapshot(1, null, List.of()));
    for (int i = 0; i < 2_000; i++) {
      List<byte[]> damaged = new ArrayList<>(good);
      int which = r.nextInt(damaged.size());
      byte[] b = damaged.get(which).clone();
      if (r.nextBoolean()) {
        b = Arrays.copyOf(b, 1 + r.nextInt(b.length - 1)); // cut short
      } else {
        b[1 + r.nextInt(b.length - 1)] ^= (byte) (1 + r.nextInt(255));
      }
      damaged.set(which, b);
      OperatorSnapshot s;
      try {
        s = PartitionState.assemble(header, damaged);
      } catch (SnapshotCodec.Corrupt expected) {
        continue;
      }
      // Damage that still reads as a bucket (a changed digit of a count) restores without failing.
      WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(HOUR, 0), new CountAggregate());
      op.restore(s);
      assertTrue(op.keyCount() > 0, "seed " + seed);
    }
  }

  @Test
  void storedKeysAnswerAlikeByIndexByNameByWalkAndByWriting() throws Exception {
    WindowOperator op = counting(2_000);
    OperatorSnapshot s = PartitionState.assemble(SnapshotCodec.encode(op.snapshot(List.of())), buckets(op));
    assertTrue(s.keys() instanceof OperatorSnapshot.KeyNames);
    List<OperatorSnapshot.KeySnapshot> walked = new ArrayList<>(s.keys());
    assertEquals(2_000, walked.size());
    List<String> written = new ArrayList<>();
    ((OperatorSnapshot.KeySource) s.keys()).writeTo(new StateWriter() {
      @Override
      public void key(String key, long[] clock, int windows) {
        written.add(key);
      }

      @Override
      public void window(long openMicros, long closeMicros, long count, Object acc) {}
    });
    Map<String, OperatorSnapshot.KeySnapshot> original = new HashMap<>();
    for (OperatorSnapshot.KeySnapshot k : op.snapshot().keys()) {
      original.put(k.key(), k);
    }
    for (int i = 0; i < walked.size(); i++) {
      OperatorSnapshot.KeySnapshot k = walked.get(i);
      assertEquals(k.key(), ((OperatorSnapshot.KeyNames) s.keys()).keyAt(i));
      assertEquals(k.key(), written.get(i));
      assertEquals(k.windows(), s.keys().get(i).windows());
      assertEquals(original.get(k.key()).windows(), k.windows());
      assertEquals(Arrays.toString(original.get(k.key()).clock()), Arrays.toString(k.clock()));
    }
    assertEquals(original.keySet(), Set.copyOf(written));
  }

  /** Restoring from a full cut and the incremental cuts after it continues exactly like the uninterrupted run. */
  @Test
  void restoreFromCutsContinuesLikeAnUninterruptedRun() throws Exception {
    long base = new Random().nextLong();
    for (int i = 0; i < 500; i++) {
      OperatorPropertyTest.Scenario sc = OperatorPropertyTest.generate(base + i);
      Random r = new Random(base + i);
      int restoreAt = sc.steps().isEmpty() ? 0 : r.nextInt(sc.steps().size() + 1);
      Recorder straight = new Recorder();
      Recorder restored = new Recorder();
      WindowOperator a = OperatorPropertyTest.newOperator(sc);
      WindowOperator b = OperatorPropertyTest.newOperator(sc);
      b.trackChanges();
      BucketCut cuts = new BucketCut();
      Map<Integer, byte[]> stored = new HashMap<>();
      byte[] header = null;
      for (int s = 0; s <= sc.steps().size(); s++) {
        if (r.nextInt(4) == 0 || s == restoreAt) {
          PartitionState cut = cuts.cut(b, b.drainChangedKeys(), header == null);
          if (cut.full()) {
            stored.clear();
          }
          cut.buckets().forEach((bucket, bytes) -> {
            if (bytes == null) {
              stored.remove(bucket);
            } else {
              stored.put(bucket, bytes);
            }
          });
          header = cut.header();
        }
        if (s == restoreAt) {
          OperatorSnapshot snap = PartitionState.assemble(header, new ArrayList<>(stored.values()));
          b = OperatorPropertyTest.newOperator(sc);
          b.trackChanges();
          b.restore(snap);
        }
        if (s == sc.steps().size()) {
          break;
        }
        OperatorPropertyTest.Step st = sc.steps().get(s);
        for (Object[] pair : new Object[][] {{a, straight}, {b, restored}}) {
          WindowOperator op = (WindowOperator) pair[0];
          Recorder rec = (Recorder) pair[1];
          if (st.wake()) {
            op.advance(st.now(), rec);
          } else {
            op.process(st.key(), st.time(), st.value(), null, st.now(), rec);
          }
        }
      }
      a.finish(straight);
      b.finish(restored);
      assertEquals(OperatorPropertyTest.byKey(straight.outputs), OperatorPropertyTest.byKey(restored.outputs),
          "seed " + (base + i) + ", restored at step " + restoreAt);
    }
  }

  private static void touch(WindowOperator op, int keys) {
    for (int i = 0; i < keys; i++) {
      op.process("user-" + i, 10_000L, 1L, null, 6_000_000L, new Recorder());
    }
  }

  /** How many cuts of 100 changed keys each {@code cuts} makes incrementally before it makes a full one. */
  private static int incrementalBeforeFull(BucketCut cuts, WindowOperator op) {
    for (int incremental = 0;; incremental++) {
      touch(op, 100);
      if (cuts.cut(op, op.drainChangedKeys(), false).full()) {
        return incremental;
      }
    }
  }

  @Test
  void aCutIsFullWhenManyBucketsChangedOrTheIncrementalOnesOutgrewAFullOne() {
    WindowOperator op = counting(1_000);
    BucketCut cuts = new BucketCut();
    assertTrue(cuts.cut(op, op.drainChangedKeys(), true).full());
    touch(op, 10);
    PartitionState few = cuts.cut(op, op.drainChangedKeys(), false);
    assertFalse(few.full());
    assertEquals(10, few.buckets().size(), "the ten changed keys' buckets");
    touch(op, 200); // 200 buckets of about 1,000 in use: more than an eighth
    assertTrue(cuts.cut(op, op.drainChangedKeys(), false).full());
    // each writes about a tenth of the buckets: about ten of them outgrow the full cut
    int incremental = incrementalBeforeFull(cuts, op);
    assertTrue(incremental >= 8 && incremental <= 12, incremental + " incremental cuts before the full one");
    // a partition's first cut after a restart knows no full cut of its own: it estimates one from its keys
    int afterRestart = incrementalBeforeFull(new BucketCut(), op);
    assertTrue(afterRestart >= 8 && afterRestart <= 12, afterRestart + " incremental cuts after a restart before a full one");
  }

  @Test
  void anUnknownFormatIsCorrupt() {
    assertThrows(SnapshotCodec.Corrupt.class, () -> new StoredKeys(List.of(new byte[] {3, 1, 2})));
  }
}
