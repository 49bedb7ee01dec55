package dev.transom.compile;

import dev.transom.definition.AggregateDef;
import dev.transom.expr.Expr;
import dev.transom.expr.ExprFailure;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.AggregateFailure;
import dev.transom.windowing.Combiner;
import dev.transom.windowing.EntryUpdate;
import java.util.List;
import dev.transom.windowing.aggregate.CollectAggregate;
import dev.transom.windowing.aggregate.CountAggregate;
import dev.transom.windowing.aggregate.EdgeAggregate;
import dev.transom.windowing.aggregate.ExtremeAggregate;
import dev.transom.windowing.aggregate.FoldAggregate;
import dev.transom.windowing.aggregate.ReduceAggregate;
import dev.transom.windowing.aggregate.SumAggregate;

/** Definition aggregates to core aggregates; user expressions become {@link Combiner}s. */
final class Aggregates {
  private Aggregates() {}

  static Aggregate build(AggregateDef def) {
    if (def instanceof AggregateDef.Reduce r) {
      return new ReduceAggregate(combiner(r.reducer(), "aggregate.reduce"), entries(r.reducer(), "aggregate.reduce"),
          r.maxSize());
    }
    if (def instanceof AggregateDef.Fold f) {
      Expr init = f.init();
      return new FoldAggregate(key -> {
        try {
          return init.eval1(key);
        } catch (ExprFailure e) {
          throw new AggregateFailure("aggregate.fold.init: " + e.getMessage());
        }
      }, combiner(f.step(), "aggregate.fold.step"), entries(f.step(), "aggregate.fold.step"),
          f.merge() == null ? null : combiner(f.merge(), "aggregate.fold.merge"), f.maxSize());
    }
    if (def instanceof AggregateDef.Extreme x) {
      return new ExtremeAggregate(x.max(), x.by() != null);
    }
    String name = ((AggregateDef.Builtin) def).name();
    return switch (name) {
      case "count" -> new CountAggregate();
      case "sum" -> new SumAggregate(false);
      case "mean" -> new SumAggregate(true);
      case "collect" -> new CollectAggregate(((AggregateDef.Builtin) def).maxSize());
      case "first" -> new EdgeAggregate(false);
      case "last" -> new EdgeAggregate(true);
      default -> throw new IllegalArgumentException("unknown aggregate " + name);
    };
  }

  /**
   * A step {@code acc.with(k1, v1)...} as the entries it sets (STEP's variable 0 is {@code acc}),
   * so the window can set them in place; {@code null} for any other step.
   */
  private static EntryUpdate entries(Expr expr, String field) {
    List<Expr> chain = expr.withChainOn(0);
    if (chain == null) {
      return null;
    }
    Expr[] args = chain.toArray(new Expr[0]);
    return (acc, value, key) -> {
      Object[] out = new Object[args.length];
      try {
        for (int i = 0; i < args.length; i++) {
          out[i] = args[i].eval3(acc, value, key);
        }
      } catch (ExprFailure e) {
        throw new AggregateFailure(field + ": " + e.getMessage());
      }
      return out;
    };
  }

  /** Binds (acc, value|other, key) in the scope's order: STEP is (acc, value, key), MERGE (acc, other, key). */
  private static Combiner combiner(Expr expr, String field) {
    return (acc, value, key) -> {
      try {
        return expr.eval3(acc, value, key);
      } catch (ExprFailure e) {
        throw new AggregateFailure(field + ": " + e.getMessage());
      }
    };
  }
}
