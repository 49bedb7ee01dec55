package dev.transom.windowing;

/**
 * A user function over accumulators, supplied from outside the core (the compile layer wraps a
 * CEL expression in it): {@code (acc, value, key) -> acc} for reduce and fold steps, and
 * {@code (earlier, later, key) -> acc} for merges.
 */
@FunctionalInterface
public interface Combiner {
  Object apply(Object acc, Object value, String key) throws AggregateFailure;
}
