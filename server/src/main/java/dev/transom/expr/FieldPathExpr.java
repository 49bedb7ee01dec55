package dev.transom.expr;

import java.util.Map;

/**
 * Fast path for the most common expressions, a variable or a chain of field reads
 * ({@code event.user}, {@code value}): plain map lookups instead of a CEL evaluation
 * (measured here: ~80–250 ns per CEL evaluation against a few ns for this).
 * The text was already compiled by CEL, so it is valid.
 */
final class FieldPathExpr implements Expr {
  private final String text;
  private final int variable;
  private final String variableName;
  private final String[] fields;

  FieldPathExpr(String text, int variable, String variableName, String[] fields) {
    this.text = text;
    this.variable = variable;
    this.variableName = variableName;
    this.fields = fields;
  }

  @Override
  public String text() {
    return text;
  }

  @Override
  public ResultKind resultKind() {
    return ResultKind.DYN;
  }

  @Override
  public String singleFieldOf(int variable) {
    return this.variable == variable && fields.length == 1 ? fields[0] : null;
  }

  @Override
  public Object eval1(Object a) throws ExprFailure {
    return walk(a);
  }

  @Override
  public Object eval2(Object a, Object b) throws ExprFailure {
    return walk(variable == 0 ? a : b);
  }

  @Override
  public Object eval3(Object a, Object b, Object c) throws ExprFailure {
    return walk(variable == 0 ? a : variable == 1 ? b : c);
  }

  private Object walk(Object v) throws ExprFailure {
    for (int i = 0; i < fields.length; i++) {
      if (!(v instanceof Map<?, ?> m)) {
        throw new ExprFailure(path(i) + " is " + dev.transom.windowing.ValueKinds.withArticle(v) + ", not a map: cannot read '" + fields[i] + "'");
      }
      Object next = m.get(fields[i]);
      if (next == null) {
        throw new ExprFailure("no such key: " + path(i + 1));
      }
      v = next;
    }
    if (v == null) {
      throw new ExprFailure("no such variable: " + variableName);
    }
    return v;
  }

  private String path(int upTo) {
    StringBuilder sb = new StringBuilder(variableName);
    for (int i = 0; i < upTo; i++) {
      sb.append('.').append(fields[i]);
    }
    return sb.toString();
  }
}
