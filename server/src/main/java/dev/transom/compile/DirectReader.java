package dev.transom.compile;

import dev.transom.definition.AggregateDef;
import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.expr.ExprFailure;
import dev.transom.io.FieldProjection;
import dev.transom.windowing.Aggregate;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares an event straight from its JSON line when the pipeline only reads plain top-level
 * fields of it ({@code key: event.user}, {@code value: event.clicks}, {@code timestamp: event.ts}),
 * has no steps and a built-in aggregate: the fields are read, everything else skipped, and no map
 * is built for the event.
 *
 * <p>It takes a line only when the general path would prepare it the same way and the aggregate
 * would accept it; any other line (malformed, a field missing or of the wrong kind, a value the
 * aggregate rejects) is left to the general path, which reports it with the whole event. Built-in
 * aggregates never fail once a value is accepted, so an item taken here never needs its event.
 */
public final class DirectReader {
  private final FieldProjection projection;
  private final Object[] values;
  private final int keyAt;
  private final int valueAt;
  private final int timeAt;
  private final double unitMicros;
  private final Aggregate aggregate;

  private DirectReader(List<String> fields, int keyAt, int valueAt, int timeAt, double unitMicros, Aggregate aggregate) {
    this.projection = new FieldProjection(fields.toArray(String[]::new));
    this.values = new Object[fields.size()];
    this.keyAt = keyAt;
    this.valueAt = valueAt;
    this.timeAt = timeAt;
    this.unitMicros = unitMicros;
    this.aggregate = aggregate;
  }

  /** A reader for {@code plan}, or {@code null} when its events must be built in full. */
  public static DirectReader forPlan(Plan plan) {
    PipelineDef def = plan.definition();
    if (!def.steps().isEmpty() || !(def.aggregate() instanceof AggregateDef.Builtin) || def.valueExpr() == null) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    int keyAt = indexOf(fields, def.key().singleFieldOf(0));
    int valueAt = indexOf(fields, def.valueExpr().singleFieldOf(0));
    int timeAt = -1;
    double unit = 1;
    if (def.clock() instanceof ClockDef.Event e) {
      timeAt = indexOf(fields, e.timestamp().singleFieldOf(0));
      unit = e.unitMicros();
      if (timeAt < 0) {
        return null;
      }
    }
    if (keyAt < 0 || valueAt < 0) {
      return null;
    }
    return new DirectReader(fields, keyAt, valueAt, timeAt, unit, plan.aggregate());
  }

  private static int indexOf(List<String> fields, String field) {
    if (field == null) {
      return -1;
    }
    int i = fields.indexOf(field);
    if (i < 0) {
      fields.add(field);
      i = fields.size() - 1;
    }
    return i;
  }

  /**
   * Prepares the event on {@code buf[off, off+len)} into {@code into}; false when the line needs
   * the general path. Not thread-safe (one reader per reading thread).
   */
  public boolean read(byte[] buf, int off, int len, ItemPreparer.Prepared into) {
    if (!projection.read(buf, off, len, values)) {
      return false;
    }
    Object k = values[keyAt];
    Object v = values[valueAt];
    if (k == null || v == null || aggregate.reject(v, null) != null || !aggregate.alwaysTakes(v)) {
      return false;
    }
    long t = 0;
    try {
      into.key = ItemPreparer.keyOf(k);
      if (timeAt >= 0) {
        Object time = values[timeAt];
        if (time == null) {
          return false;
        }
        t = Timestamps.toMicros(time, unitMicros);
      }
    } catch (ExprFailure e) {
      return false;
    }
    into.timeMicros = t;
    into.value = v;
    into.rank = null;
    into.item = null;
    return true;
  }
}
