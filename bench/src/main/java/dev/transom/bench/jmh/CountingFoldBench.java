package dev.transom.bench.jmh;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.definition.DefinitionLoader;
import java.util.LinkedHashMap;
import java.util.Map;
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

/**
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar" org.openjdk.jmh.Main CountingFoldBench}
 *
 * <p>The reference's counting fold, {@code acc.with(value, acc.get(value, 0) + 1)}, over one window that
 * sees {@code distinct} different values once each, through the real definition and compile path
 * (the system clock puts every item in the same window; the window closes at the end). One
 * operation is the whole window: divide by {@code distinct} for the cost per item. A fold whose
 * step copies the map is quadratic here; one that sets the entry in place is linear.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CountingFoldBench {
  static final String DEFINITION = """
      name: counting-fold
      source: {kind: http}
      key: '"all"'
      value: event.v
      clock: {kind: system}
      window: {kind: tumbling, length: 1h}
      aggregate:
        fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}
      """;

  @Param({"1000", "10000", "100000"})
  public int distinct;

  private Plan plan;
  private Map<String, Object>[] events;
  private final long now = 1_700_000_000_000_000L;

  @Setup
  @SuppressWarnings("unchecked")
  public void setup() {
    DefinitionLoader.Result r = DefinitionLoader.load("counting-fold.yaml", DEFINITION);
    if (!r.ok()) {
      throw new IllegalStateException(r.problems().toString());
    }
    plan = Plan.of(r.definition());
    events = new Map[distinct];
    for (int i = 0; i < distinct; i++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("v", "value-" + i);
      events[i] = e;
    }
  }

  @Benchmark
  public Object foldOneWindow() {
    Counted out = new Counted();
    PipelineExecution exec = plan.start(out);
    for (Map<String, Object> e : events) {
      exec.accept(e, now);
    }
    exec.finish();
    if (out.errors > 0 || out.last == null) {
      throw new IllegalStateException("the fold failed: " + out.firstError);
    }
    return out.last;
  }

  static final class Counted implements Outputs {
    Object last;
    int errors;
    String firstError;

    @Override
    public void output(Map<String, Object> record) {
      last = record.get("value");
    }

    @Override
    public void late(Map<String, Object> record) {}

    @Override
    public void error(ItemError error) {
      if (errors++ == 0) {
        firstError = error.describe();
      }
    }
  }
}
