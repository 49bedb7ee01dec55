package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.windowing.aggregate.CollectAggregate;
import dev.transom.windowing.aggregate.CountAggregate;
import dev.transom.windowing.aggregate.EdgeAggregate;
import dev.transom.windowing.aggregate.ExtremeAggregate;
import dev.transom.windowing.aggregate.FoldAggregate;
import dev.transom.windowing.aggregate.ReduceAggregate;
import dev.transom.windowing.aggregate.SumAggregate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Random scenarios (keys, times, disorder, windowers, clocks, aggregates, wake-ups) checked against
 * {@link Oracle}, plus restore-at-a-random-point, partitioning keys across operators, and watermark
 * monotonicity. Each run draws new scenarios from a printed base seed; a failure names its seed.
 * Re-run one with {@code -Dtransom.seed=N -Dtransom.scenarios=1}.
 */
public class OperatorPropertyTest {
  private static final long S = 1_000_000L;
  private static final long MS = 1_000L;
  private static final int SCENARIOS = Integer.getInteger("transom.scenarios", 3000);

  /** One generated scenario: its definition and its steps (items and wake-ups). */
  public record Step(boolean wake, String key, long time, Object value, long now) {}

  public record Scenario(long seed, Oracle.ClockSpec clock, Oracle.WindowerSpec windower, String aggregate, List<Step> steps) {
    @Override
    public String toString() {
      return "seed=" + seed + " clock=" + clock + " windower=" + windower + " aggregate=" + aggregate + " steps="
          + steps.size();
    }
  }

  @Test
  void operatorMatchesOracleRestoresAndPartitionsOnRandomScenarios() {
    long base = Long.getLong("transom.seed", new Random().nextLong());
    System.out.println("OperatorPropertyTest: base seed " + base + ", " + SCENARIOS + " scenarios");
    for (int i = 0; i < SCENARIOS; i++) {
      long seed = base + i;
      Scenario sc = generate(seed);
      try {
        check(sc);
      } catch (AssertionError e) {
        throw new AssertionError("scenario failed: " + sc + " (re-run: -Dtransom.seed=" + seed
            + " -Dtransom.scenarios=1)\n" + e.getMessage(), e);
      }
    }
  }

  public static Scenario generate(long seed) {
    Random r = new Random(seed);
    Oracle.ClockSpec clock = r.nextInt(10) == 0
        ? new Oracle.ClockSpec(true, 0, true)
        : new Oracle.ClockSpec(false, new long[] {0, 500 * MS, 1 * S, 3 * S, 10 * S}[r.nextInt(5)], r.nextInt(4) == 0);
    Oracle.WindowerSpec windower;
    long align = (r.nextInt(21) - 10) * 250 * MS;
    switch (r.nextInt(4)) {
      case 0 -> {
        long len = (1 + r.nextInt(8)) * 500 * MS;
        windower = new Oracle.WindowerSpec(false, len, len, align, 0);
      }
      case 1 -> {
        long off = (1 + r.nextInt(4)) * 500 * MS;
        windower = new Oracle.WindowerSpec(false, off * (2 + r.nextInt(3)), off, align, 0);
      }
      case 2 -> {
        long len = (1 + r.nextInt(4)) * 500 * MS;
        windower = new Oracle.WindowerSpec(false, len, len + (1 + r.nextInt(4)) * 500 * MS, align, 0);
      }
      default -> windower = new Oracle.WindowerSpec(true, 0, 0, 0, (1 + r.nextInt(6)) * 500 * MS);
    }
    String[] aggregates = {"count", "sum", "mean", "collect", "min", "max", "first", "last", "reduce", "fold", "countmap"};
    String aggregate = aggregates[r.nextInt(aggregates.length)];
    int keys = 1 + r.nextInt(4);
    int n = r.nextInt(70);
    List<Step> steps = new ArrayList<>();
    long now = 1_700_000_000L * S + r.nextInt(1000) * MS;
    long cursor = (r.nextInt(200) - 100) * S;
    boolean bad = aggregate.equals("sum") || aggregate.equals("mean");
    for (int i = 0; i < n; i++) {
      if (r.nextInt(3) == 0) {
        now += r.nextInt(4) * 500 * MS + (r.nextBoolean() ? 0 : r.nextInt(3) * MS);
      }
      if (r.nextInt(8) == 0) {
        steps.add(new Step(true, null, 0, null, now));
        continue;
      }
      int move = r.nextInt(10);
      if (move < 6) {
        cursor += r.nextInt(5) * 250 * MS;
      } else if (move < 9) {
        cursor -= r.nextInt(5) * 250 * MS;
      } else {
        cursor += (r.nextInt(41) - 20) * S;
      }
      long t = cursor + (r.nextInt(5) == 0 ? r.nextInt(3) - 1 : 0);
      Object value = bad && r.nextInt(20) == 0 ? "bad" : (Object) (long) (i * 1000 + r.nextInt(1000));
      steps.add(new Step(false, "k" + r.nextInt(keys), t, value, now));
    }
    return new Scenario(seed, clock, windower, aggregate, steps);
  }

  static void check(Scenario sc) {
    Oracle oracle = new Oracle(sc.clock(), sc.windower(), oracleAggregate(sc), v -> isRejected(sc, v));
    for (Step s : sc.steps()) {
      if (s.wake()) {
        oracle.wake(s.now());
      } else {
        oracle.item(s.key(), s.time(), s.value(), s.now());
      }
    }
    oracle.finish();

    int cut = sc.steps().isEmpty() ? 0 : new Random(sc.seed() * 31).nextInt(sc.steps().size() + 1);
    Run straight = run(sc, -1, cut, key -> 0);
    assertSameOutputs(oracle.outputs, straight.rec.outputs, "operator vs oracle");
    assertEquals(sorted(oracle.late), sorted(straight.rec.late), "late items vs oracle");
    assertEquals(oracle.errors, straight.rec.errors.size(), "item errors vs oracle");

    Run restored = run(sc, cut, -1, key -> 0);
    assertSameOutputs(straight.rec.outputs, restored.rec.outputs, "restore at step " + cut + " vs uninterrupted");
    assertEquals(sorted(straight.rec.late), sorted(restored.rec.late), "late after restore at step " + cut);

    if (!sc.clock().shared() && !sc.clock().system()) {
      Run split = run(sc, -1, -1, key -> Math.floorMod(key.hashCode(), 2));
      assertSameOutputs(straight.rec.outputs, split.rec.outputs, "two partitions vs one");
      assertEquals(sorted(straight.rec.late), sorted(split.rec.late), "late in two partitions vs one");
    }
  }

  record Run(Recorder rec) {}

  /**
   * Runs the operator(s); {@code restoreAt >= 0} rebuilds from a snapshot before that step;
   * {@code peekAt >= 0} takes a snapshot there and goes on: either way the snapshot must not change.
   */
  static Run run(Scenario sc, int restoreAt, int peekAt, Function<String, Integer> partitionOf) {
    Recorder rec = new Recorder();
    WindowOperator[] ops = {newOperator(sc), newOperator(sc)};
    Map<String, Long> lastWatermark = new HashMap<>();
    OperatorSnapshot snap = null;
    String snapText = null;
    for (int i = 0; i < sc.steps().size(); i++) {
      if (i == restoreAt) {
        snap = ops[0].snapshot();
        snapText = snap.toString();
        ops[0] = newOperator(sc);
        ops[0].restore(snap);
      }
      if (i == peekAt) {
        snap = ops[0].snapshot();
        snapText = snap.toString();
      }
      Step s = sc.steps().get(i);
      if (s.wake()) {
        ops[0].advance(s.now(), rec);
        ops[1].advance(s.now(), rec);
      } else {
        WindowOperator op = ops[partitionOf.apply(s.key())];
        op.process(s.key(), s.time(), s.value(), null, s.now(), rec);
        long wm = op.watermark(s.key(), s.now());
        Long before = lastWatermark.put(s.key(), wm);
        int[] counted = {0};
        // Counted without a snapshot: a snapshot hands the accumulators out, and then the next
        // in-place step of "countmap" copies its map; here most steps should not.
        op.forEachOpenWindow((k, w) -> counted[0]++);
        assertEquals(counted[0], op.openWindowCount(), "open window count");
        assertTrue(before == null || before <= wm, "watermark of " + s.key() + " went back from " + before + " to " + wm);
      }
    }
    if (restoreAt == sc.steps().size()) {
      snap = ops[0].snapshot();
      snapText = snap.toString();
      ops[0] = newOperator(sc);
      ops[0].restore(snap);
    }
    ops[0].finish(rec);
    ops[1].finish(rec);
    if (snap != null) {
      // The operator that went on, or the one restored from it, shares the snapshot's values: it
      // must never have changed them.
      assertEquals(snapText, snap.toString(), "the snapshot taken at step " + Math.max(restoreAt, peekAt)
          + " changed afterwards");
    }
    return new Run(rec);
  }

  public static WindowOperator newOperator(Scenario sc) {
    ClockConfig clock = sc.clock().system() ? new SystemClock() : new EventClock(sc.clock().waitMicros(), sc.clock().shared());
    Oracle.WindowerSpec w = sc.windower();
    Windower windower = w.session() ? new SessionWindower(w.gap())
        : w.length() == w.offset() ? new TumblingWindower(w.length(), w.align())
        : new SlidingWindower(w.length(), w.offset(), w.align());
    return new WindowOperator(clock, windower, operatorAggregate(sc));
  }

  static boolean isRejected(Scenario sc, Object v) {
    return (sc.aggregate().equals("sum") || sc.aggregate().equals("mean")) && !(v instanceof Long);
  }

  static Aggregate operatorAggregate(Scenario sc) {
    boolean session = sc.windower().session();
    return switch (sc.aggregate()) {
      case "count" -> new CountAggregate();
      case "sum" -> new SumAggregate(false);
      case "mean" -> new SumAggregate(true);
      case "collect" -> new CollectAggregate(1L << 20);
      case "min" -> new ExtremeAggregate(false, false);
      case "max" -> new ExtremeAggregate(true, false);
      case "first" -> new EdgeAggregate(false);
      case "last" -> new EdgeAggregate(true);
      case "reduce" -> session
          ? new ReduceAggregate((acc, v, k) -> (Long) acc + (Long) v, 1L << 20)
          : new ReduceAggregate((acc, v, k) -> ((Long) acc * 31 + (Long) v) % 1_000_003L, 1L << 20);
      // A count per value mod 5, written as the counting fold is: a copying step, and the same
      // step as the entry it sets (what acc.with(k, acc.get(k, 0) + 1) compiles to).
      case "countmap" -> new FoldAggregate(k -> new java.util.LinkedHashMap<Object, Object>(),
          (acc, v, k) -> {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>((Map<?, ?>) acc);
            copy.merge((Long) v % 5, 1L, (a, b) -> (Long) a + (Long) b);
            return copy;
          },
          (acc, v, k) -> new Object[] {(Long) v % 5, (Long) ((Map<Object, Object>) acc).getOrDefault((Long) v % 5, 0L) + 1},
          session ? (a, b, k) -> {
            Map<Object, Object> sum = new java.util.LinkedHashMap<>((Map<?, ?>) a);
            ((Map<?, ?>) b).forEach((x, n) -> sum.merge(x, n, (p, q) -> (Long) p + (Long) q));
            return sum;
          } : null, 1L << 20);
      default -> session
          ? new FoldAggregate(k -> 0L, (acc, v, k) -> (Long) acc + (Long) v, (a, b, k) -> (Long) a + (Long) b, 1L << 20)
          : new FoldAggregate(k -> 7L, (acc, v, k) -> ((Long) acc * 17 + (Long) v) % 1_000_003L, null, 1L << 20);
    };
  }

  /** The aggregates of docs/reference.md computed from a window's items (in arrival order). */
  static Function<List<Oracle.Item>, Object> oracleAggregate(Scenario sc) {
    boolean session = sc.windower().session();
    Comparator<Oracle.Item> byTime = Comparator.comparingLong(Oracle.Item::time).thenComparingLong(Oracle.Item::seq);
    return items -> switch (sc.aggregate()) {
      case "count" -> (long) items.size();
      case "sum" -> items.stream().mapToLong(i -> (Long) i.value()).sum();
      case "mean" -> items.stream().mapToLong(i -> (Long) i.value()).average().orElseThrow();
      case "collect" -> items.stream().sorted(byTime).map(Oracle.Item::value).toList();
      case "min" -> items.stream().map(i -> (Long) i.value()).min(Long::compare).orElseThrow();
      case "max" -> items.stream().map(i -> (Long) i.value()).max(Long::compare).orElseThrow();
      case "first" -> items.stream().min(byTime).orElseThrow().value();
      case "last" -> items.stream().max(Comparator.comparingLong(Oracle.Item::time)
          .thenComparingLong(Oracle.Item::seq)).orElseThrow().value();
      case "reduce" -> {
        long acc = (Long) items.get(0).value();
        for (int i = 1; i < items.size(); i++) {
          acc = session ? acc + (Long) items.get(i).value() : (acc * 31 + (Long) items.get(i).value()) % 1_000_003L;
        }
        yield acc;
      }
      case "countmap" -> {
        Map<Object, Object> counts = new java.util.LinkedHashMap<>();
        for (Oracle.Item i : items) {
          counts.merge((Long) i.value() % 5, 1L, (a, b) -> (Long) a + (Long) b);
        }
        yield counts;
      }
      default -> {
        long acc = session ? 0 : 7;
        for (Oracle.Item i : items) {
          acc = session ? acc + (Long) i.value() : (acc * 17 + (Long) i.value()) % 1_000_003L;
        }
        yield acc;
      }
    };
  }

  /** Per key, the same outputs in the same order; no order is promised between keys. */
  static void assertSameOutputs(List<Recorder.Out> expected, List<Recorder.Out> actual, String what) {
    Map<String, List<Recorder.Out>> e = byKey(expected);
    Map<String, List<Recorder.Out>> a = byKey(actual);
    if (e.equals(a)) {
      return;
    }
    for (String k : new java.util.TreeSet<>(java.util.Set.copyOf(e.keySet()))) {
      List<Recorder.Out> ek = e.getOrDefault(k, List.of());
      List<Recorder.Out> ak = a.getOrDefault(k, List.of());
      for (int i = 0; i < Math.max(ek.size(), ak.size()); i++) {
        Recorder.Out x = i < ek.size() ? ek.get(i) : null;
        Recorder.Out y = i < ak.size() ? ak.get(i) : null;
        if (!java.util.Objects.equals(x, y)) {
          throw new AssertionError(what + ": key " + k + " output #" + i + " expected " + x + " but was " + y);
        }
      }
    }
    throw new AssertionError(what + ": different keys " + e.keySet() + " vs " + a.keySet());
  }

  public static Map<String, List<Recorder.Out>> byKey(List<Recorder.Out> outs) {
    Map<String, List<Recorder.Out>> m = new java.util.TreeMap<>();
    for (Recorder.Out o : outs) {
      Object v = o.value() instanceof Double d ? Math.round(d * 1e9) / 1e9 : o.value();
      m.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(new Recorder.Out(o.key(), o.open(), o.close(), v));
    }
    return m;
  }

  static List<String> sorted(List<Recorder.Late> late) {
    return late.stream().map(Object::toString).sorted().toList();
  }
}
