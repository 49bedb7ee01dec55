package dev.transom.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.io.JsonValues;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {
  private static Object eval(String expr, String eventJson) throws Exception {
    return Expressions.compile(expr, ExprScope.EVENT).eval1(JsonValues.parse(eventJson));
  }

  @Test
  void jsonIntegersAreCelIntsAndOthersDoubles() throws Exception {
    assertEquals(4L, eval("event.n + 1", "{\"n\":3}"));
    assertEquals(3.0, eval("event.x * 2.0", "{\"x\":1.5}"));
    assertEquals(true, eval("event.x == 1.5 && event.n == 3", "{\"x\":1.5,\"n\":3}"));
  }

  /**
   * A step {@code acc.with(k, v)...} also comes as its entries (for folds that set them in place):
   * each argument evaluates as inside the chain, against the map as it was.
   */
  @Test
  void aWithChainOnAccGivesItsEntriesAsExpressions() throws Exception {
    Expr step = Expressions.compile("acc.with(value, acc.get(value, 0) + 1).with('total', acc.get('total', 0) + 1)",
        ExprScope.STEP);
    List<Expr> chain = step.withChainOn(0);
    assertEquals(4, chain.size());
    Map<String, Object> acc = Map.of("a", 1L, "total", 1L);
    List<Object> entries = new java.util.ArrayList<>();
    for (Expr e : chain) {
      entries.add(e.eval3(acc, "a", "k"));
    }
    assertEquals(List.of("a", 2L, "total", 2L), entries);
    assertEquals(Map.of("a", 2L, "total", 2L), step.eval3(acc, "a", "k"));
  }

  @Test
  void onlyAChainRootedAtTheVariableWithoutTheBareVariableAsAnArgumentIsGiven() throws Exception {
    for (String notAChain : List.of("acc.with('self', acc)", "acc.with(acc, 1)", "{'a': 1}.with(value, 1)",
        "acc.get(value, {}).with(value, 1)", "has(acc.x) ? acc.with('x', 1) : acc", "acc + value",
        "acc.with(value, 1).size()")) {
      assertEquals(null, Expressions.compile(notAChain, ExprScope.STEP).withChainOn(0), notAChain);
    }
    assertEquals(null, Expressions.compile("acc.with(value, 1)", ExprScope.STEP).withChainOn(1), "value is not the receiver");
    assertEquals(2, Expressions.compile("acc.with('n', [acc])", ExprScope.STEP).withChainOn(0).size(),
        "CEL copies what it returns: acc inside a list is not the map itself");
    assertEquals(null, Expressions.compile("acc.with(value, 1)", ExprScope.STEP, false).withChainOn(0),
        "no fast paths: plain CEL");
  }

  @Test
  void jsonNullIsCelNull() throws Exception {
    assertEquals(true, eval("event.v == null", "{\"v\":null}"));
    assertTrue(CelValues.isNull(eval("event.v", "{\"v\":null}")));
  }

  @Test
  void mapWithAndGet() throws Exception {
    Object r = Expressions.compile("acc.with(value, acc.get(value, 0) + 1)", ExprScope.STEP)
        .eval3(Map.of("a", 1L), "a", "k");
    assertEquals(Map.of("a", 2L), r);
    Object fresh = Expressions.compile("acc.with(value, acc.get(value, 0) + 1)", ExprScope.STEP)
        .eval3(Map.of(), "b", "k");
    assertEquals(Map.of("b", 1L), fresh);
  }

  @Test
  void standardMacrosExist() throws Exception {
    assertEquals(List.of(2L, 4L), eval("event.l.map(x, x * 2)", "{\"l\":[1,2]}"));
    assertEquals(true, eval("has(event.a) && !has(event.b)", "{\"a\":1}"));
    assertEquals(true, eval("event.l.all(x, x > 0)", "{\"l\":[1,2]}"));
  }

  @Test
  void timestampsComeBackAsInstants() throws Exception {
    assertEquals(Instant.parse("2024-01-01T00:00:10Z"), eval("timestamp(event.ts) + duration('10s')",
        "{\"ts\":\"2024-01-01T00:00:00Z\"}"));
  }

  @Test
  void runawayExpressionStopsWithAnErrorInsteadOfHanging() throws Exception {
    Expr e = Expressions.compile("event.l.map(a, event.l.map(b, event.l.map(c, a + b + c)))", ExprScope.EVENT);
    StringBuilder big = new StringBuilder("{\"l\":[");
    for (int i = 0; i < 200; i++) {
      big.append(i > 0 ? "," : "").append(i);
    }
    Object event = JsonValues.parse(big.append("]}").toString());
    ExprFailure f = assertThrows(ExprFailure.class, () -> e.eval1(event));
    assertTrue(f.getMessage().toLowerCase().contains("iteration"), f.getMessage());
  }

  @Test
  void failuresAreOneLineMessages() {
    ExprFailure f = assertThrows(ExprFailure.class, () -> eval("event.user", "{\"name\":\"x\"}"));
    assertEquals("no such key: event.user", f.getMessage());
    ExprFailure g = assertThrows(ExprFailure.class, () -> eval("event.n / 0", "{\"n\":1}"));
    assertTrue(!g.getMessage().contains("\n") && g.getMessage().contains("zero"), g.getMessage());
  }

  @Test
  void compileErrorsCarryLineAndColumnInsideTheExpression() {
    ExprCompileException e = assertThrows(ExprCompileException.class,
        () -> Expressions.compile("event.a +\n  nope", ExprScope.EVENT));
    assertEquals(2, e.problems().get(0).line());
    assertEquals(2, e.problems().get(0).column());
  }

  /** The field-path fast path gives what CEL gives, for values and for failures alike. */
  @Test
  void fastPathAgreesWithCel() throws Exception {
    String[] exprs = {"event.a", "event.a.b", "event.a.b.c", "event"};
    String[] events = {"{\"a\":1}", "{\"a\":{\"b\":\"x\"}}", "{\"a\":{\"b\":{\"c\":[1,2]}}}", "{\"a\":null}",
        "{\"a\":{\"b\":null}}", "{}", "{\"a\":[1]}", "{\"a\":{\"c\":1}}"};
    for (String expr : exprs) {
      Expr fast = Expressions.compile(expr, ExprScope.EVENT, true);
      Expr cel = Expressions.compile(expr, ExprScope.EVENT, false);
      assertTrue(fast instanceof FieldPathExpr, expr);
      for (String ev : events) {
        Object event = JsonValues.parse(ev);
        Object a;
        Object b;
        try {
          a = fast.eval1(event);
        } catch (ExprFailure x) {
          a = "failure";
        }
        try {
          b = cel.eval1(event);
        } catch (ExprFailure x) {
          b = "failure";
        }
        assertEquals(b, a, expr + " on " + ev);
      }
    }
  }
}
