package dev.transom.compile;

/**
 * An item that could not be processed: where (the definition field, e.g. {@code key}), why, the
 * item as it was when it failed (for display), and the input line it came from (0 when its input
 * has no lines, as a request's events). Item errors are counted and shown, never fatal.
 */
public record ItemError(String field, String message, Object item, long line) {
  public ItemError(String field, String message, Object item) {
    this(field, message, item, 0);
  }

  public String describe() {
    return field + ": " + message;
  }
}
