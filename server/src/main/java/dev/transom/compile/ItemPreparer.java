package dev.transom.compile;

import dev.transom.definition.AggregateDef;
import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.expr.Expr;
import dev.transom.expr.ExprFailure;
import dev.transom.windowing.ValueKinds;

/**
 * The stateless half of a pipeline: steps, then key, time, value and rank of each event. Holds no
 * window state, so any thread may call it; the server prepares events where they arrive and sends
 * each to the partition that owns its key.
 */
public final class ItemPreparer {
  /**
   * An event ready for the window operator; {@code item} is the event after the steps. Mutable so
   * the one-thread path ({@code run}) can reuse one holder instead of allocating per event.
   */
  public static final class Prepared {
    String key;
    long timeMicros;
    Object value;
    Object rank;
    Object item;

    public String key() {
      return key;
    }

    public long timeMicros() {
      return timeMicros;
    }

    public Object value() {
      return value;
    }

    public Object rank() {
      return rank;
    }

    public Object item() {
      return item;
    }
  }

  private final StepChain steps;
  private final Expr key;
  private final Expr value;
  private final Expr rank;
  private final Expr timestamp;
  private final double unitMicros;

  public ItemPreparer(PipelineDef def) {
    this.steps = new StepChain("steps", def.steps(), false);
    this.key = def.key();
    this.value = def.valueExpr();
    this.rank = def.aggregate() instanceof AggregateDef.Extreme x ? x.by() : null;
    if (def.clock() instanceof ClockDef.Event e) {
      this.timestamp = e.timestamp();
      this.unitMicros = e.unitMicros();
    } else {
      this.timestamp = null;
      this.unitMicros = 1;
    }
  }

  /**
   * The prepared event, or {@code null} when a filter dropped it or an expression failed on it
   * (the failure has then gone to {@code failures}).
   */
  public Prepared prepare(Object event, StepChain.Failures failures) {
    Prepared p = new Prepared();
    return prepare(event, failures, p) ? p : null;
  }

  /** Like {@link #prepare(Object, StepChain.Failures)}, into {@code into}; false when dropped or failed. */
  public boolean prepare(Object event, StepChain.Failures failures, Prepared into) {
    Object meta = WithMeta.NONE;
    if (event instanceof WithMeta m) {
      event = m.event();
      meta = m.meta();
    }
    Object item = event;
    if (!steps.isEmpty()) {
      item = steps.apply(event, meta, failures);
      if (item == StepChain.GONE) {
        return false;
      }
    }
    String k;
    try {
      k = keyOf(key.eval2(item, meta));
    } catch (ExprFailure e) {
      failures.fail("key", e.getMessage(), item);
      return false;
    }
    long t = 0;
    if (timestamp != null) {
      try {
        t = Timestamps.toMicros(timestamp.eval2(item, meta), unitMicros);
      } catch (ExprFailure e) {
        failures.fail("clock.timestamp", e.getMessage(), item);
        return false;
      }
    }
    Object v;
    try {
      v = value == null ? item : value.eval2(item, meta);
    } catch (ExprFailure e) {
      failures.fail("value", e.getMessage(), item);
      return false;
    }
    Object by = null;
    if (rank != null) {
      try {
        by = rank.eval2(v, k);
      } catch (ExprFailure e) {
        failures.fail("aggregate.by", e.getMessage(), item);
        return false;
      }
    }
    into.key = k;
    into.timeMicros = t;
    into.value = v;
    into.rank = by;
    into.item = item;
    return true;
  }

  /** docs/semantics.md: a string as is, an int or a bool as its text; anything else is an item error. */
  static String keyOf(Object k) throws ExprFailure {
    if (k instanceof String s) {
      return s;
    }
    if (k instanceof Long || k instanceof Boolean) {
      return k.toString();
    }
    throw new ExprFailure("must give a string, an int or a bool, got " + ValueKinds.withArticle(k)
        + " (write string(...) or int(...) to say which)");
  }
}
