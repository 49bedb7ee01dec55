package dev.transom.expr;

/**
 * A compile problem inside an expression; {@code line} is 1-based and {@code column} 0-based,
 * both relative to the expression text.
 */
public record ExprProblem(int line, int column, String message) {}
