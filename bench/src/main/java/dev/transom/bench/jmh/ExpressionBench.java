package dev.transom.bench.jmh;

import dev.transom.expr.Expr;
import dev.transom.expr.ExprScope;
import dev.transom.expr.Expressions;
import java.util.LinkedHashMap;
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
 * Expression evaluation on one parsed event: a plain field path (Transom's fast path, no CEL), a
 * filter and a computed value through CEL, and a reduce step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpressionBench {
  private Map<String, Object> event;
  private Expr fieldPath;
  private Expr filter;
  private Expr computed;
  private Expr reduce;
  private final Long acc = 41L;
  private final Long value = 1L;

  @Setup
  public void setup() throws Exception {
    event = new LinkedHashMap<>();
    event.put("user", "user-42");
    event.put("clicks", 3L);
    event.put("ts", "2026-11-24T10:00:00.123Z");
    fieldPath = Expressions.compile("event.user", ExprScope.EVENT);
    filter = Expressions.compile("event.clicks > 2 && event.user != 'bot'", ExprScope.EVENT);
    computed = Expressions.compile("event.clicks * 2 + 1", ExprScope.EVENT);
    reduce = Expressions.compile("acc + value", ExprScope.STEP);
  }

  @Benchmark
  public Object fieldPathFastPath() throws Exception {
    return fieldPath.eval1(event);
  }

  @Benchmark
  public Object celFilter() throws Exception {
    return filter.eval1(event);
  }

  @Benchmark
  public Object celComputedValue() throws Exception {
    return computed.eval1(event);
  }

  @Benchmark
  public Object celReduceStep() throws Exception {
    return reduce.eval3(acc, value, "user-42");
  }
}
