package dev.transom.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** An expression evaluated by CEL's standard runtime. */
final class CelExpr implements Expr {
  private static final Pattern LOCATION_PREFIX = Pattern.compile("^evaluation error at [^:]*:\\d+: ");
  private final String text;
  private final ResultKind kind;
  private final CelRuntime.Program program;
  private final List<String> names;
  /** See {@link #withChainOn}: the variable's number and the chain's arguments, or -1 and {@code null}. */
  private final int chainVariable;
  private final List<Expr> chain;

  CelExpr(String text, ResultKind kind, CelRuntime.Program program, List<String> names) {
    this(text, kind, program, names, -1, null);
  }

  CelExpr(String text, ResultKind kind, CelRuntime.Program program, List<String> names, int chainVariable,
      List<Expr> chain) {
    this.text = text;
    this.kind = kind;
    this.program = program;
    this.names = names;
    this.chainVariable = chainVariable;
    this.chain = chain;
  }

  @Override
  public List<Expr> withChainOn(int variable) {
    return variable == chainVariable ? chain : null;
  }

  @Override
  public String text() {
    return text;
  }

  @Override
  public ResultKind resultKind() {
    return kind;
  }

  @Override
  public Object eval1(Object a) throws ExprFailure {
    String n0 = names.get(0);
    return run(name -> name.equals(n0) ? Optional.ofNullable(a) : Optional.empty());
  }

  @Override
  public Object eval2(Object a, Object b) throws ExprFailure {
    String n0 = names.get(0);
    String n1 = names.get(1);
    return run(name -> name.equals(n0) ? Optional.ofNullable(a)
        : name.equals(n1) ? Optional.ofNullable(b) : Optional.empty());
  }

  @Override
  public Object eval3(Object a, Object b, Object c) throws ExprFailure {
    String n0 = names.get(0);
    String n1 = names.get(1);
    String n2 = names.get(2);
    return run(name -> name.equals(n0) ? Optional.ofNullable(a)
        : name.equals(n1) ? Optional.ofNullable(b)
        : name.equals(n2) ? Optional.ofNullable(c) : Optional.empty());
  }

  private Object run(dev.cel.runtime.CelVariableResolver resolver) throws ExprFailure {
    try {
      return CelValues.fromCel(program.eval(resolver));
    } catch (CelEvaluationException e) {
      throw new ExprFailure(clean(e.getMessage()));
    } catch (RuntimeException e) {
      // CEL reports some type mismatches as unchecked exceptions; they are still one item's error.
      throw new ExprFailure(clean(String.valueOf(e.getMessage())));
    }
  }

  private static String clean(String message) {
    String m = LOCATION_PREFIX.matcher(message).replaceFirst("");
    int nl = m.indexOf('\n');
    return nl >= 0 ? m.substring(0, nl) : m;
  }
}
