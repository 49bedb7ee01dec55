package dev.transom.expr;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one door to CEL: {@link #compile} an expression for a scope, get an {@link Expr} to evaluate.
 * Uses CEL's standard runtime (its planner measured 3–8× slower here), the standard
 * macros, and Transom's two map functions {@code m.with(k, v)} and {@code m.get(k, d)}.
 */
public final class Expressions {
  /** Bounds every comprehension, so nested macros over big lists still end quickly. */
  private static final int MAX_ITERATIONS = 100_000;
  private static final Pattern FIELD_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final Map<ExprScope, Cel> ENVIRONMENTS = new EnumMap<>(ExprScope.class);

  private Expressions() {}

  /** Parses and type-checks {@code text} for {@code scope}. */
  public static Expr compile(String text, ExprScope scope) throws ExprCompileException {
    return compile(text, scope, true);
  }

  /** {@code fastPaths = false} always evaluates with CEL (tests compare the two). */
  static Expr compile(String text, ExprScope scope, boolean fastPaths) throws ExprCompileException {
    Cel cel = environment(scope);
    CelValidationResult result = cel.compile(text);
    if (result.hasError()) {
      List<ExprProblem> problems = new ArrayList<>();
      for (CelIssue issue : result.getErrors()) {
        problems.add(new ExprProblem(Math.max(1, issue.getSourceLocation().getLine()),
            Math.max(0, issue.getSourceLocation().getColumn()), firstLine(issue.getMessage())));
      }
      throw new ExprCompileException(problems);
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = result.getAst();
    } catch (CelValidationException e) {
      throw new ExprCompileException(List.of(new ExprProblem(1, 0, firstLine(e.getMessage()))));
    }
    ResultKind kind = kindOf(ast.getResultType());
    String trimmed = text.strip();
    if (fastPaths && FIELD_PATH.matcher(trimmed).matches()) {
      String[] parts = trimmed.split("\\.");
      int variable = scope.variables().indexOf(parts[0]);
      if (variable >= 0) {
        String[] fields = new String[parts.length - 1];
        System.arraycopy(parts, 1, fields, 0, fields.length);
        return new FieldPathExpr(text, variable, parts[0], fields);
      }
    }
    try {
      int[] chainVariable = {-1};
      // Only reduce and fold steps use it (Aggregates): other places do not compile the parts.
      List<Expr> chain = fastPaths && scope == ExprScope.STEP ? withChain(cel, ast, text, scope, chainVariable) : null;
      return new CelExpr(text, kind, cel.createProgram(ast), scope.variables(), chainVariable[0], chain);
    } catch (CelEvaluationException e) {
      throw new ExprCompileException(List.of(new ExprProblem(1, 0, firstLine(e.getMessage()))));
    }
  }

  /**
   * {@code V.with(k1, v1).with(k2, v2)...} on a variable {@code V} of the scope: the arguments
   * {@code k1, v1, k2, v2, ...}, each compiled on its own from the checked tree (so it evaluates
   * exactly as inside the chain), with {@code V}'s number in {@code variable[0]}; else {@code null}.
   * See {@link Expr#withChainOn}.
   */
  private static List<Expr> withChain(Cel cel, CelAbstractSyntaxTree ast, String text, ExprScope scope,
      int[] variable) throws CelEvaluationException {
    List<dev.cel.common.ast.CelExpr> args = new ArrayList<>();
    dev.cel.common.ast.CelExpr e = ast.getExpr();
    while (e.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.CALL && e.call().function().equals("with")
        && e.call().target().isPresent() && e.call().args().size() == 2) {
      args.add(0, e.call().args().get(1));
      args.add(0, e.call().args().get(0));
      e = e.call().target().get();
    }
    if (args.isEmpty() || e.getKind() != dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT) {
      return null;
    }
    String receiver = e.ident().name();
    int index = scope.variables().indexOf(receiver);
    if (index < 0) {
      return null;
    }
    List<Expr> out = new ArrayList<>(args.size());
    for (dev.cel.common.ast.CelExpr arg : args) {
      String[] path = fieldPath(arg);
      if (path != null && path.length == 1 && path[0].equals(receiver)) {
        return null; // the map itself as a key or value: leave it to CEL, which copies
      }
      int pathVariable = path == null ? -1 : scope.variables().indexOf(path[0]);
      if (pathVariable >= 0) {
        out.add(new FieldPathExpr(text, pathVariable, path[0], java.util.Arrays.copyOfRange(path, 1, path.length)));
      } else {
        CelAbstractSyntaxTree sub = CelAbstractSyntaxTree.newCheckedAst(arg, ast.getSource(), ast.getReferenceMap(),
            ast.getTypeMap());
        out.add(new CelExpr(text, kindOf(sub.getResultType()), cel.createProgram(sub), scope.variables()));
      }
    }
    variable[0] = index;
    return List.copyOf(out);
  }

  /** {@code a.b.c} as {@code [a, b, c]} when the expression is a plain chain of field reads, else {@code null}. */
  private static String[] fieldPath(dev.cel.common.ast.CelExpr e) {
    List<String> parts = new ArrayList<>();
    while (e.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.SELECT && !e.select().testOnly()) {
      parts.add(0, e.select().field());
      e = e.select().operand();
    }
    if (e.getKind() != dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT) {
      return null;
    }
    parts.add(0, e.ident().name());
    return parts.toArray(new String[0]);
  }

  /** CEL's messages, trimmed to one readable line (no token lists, no empty container note). */
  private static String firstLine(String message) {
    String m = message == null ? "invalid expression" : message;
    int nl = m.indexOf('\n');
    m = nl >= 0 ? m.substring(0, nl) : m;
    m = m.replace(" (in container '')", "");
    int expecting = m.indexOf(" expecting {");
    if (expecting > 0) {
      m = m.substring(0, expecting);
    }
    if (m.startsWith("mismatched input") || m.startsWith("extraneous input") || m.startsWith("no viable")) {
      m = "syntax error: " + m;
    }
    return m;
  }

  static ResultKind kindOf(CelType type) {
    return switch (type.kind()) {
      case BOOL -> ResultKind.BOOL;
      case INT -> ResultKind.INT;
      case UINT -> ResultKind.UINT;
      case DOUBLE -> ResultKind.DOUBLE;
      case STRING -> ResultKind.STRING;
      case BYTES -> ResultKind.BYTES;
      case TIMESTAMP -> ResultKind.TIMESTAMP;
      case DURATION -> ResultKind.DURATION;
      case LIST -> ResultKind.LIST;
      case MAP -> ResultKind.MAP;
      case NULL_TYPE -> ResultKind.NULL;
      case DYN, ANY, TYPE_PARAM, UNSPECIFIED, ERROR -> ResultKind.DYN;
      default -> ResultKind.OTHER;
    };
  }

  private static synchronized Cel environment(ExprScope scope) {
    return ENVIRONMENTS.computeIfAbsent(scope, Expressions::build);
  }

  private static Cel build(ExprScope scope) {
    MapType anyMap = MapType.create(SimpleType.DYN, SimpleType.DYN);
    var builder = CelFactory.standardCelBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setOptions(CelOptions.current()
            .enableTimestampEpoch(true)
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build())
        .addFunctionDeclarations(
            CelFunctionDecl.newFunctionDeclaration("with",
                CelOverloadDecl.newMemberOverload("transom_map_with", anyMap, anyMap, SimpleType.DYN, SimpleType.DYN)),
            CelFunctionDecl.newFunctionDeclaration("get",
                CelOverloadDecl.newMemberOverload("transom_map_get", SimpleType.DYN, anyMap, SimpleType.DYN, SimpleType.DYN)))
        .addFunctionBindings(
            CelFunctionBinding.from("transom_map_with", List.of(Map.class, Object.class, Object.class), args -> {
              Map<Object, Object> copy = new LinkedHashMap<>((Map<?, ?>) args[0]);
              copy.put(args[1], args[2]);
              return copy;
            }),
            CelFunctionBinding.from("transom_map_get", List.of(Map.class, Object.class, Object.class), args -> {
              Map<?, ?> m = (Map<?, ?>) args[0];
              Object v = m.get(args[1]);
              return v != null ? v : args[2];
            }));
    for (String variable : scope.variables()) {
      builder.addVar(variable, variable.equals("key") ? SimpleType.STRING : SimpleType.DYN);
    }
    return builder.build();
  }
}
