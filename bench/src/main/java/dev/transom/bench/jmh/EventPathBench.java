package dev.transom.bench.jmh;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.definition.DefinitionLoader;
import dev.transom.expr.ExprFailure;
import dev.transom.expr.ExprScope;
import dev.transom.expr.Expr;
import dev.transom.expr.Expressions;
import dev.transom.io.FieldProjection;
import dev.transom.io.JsonValues;
import dev.transom.io.ObjectLines;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar" org.openjdk.jmh.Main EventPathBench}
 *
 * <p>The per-event checks against bad input, on a line full of doubles (where they do their work):
 * every double read must be finite (the general parse and the reused parser of HTTP ingest),
 * numbers skipped by the projection are looked at for an exponent, a CEL result that is a double
 * is checked, and the direct path asks the sum whether it surely takes the value and checks its
 * total. UTF-8 needs no check of its own: the parser already refuses bad bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(2)
public class EventPathBench {
  private final byte[] line = ("{\"user\":\"u8302\",\"price\":12.5,\"lat\":48.8566,\"lon\":2.3522,\"score\":1.5e3,"
      + "\"page\":\"/p/37\",\"ts\":\"2024-05-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
  private final FieldProjection projection = new FieldProjection("user", "price", "ts");
  private final Object[] values = new Object[3];
  private final ObjectLines objectLines = new ObjectLines();
  private Expr celDouble;
  private Map<String, Object> event;
  private PipelineExecution direct;
  private long now = 1_714_521_600_000_000L;

  @Setup
  public void setup() throws Exception {
    celDouble = Expressions.compile("event.price * 1.5", ExprScope.EVENT);
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = (Map<String, Object>) JsonValues.parse(line, 0, line.length);
    event = parsed;
    DefinitionLoader.Result r = DefinitionLoader.load("b.yaml", "name: b\nsource: {kind: http}\nkey: event.user\n"
        + "value: event.price\nclock: {kind: system}\nwindow: {kind: tumbling, length: 1h}\naggregate: {sum: true}\n");
    direct = Plan.of(r.definition()).start(new Outputs() {
      @Override
      public void output(Map<String, Object> record) {}

      @Override
      public void late(Map<String, Object> record) {}

      @Override
      public void error(ItemError error) {
        throw new IllegalStateException(error.toString());
      }
    });
  }

  @Benchmark
  public Object generalParse() throws Exception {
    return JsonValues.parse(line, 0, line.length);
  }

  @Benchmark
  public Object reusedParser() {
    return objectLines.read(line, 0, line.length);
  }

  @Benchmark
  public Object projectedSkippingDoubles() {
    projection.read(line, 0, line.length, values);
    return values[1];
  }

  @Benchmark
  public Object celGivingADouble() throws ExprFailure {
    return celDouble.eval1(event);
  }

  @Benchmark
  public boolean directLineIntoASumOfDoubles() {
    return direct.acceptLine(line, 0, line.length, now++);
  }
}
