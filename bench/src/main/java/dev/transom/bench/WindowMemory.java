package dev.transom.bench;

import dev.transom.windowing.EventClock;
import dev.transom.windowing.Micros;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSink;
import dev.transom.windowing.aggregate.CountAggregate;
import dev.transom.windowing.aggregate.ReduceAggregate;
import dev.transom.windowing.aggregate.SumAggregate;

/**
 * Heap bytes per open window: N keys with one open window each (count, sum, or reduce of numbers,
 * whose window holds the boxed number it has so far), measured
 * as the live heap after a full GC, minus the live heap before, divided by N. Per key and per window
 * state together, as a server holding N open windows of N keys pays it.
 *
 * <p>Run: {@code java -Xmx4g -cp "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar"
 * dev.transom.bench.WindowMemory [WINDOWS=1000000]}
 */
public final class WindowMemory {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    for (String aggregate : new String[] {"count", "sum", "reduce"}) {
      String[] keys = new String[n];
      for (int i = 0; i < n; i++) {
        keys[i] = "user-" + i; // the keys exist in the input anyway: not counted as window state
      }
      long before = used();
      WindowOperator op = new WindowOperator(new EventClock(3_600_000_000L, false), new TumblingWindower(3_600_000_000L, 0),
          switch (aggregate) {
            case "count" -> new CountAggregate();
            case "sum" -> new SumAggregate(false);
            default -> new ReduceAggregate((acc, v, k) -> (Long) acc >= (Long) v ? acc : v, 1L << 20); // max
          });
      WindowSink none = new WindowSink() {
        public void window(String k, long o, long c, Object v) {}

        public void late(String k, long t, long w, Object v, long o, long c) {}

        public void itemError(String k, String m) {}
      };
      long now = 1_700_000_000_000_000L;
      for (int i = 0; i < n; i++) {
        op.process(keys[i], now, (long) i, null, now, none);
      }
      long after = used();
      System.out.printf("%s: %,d open windows, %.0f bytes per open window (key strings excluded)%n", aggregate,
          op.openWindowCount(), (after - before) / (double) n);
      if (op.openWindowCount() != n || Micros.POS_INFINITY == 0) {
        throw new IllegalStateException("unexpected window count");
      }
    }
  }

  static long used() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
