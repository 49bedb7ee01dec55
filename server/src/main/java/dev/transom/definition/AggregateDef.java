package dev.transom.definition;

import dev.transom.expr.Expr;

/**
 * {@code aggregate:} — exactly one way to combine a window's values. {@code maxSize} is
 * {@code aggregate.max_size} in bytes (estimated as JSON), the limit of a growing accumulator:
 * {@code reduce}, {@code fold} and {@code collect} only.
 */
public sealed interface AggregateDef {
  /** {@code aggregate.max_size} when it is not given: room for a count per value of a few hundred thousand values. */
  long DEFAULT_MAX_SIZE = 4L << 20;

  record Reduce(Expr reducer, long maxSize) implements AggregateDef {}

  /** {@code merge} is {@code null} unless given (required for sessions). */
  record Fold(Expr init, Expr step, Expr merge, long maxSize) implements AggregateDef {}

  /** {@code count}, {@code sum}, {@code mean}, {@code collect}, {@code first}, {@code last}; {@code maxSize} is for collect. */
  record Builtin(String name, long maxSize) implements AggregateDef {}

  /** {@code min} / {@code max}, with an optional {@code by} expression. */
  record Extreme(boolean max, Expr by) implements AggregateDef {}
}
