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

  /**
   * When this is {@code VARIABLE.with(k1, v1).with(k2, v2)...} on the scope's variable number
   * {@code variable} (e.g. {@code acc.with(value, acc.get(value, 0) + 1)}): {@code k1, v1, k2, v2,
   * ...} as expressions of the same scope, each giving what it gives inside the chain (all read the
   * variable as it is before any entry is set); else {@code null}. Lets a fold set the entries in
   * a map it owns instead of copying the map per item. Given for {@link ExprScope#STEP} only, and
   * never when an argument is the bare variable itself (setting a map into itself).
   */
  default java.util.List<Expr> withChainOn(int variable) {
    return null;
  }
}
