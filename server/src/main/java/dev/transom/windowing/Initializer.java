package dev.transom.windowing;

/** A fold's first accumulator for a key, supplied from outside the core. */
@FunctionalInterface
public interface Initializer {
  Object init(String key) throws AggregateFailure;
}
