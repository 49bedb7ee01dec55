package dev.transom.expr;

/** What an expression is known to give, as far as the type checker can tell. */
public enum ResultKind {
  BOOL, INT, UINT, DOUBLE, STRING, BYTES, TIMESTAMP, DURATION, LIST, MAP, NULL, DYN, OTHER;

  /** Lowercase CEL name for messages. */
  public String celName() {
    return switch (this) {
      case NULL -> "null";
      case DYN -> "dyn";
      default -> name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
