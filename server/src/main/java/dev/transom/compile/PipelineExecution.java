package dev.transom.compile;

import dev.transom.definition.PipelineDef;
import dev.transom.expr.CelValues;
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
  private final ItemPreparer preparer;
  /** Reads simple events straight from their line; {@code null} when this pipeline needs them built. */
  private final DirectReader direct;
  private final ItemPreparer.Prepared holder = new ItemPreparer.Prepared();
  private final StepChain.Failures failures = this::fail;
  private final StepChain then;
  /** The event being processed, for item errors; {@code null} for one read straight from its line. */
  private Object current;
  private String currentKey;
  private Object currentValue;
  private long in;
  private long out;
  private long late;
  private long errors;
  private long filtered;
  /** Items that reached the window operator (past the steps, with a key, time and value). */
  private long windowed;
  /** Windows the operator closed, before the {@code then} steps. */
  private long closed;
  /** The input line of the item being processed (0: none), for its item errors. */
  private long line;

  PipelineExecution(Plan plan, Outputs outputs) {
    this.def = plan.definition();
    this.operator = new WindowOperator(plan.clock(), plan.windower(), plan.aggregate());
    this.outputs = outputs;
    this.preparer = new ItemPreparer(def);
    this.direct = DirectReader.forPlan(plan);
    this.then = new StepChain("then", def.then(), true);
  }

  /** Processes one event (a parsed JSON value) at system time {@code nowMicros}. */
  public void accept(Object event, long nowMicros) {
    in++;
    current = event;
    long errorsBefore = errors;
    if (!preparer.prepare(event, failures, holder)) {
      if (errors == errorsBefore) {
        filtered++;
      }
      return;
    }
    process(holder, nowMicros);
  }

  /**
   * Processes one event straight from its JSON line when {@link DirectReader} can take it; false
   * (nothing done, nothing counted) when the caller must parse the line and {@link #accept} it.
   */
  public boolean acceptLine(byte[] buf, int off, int len, long nowMicros) {
    if (direct == null || !direct.read(buf, off, len, holder)) {
      return false;
    }
    in++;
    process(holder, nowMicros);
    return true;
  }

  /** Processes an event prepared elsewhere (by {@link #preparer()}, on any thread). */
  public void process(ItemPreparer.Prepared p, long nowMicros) {
    current = p.item();
    if (current == null) {
      // Read straight from its line: no event to show, but its key and value if it fails.
      currentKey = p.key();
      currentValue = p.value();
    }
    windowed++;
    operator.process(p.key(), p.timeMicros(), p.value(), p.rank(), nowMicros, this);
  }

  /** The input line the next items come from (0 when the input has none), named by their item errors. */
  public void line(long lineNo) {
    this.line = lineNo;
  }

  /** A definition's {@code then} steps, made once, applied to window output records one by one. */
  public interface ThenSteps {
    /** What the steps make of {@code record}: the new record, or null when dropped or failed (said to {@code failures}). */
    Object apply(Map<String, Object> record, StepChain.Failures failures);
  }

  public static ThenSteps thenSteps(PipelineDef def) {
    StepChain chain = new StepChain("then", def.then(), true);
    return (record, failures) -> {
      Object r = chain.isEmpty() ? record : chain.apply(record, failures);
      return r == StepChain.GONE ? null : r;
    };
  }

  /** The stateless first half of this pipeline, safe to call from any thread. */
  public ItemPreparer preparer() {
    return preparer;
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

  /** Closes the open windows of {@code key} ({@code null}: every key) now: see {@link WindowOperator#closeNow}. */
  public int closeNow(String key, long nowMicros) {
    return operator.closeNow(key, nowMicros, this);
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

  public long windowedCount() {
    return windowed;
  }

  public long closedCount() {
    return closed;
  }

  void fail(String field, String message, Object item) {
    errors++;
    outputs.error(new ItemError(field, message, item, line));
  }

  @Override
  public void window(String k, long openMicros, long closeMicros, Object result) {
    closed++;
    Map<String, Object> window = new LinkedHashMap<>(4);
    window.put("open_time", Micros.toInstant(openMicros));
    window.put("close_time", Micros.toInstant(closeMicros));
    Map<String, Object> record = new LinkedHashMap<>(8);
    record.put("pipeline", def.id());
    record.put("key", k);
    record.put("window", window);
    record.put("value", result);
    if (!then.isEmpty()) {
      outputs.beforeThen(record);
    }
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

  /** An item read straight from its line, as it was read: {@code {"key": ..., "value": ...}}. */
  private Object directItem() {
    if (currentKey == null) {
      return CelValues.NULL;
    }
    Map<String, Object> item = new LinkedHashMap<>(4);
    item.put("key", currentKey);
    item.put("value", currentValue);
    return item;
  }

  @Override
  public void itemError(String k, String message) {
    errors++;
    outputs.error(new ItemError("aggregate", message, current != null ? current : directItem(), line));
  }
}
