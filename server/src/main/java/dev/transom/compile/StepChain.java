package dev.transom.compile;

import dev.transom.definition.StepDef;
import dev.transom.expr.ExprFailure;
import dev.transom.windowing.ValueKinds;
import java.util.List;

/** A list of stateless filter/map steps ({@code steps:} before windowing, {@code then:} after). */
public final class StepChain {
  /** What {@link #apply} returns for an item a filter dropped or a step failed on. */
  static final Object GONE = new Object();

  /** Receives a step's failure on an item. */
  public interface Failures {
    void fail(String field, String message, Object item);
  }

  private final String name;
  private final List<StepDef> steps;
  private final boolean mapMustGiveMap;

  /** @param mapMustGiveMap {@code then} maps produce the record to write, so they must give a map */
  StepChain(String name, List<StepDef> steps, boolean mapMustGiveMap) {
    this.name = name;
    this.steps = steps;
    this.mapMustGiveMap = mapMustGiveMap;
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The item after every step, or {@link #GONE} (a failure has then been reported). */
  Object apply(Object item, Failures failures) {
    return apply(item, null, failures);
  }

  /** Like {@link #apply(Object, Failures)}, for steps that also read the event's {@code meta}. */
  Object apply(Object item, Object meta, Failures failures) {
    for (int i = 0; i < steps.size(); i++) {
      StepDef step = steps.get(i);
      String field = name + "[" + i + "]." + (step.filter() ? "filter" : "map");
      Object r;
      try {
        r = meta == null ? step.expr().eval1(item) : step.expr().eval2(item, meta);
      } catch (ExprFailure e) {
        failures.fail(field, e.getMessage(), item);
        return GONE;
      }
      if (step.filter()) {
        if (!(r instanceof Boolean keep)) {
          failures.fail(field, "must give a bool, got " + ValueKinds.withArticle(r), item);
          return GONE;
        }
        if (!keep) {
          return GONE;
        }
      } else if (mapMustGiveMap && !(r instanceof java.util.Map)) {
        failures.fail(field, "must give a map (the record to write), got " + ValueKinds.withArticle(r), item);
        return GONE;
      } else {
        item = r;
      }
    }
    return item;
  }
}
