package dev.transom.bench.jmh;

import dev.transom.windowing.EventClock;
import dev.transom.windowing.SessionWindower;
import dev.transom.windowing.SlidingWindower;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSink;
import dev.transom.windowing.Windower;
import dev.transom.windowing.aggregate.SumAggregate;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The window operator per item, with nothing around it: the standard workload's shape (10k users,
 * 100k items per second of event time, one in ten up to 1 s late, per-key event clocks waiting
 * 2 s), sum of numbers, for each windower. Keys, times and boxed values are made in advance, so
 * what is measured is the operator: key lookup, clock, window assignment, accumulate, close, emit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OperatorBench {
  private static final int ITEMS = 1 << 20;
  private static final long SECOND = 1_000_000L;

  @Param({"tumbling", "sliding", "session"})
  public String windower;

  private String[] keys;
  private long[] disorder;
  private Long[] values;
  private WindowOperator op;
  private BlackholeSink sink;
  private long next;
  private final long nowBase = 1_700_000_000L * SECOND;

  @Setup
  public void setup(Blackhole bh) {
    SplittableRandom r = new SplittableRandom(42);
    String[] users = new String[10_000];
    for (int i = 0; i < users.length; i++) {
      users[i] = "user-" + i;
    }
    keys = new String[ITEMS];
    disorder = new long[ITEMS];
    values = new Long[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      keys[i] = users[r.nextInt(users.length)];
      disorder[i] = r.nextInt(10) == 0 ? r.nextLong(SECOND) : 0;
      values[i] = (long) r.nextInt(1, 10);
    }
    Windower w = switch (windower) {
      case "tumbling" -> new TumblingWindower(SECOND, 0);
      case "sliding" -> new SlidingWindower(10 * SECOND, SECOND, 0);
      default -> new SessionWindower(5 * SECOND);
    };
    op = new WindowOperator(new EventClock(2 * SECOND, false), w, new SumAggregate(false));
    sink = new BlackholeSink(bh);
  }

  @Benchmark
  public void processOneItem() {
    long n = next++;
    int i = (int) (n & (ITEMS - 1));
    // Event time advances 10 µs per item (100k items/s), system time 1 µs per item.
    long eventTime = nowBase + n * 10 - disorder[i];
    op.process(keys[i], eventTime, values[i], null, nowBase + n, sink);
  }

  static final class BlackholeSink implements WindowSink {
    private final Blackhole bh;

    BlackholeSink(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void window(String key, long openMicros, long closeMicros, Object value) {
      bh.consume(value);
    }

    @Override
    public void late(String key, long t, long wm, Object value, long openMicros, long closeMicros) {
      bh.consume(value);
    }

    @Override
    public void itemError(String key, String message) {
      bh.consume(message);
    }
  }
}
