package dev.transom.expr;

/** An expression failed on one item (missing field, wrong type, overflow). No stack trace: it is data. */
public final class ExprFailure extends Exception {
  public ExprFailure(String message) {
    super(message, null, false, false);
  }
}
