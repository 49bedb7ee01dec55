package dev.transom.compile;

import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.expr.CelValues;
import dev.transom.expr.Expr;
import dev.transom.expr.ExprFailure;
import dev.transom.windowing.Micros;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.WindowSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One running pipeline's data path, without threads or I/O: event → steps → key, time, value →
 * window operator → output records → {@code then} steps → {@link Outputs}. Used as is by
 * {@code run}; the server drives one per partition of keys. Not thread-safe.
 */
public final class PipelineExecution implements WindowSink {
  private final PipelineDef def;
  private final WindowOperator operator;
  private final Outputs outputs;
  private final StepChain steps;
  private final StepChain then;
  private final Expr key;
  private final Expr value;
  private final Expr rank;
  private final Expr timestamp;
  private final double unitMicros;
  private Object current;
  private long in;
  private long out;
  private long late;
  private long errors;
  private long filtered;

  PipelineExecution(Plan plan, Outputs outputs) {
    this.def = plan.definition();
    this.operator = new WindowOperator(plan.clock(), plan.windower(), plan.aggregate());
    this.outputs = outputs;
    this.steps = new StepChain("steps", def.steps(), false);
    this.then = new StepChain("then", def.then(), true);
    this.key = def.key();
    this.value = def.valueExpr();
    this.rank = def.aggregate() instanceof dev.transom.definition.AggregateDef.Extreme x ? x.by() : null;
    if (def.clock() instanceof ClockDef.Event e) {
      this.timestamp = e.timestamp();
      this.unitMicros = e.unitMicros();
    } else {
      this.timestamp = null;
      this.unitMicros = 1;
    }
  }

  /** Processes one event (a parsed JSON value) at system time {@code nowMicros}. */
  public void accept(Object event, long nowMicros) {
    in++;
    current = event;
    long errorsBefore = errors;
    Object item = steps.isEmpty() ? event : steps.apply(event, this::fail);
    if (item == StepChain.GONE) {
      if (errors == errorsBefore) {
        filtered++;
      }
      return;
    }
    String k;
    long t = 0;
    Object v;
    Object by = null;
    try {
      k = keyOf(key.eval1(item));
    } catch (ExprFailure e) {
      fail("key", e.getMessage(), item);
      return;
    }
    if (timestamp != null) {
      try {
        t = Timestamps.toMicros(timestamp.eval1(item), unitMicros);
      } catch (ExprFailure e) {
        fail("clock.timestamp", e.getMessage(), item);
        return;
      }
    }
    try {
      v = value == null ? item : value.eval1(item);
    } catch (ExprFailure e) {
      fail("value", e.getMessage(), item);
      return;
    }
    if (rank != null) {
      try {
        by = rank.eval2(v, k);
      } catch (ExprFailure e) {
        fail("aggregate.by", e.getMessage(), item);
        return;
      }
    }
    current = item;
    operator.process(k, t, v, by, nowMicros, this);
  }

  /** SEMANTICS §1: a string as is, an int or a bool as its text; anything else is an item error. */
  static String keyOf(Object k) throws ExprFailure {
    if (k instanceof String s) {
      return s;
    }
    if (k instanceof Long || k instanceof Boolean) {
      return k.toString();
    }
    throw new ExprFailure("must give a string, an int or a bool, got " + dev.transom.windowing.ValueKinds.withArticle(k)
        + " (write string(...) or int(...) to say which)");
  }

  /** A wake-up at {@code nowMicros}: emits the windows due by then. */
  public void advance(long nowMicros) {
    operator.advance(nowMicros, this);
  }

  /** End of input: every open window closes. */
  public void finish() {
    operator.finish(this);
  }

  public long nextWakeMicros() {
    return operator.nextWakeMicros();
  }

  public WindowOperator operator() {
    return operator;
  }

  public OperatorSnapshot snapshot() {
    return operator.snapshot();
  }

  public void restore(OperatorSnapshot snapshot) {
    operator.restore(snapshot);
  }

  public long inCount() {
    return in;
  }

  public long outCount() {
    return out;
  }

  public long lateCount() {
    return late;
  }

  public long errorCount() {
    return errors;
  }

  public long filteredCount() {
    return filtered;
  }

  private void fail(String field, String message, Object item) {
    errors++;
    outputs.error(new ItemError(field, message, item));
  }

  @Override
  public void window(String k, long openMicros, long closeMicros, Object result) {
    Map<String, Object> window = new LinkedHashMap<>(4);
    window.put("open_time", Micros.toInstant(openMicros));
    window.put("close_time", Micros.toInstant(closeMicros));
    Map<String, Object> record = new LinkedHashMap<>(8);
    record.put("pipeline", def.id());
    record.put("key", k);
    record.put("window", window);
    record.put("value", result);
    Object r = then.isEmpty() ? record : then.apply(record, this::fail);
    if (r == StepChain.GONE) {
      return;
    }
    out++;
    outputs.output(asRecord(r));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asRecord(Object r) {
    Map<String, Object> m = (Map<String, Object>) r;
    if (!m.containsKey("pipeline")) {
      Map<String, Object> withId = new LinkedHashMap<>();
      withId.put("pipeline", def.id());
      withId.putAll(m);
      return withId;
    }
    return m;
  }

  @Override
  public void late(String k, long itemTimeMicros, long watermarkMicros, Object v, long openMicros, long closeMicros) {
    late++;
    Map<String, Object> record = new LinkedHashMap<>(8);
    record.put("pipeline", def.id());
    record.put("key", k);
    record.put("time", Micros.toInstant(itemTimeMicros));
    record.put("watermark", watermarkMicros == Micros.POS_INFINITY ? "+inf" : Micros.toInstant(watermarkMicros));
    record.put("value", v);
    if (openMicros != WindowSink.NO_WINDOW) {
      Map<String, Object> window = new LinkedHashMap<>(4);
      window.put("open_time", Micros.toInstant(openMicros));
      window.put("close_time", Micros.toInstant(closeMicros));
      record.put("window", window);
    }
    outputs.late(record);
  }

  @Override
  public void itemError(String k, String message) {
    errors++;
    outputs.error(new ItemError("aggregate", message, current == null ? CelValues.NULL : current));
  }
}
