package dev.transom.expr;

import java.util.List;

/** The expression does not parse or type-check. */
public final class ExprCompileException extends Exception {
  private final List<ExprProblem> problems;

  public ExprCompileException(List<ExprProblem> problems) {
    super(problems.isEmpty() ? "invalid expression" : problems.get(0).message(), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<ExprProblem> problems() {
    return problems;
  }
}
