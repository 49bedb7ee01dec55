package dev.transom.compile;

/**
 * An item that could not be processed: where (the definition field, e.g. {@code key}), why, and the
 * item as it was when it failed (for display). Item errors are counted and shown, never fatal.
 */
public record ItemError(String field, String message, Object item) {
  public String describe() {
    return field + ": " + message;
  }
}
