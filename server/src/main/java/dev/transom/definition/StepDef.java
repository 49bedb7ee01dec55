package dev.transom.definition;

import dev.transom.expr.Expr;

/** One stateless step: keep the items the filter is true for, or replace each item by the map's result. */
public record StepDef(boolean filter, Expr expr) {}
