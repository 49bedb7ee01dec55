package dev.transom.expr;

import java.util.List;

/** The places an expression can stand, each with its own variables (docs/reference.md, expressions). */
public enum ExprScope {
  /**
   * {@code steps[]}, {@code key}, {@code value}, {@code clock.timestamp}: the event, and {@code meta},
   * what the source knows of it (a Kafka record's key, timestamp, topic, partition and offset; an
   * empty map for other sources).
   */
  EVENT(List.of("event", "meta")),
  /** {@code aggregate.reduce}, {@code aggregate.fold.step}. */
  STEP(List.of("acc", "value", "key")),
  /** {@code aggregate.fold.init}. */
  INIT(List.of("key")),
  /** {@code aggregate.fold.merge}. */
  MERGE(List.of("acc", "other", "key")),
  /** {@code aggregate.min.by}, {@code aggregate.max.by}. */
  RANK(List.of("value", "key")),
  /** {@code then[]}. */
  RESULT(List.of("result"));

  private final List<String> variables;

  ExprScope(List<String> variables) {
    this.variables = variables;
  }

  public List<String> variables() {
    return variables;
  }
}
