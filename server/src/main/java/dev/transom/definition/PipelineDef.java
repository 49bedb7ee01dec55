package dev.transom.definition;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.expr.Expr;
import java.util.List;

/**
 * A checked, immutable pipeline definition (docs/reference.md). Built only from a definition that passed
 * validation, so every field holds a usable value.
 *
 * @param valueExpr {@code null} when the whole event goes into the window
 * @param late {@code null} when late items are dropped and counted
 * @param memoryLimitBytes {@code limits.memory}, 0 when the pipeline has none of its own
 * @param testGate {@code tests} with {@code gate: true}, else {@code null}
 */
public record PipelineDef(
    String id,
    String file,
    String text,
    ComponentDef source,
    List<StepDef> steps,
    Expr key,
    Expr valueExpr,
    ClockDef clock,
    WindowDef window,
    AggregateDef aggregate,
    List<StepDef> then,
    List<ComponentDef> sinks,
    ComponentDef late,
    long checkpointIntervalMicros,
    long memoryLimitBytes,
    TestGate testGate) {
  /**
   * A new version must pass these tests ({@code tests.gate}): the test files as written (none given:
   * the {@code X.test.yaml} beside {@code X.yaml}) and where {@code tests} is written, for the problem.
   */
  public record TestGate(List<String> files, int line, int col) {}
}
