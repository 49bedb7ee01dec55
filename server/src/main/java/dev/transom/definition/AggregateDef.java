package dev.transom.definition;

import dev.transom.expr.Expr;

/** {@code aggregate:} — exactly one way to combine a window's values. */
public sealed interface AggregateDef {
  record Reduce(Expr reducer) implements AggregateDef {}

  /** {@code merge} is {@code null} unless given (required for sessions). */
  record Fold(Expr init, Expr step, Expr merge) implements AggregateDef {}

  /** {@code count}, {@code sum}, {@code mean}, {@code collect}, {@code first}, {@code last}. */
  record Builtin(String name) implements AggregateDef {}

  /** {@code min} / {@code max}, with an optional {@code by} expression. */
  record Extreme(boolean max, Expr by) implements AggregateDef {}
}
