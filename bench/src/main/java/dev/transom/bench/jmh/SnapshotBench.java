package dev.transom.bench.jmh;

import dev.transom.state.SnapshotCodec;
import dev.transom.windowing.EventClock;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSink;
import dev.transom.windowing.aggregate.SumAggregate;
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
 * Checkpoint encoding: the operator state of 10k keys, each with two open tumbling windows
 * holding a sum, taken as a snapshot and encoded to bytes (and decoded back, as recovery does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnapshotBench {
  private static final long SECOND = 1_000_000L;
  private WindowOperator op;
  private byte[] encoded;

  @Setup
  public void setup() {
    op = new WindowOperator(new EventClock(2 * SECOND, false), new TumblingWindower(SECOND, 0), new SumAggregate(false));
    WindowSink none = new WindowSink() {
      public void window(String k, long o, long c, Object v) {}

      public void late(String k, long t, long w, Object v, long o, long c) {}

      public void itemError(String k, String m) {}
    };
    long now = 1_700_000_000L * SECOND;
    for (int i = 0; i < 10_000; i++) {
      op.process("user-" + i, now, 3L, null, now, none);
      op.process("user-" + i, now + SECOND, 4L, null, now, none);
    }
    encoded = SnapshotCodec.encode(op.snapshot());
    if (op.openWindowCount() != 20_000) {
      throw new IllegalStateException("expected 20,000 open windows, got " + op.openWindowCount());
    }
  }

  @Benchmark
  public byte[] snapshotAndEncode10kKeys() {
    return SnapshotCodec.encode(op.snapshot());
  }

  @Benchmark
  public OperatorSnapshot decode10kKeys() throws Exception {
    return SnapshotCodec.decode(encoded);
  }
}
