package dev.transom.compile;

import dev.transom.definition.AggregateDef;
import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.expr.Expr;

/**
 * What changed between two versions of a pipeline, for reload (README: hot reload): the windowing part (key,
 * value, clock, window, aggregate) decides whether open windows can be kept.
 */
public final class PlanDiff {
  private PlanDiff() {}

  /** A text that differs exactly when the windowing of two definitions differs. */
  public static String windowingFingerprint(PipelineDef d) {
    StringBuilder sb = new StringBuilder();
    sb.append("key=").append(text(d.key())).append('\n');
    sb.append("value=").append(text(d.valueExpr())).append('\n');
    if (d.clock() instanceof ClockDef.Event e) {
      sb.append("clock=event ts=").append(text(e.timestamp())).append(" wait=").append(e.waitMicros())
          .append(" unit=").append(e.unitMicros()).append(" scope=").append(e.pipelineScope() ? "pipeline" : "key");
    } else {
      sb.append("clock=system");
    }
    sb.append('\n').append("window=").append(d.window()).append('\n');
    AggregateDef a = d.aggregate();
    if (a instanceof AggregateDef.Reduce r) {
      sb.append("reduce=").append(text(r.reducer()));
    } else if (a instanceof AggregateDef.Fold f) {
      sb.append("fold=").append(text(f.init())).append(" | ").append(text(f.step())).append(" | ").append(text(f.merge()));
    } else if (a instanceof AggregateDef.Extreme x) {
      sb.append(x.max() ? "max" : "min").append(" by=").append(text(x.by()));
    } else {
      sb.append(((AggregateDef.Builtin) a).name());
    }
    long maxSize = a instanceof AggregateDef.Reduce r ? r.maxSize() : a instanceof AggregateDef.Fold f ? f.maxSize()
        : a instanceof AggregateDef.Builtin b && b.name().equals("collect") ? b.maxSize() : AggregateDef.DEFAULT_MAX_SIZE;
    if (maxSize != AggregateDef.DEFAULT_MAX_SIZE) {
      // Only when given: fingerprints (and so checkpoints) from before the limit existed still match.
      sb.append(" max_size=").append(maxSize);
    }
    return sb.toString();
  }

  private static String text(Expr e) {
    return e == null ? "-" : e.text().strip();
  }
}
