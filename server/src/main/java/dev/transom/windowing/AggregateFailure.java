package dev.transom.windowing;

/**
 * An aggregate could not take a value into one window (a failing reduce step, values that do not
 * compare). The item is skipped in that window only (docs/semantics.md). Thrown often on bad data, so
 * it carries no stack trace.
 */
public final class AggregateFailure extends Exception {
  public AggregateFailure(String message) {
    super(message, null, false, false);
  }
}
