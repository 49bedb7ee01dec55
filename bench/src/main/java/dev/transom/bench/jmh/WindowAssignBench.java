package dev.transom.bench.jmh;

import dev.transom.windowing.SlidingWindower;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Window assignment alone: which windows an item time falls in (exact floor division on
 * microseconds), for tumbling 1 s and sliding 10 s / 1 s with an alignment.
 * Returns a sum of window opens so the work cannot be dropped.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WindowAssignBench {
  private static final long SECOND = 1_000_000L;
  private final SlidingWindower tumbling = new SlidingWindower(SECOND, SECOND, 0);
  private final SlidingWindower sliding = new SlidingWindower(10 * SECOND, SECOND, 123_456);
  private long[] times;
  private int next;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    times = new long[1 << 16];
    for (int i = 0; i < times.length; i++) {
      times[i] = 1_700_000_000L * SECOND + r.nextLong(3_600 * SECOND) - (r.nextBoolean() ? 1_800 * SECOND : 0);
    }
  }

  @Benchmark
  public long tumbling() {
    return assign(tumbling);
  }

  @Benchmark
  public long sliding() {
    return assign(sliding);
  }

  private long assign(SlidingWindower w) {
    long t = times[next++ & (times.length - 1)];
    long sum = 0;
    for (long i = w.firstIndex(t), last = w.lastIndex(t); i <= last; i++) {
      sum += w.openOf(i);
    }
    return sum;
  }
}
