package dev.transom.compile;

import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.StepDef;
import dev.transom.expr.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An event together with what its source knows of it, which expressions read as {@code meta}
 * (a Kafka record's key, timestamp, topic, partition and offset). Only a source whose pipeline reads
 * {@code meta} wraps its events: the others pay nothing for it.
 */
public record WithMeta(Object event, Map<String, Object> meta) {
  /** {@code meta} of an event whose source says nothing of it. */
  public static final Map<String, Object> NONE = Map.of();

  /** The name {@code meta} as an identifier: not a field ({@code event.meta}) and not part of a longer name. */
  private static final Pattern NAME = Pattern.compile("(?<![\\w.])meta\\b");

  /**
   * Whether an expression of the event scope may read {@code meta}. Read from the text, so a
   * string that contains the word counts too: that only costs the wrapping, never a wrong result.
   */
  public static boolean readBy(PipelineDef def) {
    List<Expr> exprs = new ArrayList<>();
    exprs.add(def.key());
    exprs.add(def.valueExpr());
    def.steps().stream().map(StepDef::expr).forEach(exprs::add);
    if (def.clock() instanceof ClockDef.Event e) {
      exprs.add(e.timestamp());
    }
    return exprs.stream().anyMatch(x -> x != null && NAME.matcher(x.text()).find());
  }
}
