package dev.transom.bench.jmh;

import dev.transom.io.FieldProjection;
import dev.transom.io.JsonValues;
import dev.transom.io.ObjectLines;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One line of the standard workload read three ways: built in full as the general path does (a
 * parser per line), built in full by one reused parser (the HTTP ingest route), and projected to
 * the three fields a simple pipeline reads ({@code run}'s direct path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBench {
  private final byte[] line =
      "{\"user\":\"u8302\",\"clicks\":2,\"page\":\"/p/37\",\"ts\":\"2024-05-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
  private final FieldProjection projection = new FieldProjection("user", "clicks", "ts");
  private final Object[] values = new Object[3];
  private final ObjectLines objectLines = new ObjectLines();

  @Benchmark
  public Object fullEvent() throws Exception {
    return JsonValues.parse(line, 0, line.length);
  }

  @Benchmark
  public Object fullEventReusedParser() {
    return objectLines.read(line, 0, line.length);
  }

  @Benchmark
  public Object projectedFields() {
    projection.read(line, 0, line.length, values);
    return values[0];
  }
}
