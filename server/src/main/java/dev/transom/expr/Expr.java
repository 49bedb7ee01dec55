package dev.transom.expr;

/**
 * A compiled expression. Arguments are bound positionally in the order of its scope's
 * {@link ExprScope#variables()}: {@code eval1} for one variable, {@code eval3} for three.
 * Implementations are immutable and thread-safe.
 */
public interface Expr {
  String text();

  ResultKind resultKind();

  Object eval1(Object a) throws ExprFailure;

  Object eval2(Object a, Object b) throws ExprFailure;

  Object eval3(Object a, Object b, Object c) throws ExprFailure;

  /**
   * The field read when this is exactly {@code VARIABLE.FIELD} for the scope's variable number
   * {@code variable} (e.g. {@code event.user} → {@code user}), else {@code null}.
   */
  default String singleFieldOf(int variable) {
    return null;
  }
}
