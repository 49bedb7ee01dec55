package dev.transom.definition;

import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import dev.transom.expr.ExprScope;
import dev.transom.expr.ResultKind;
import java.util.List;
import java.util.Set;

/** The specs of {@code clock}, {@code window} and {@code aggregate}, and how they bind. */
public final class WindowingSpecs {
  private WindowingSpecs() {}

  static final FieldType.Expression TIMESTAMP_EXPR = new FieldType.Expression(ExprScope.EVENT,
      Set.of(ResultKind.TIMESTAMP, ResultKind.STRING, ResultKind.INT, ResultKind.UINT, ResultKind.DOUBLE),
      "a timestamp, an RFC 3339 string or a number of epoch units");

  public static final ObjectSpec EVENT_CLOCK = ObjectSpec.of("event",
          "Each item's time comes from the item; the watermark trails the newest time by `wait` and advances "
              + "with system time between items (bytewax EventClockConfig).")
      .required("timestamp", TIMESTAMP_EXPR, "the item's time (dt_getter), e.g. event.ts", "event.ts")
      .required("wait", new FieldType.Dur(false),
          "how long to wait for late items: the watermark is the newest time minus this (wait_for_system_duration)", "10s")
      .optional("unit", new FieldType.OneWord(List.of("s", "ms", "us", "ns")), "ms",
          "the unit of numeric timestamps (epoch seconds, milliseconds, ...)", "s")
      .optional("scope", new FieldType.OneWord(List.of("key", "pipeline")), "key",
          "`key`: each key has its own watermark (bytewax); `pipeline`: one watermark shared by all keys", "pipeline")
      .example("kind: event\ntimestamp: event.ts\nwait: 10s")
      .build();

  public static final ObjectSpec SYSTEM_CLOCK = ObjectSpec.of("system",
          "Each item's time is the system time when it is processed; nothing is ever late (bytewax SystemClockConfig).")
      .example("kind: system")
      .build();

  public static final FieldType.Kinds CLOCKS = new FieldType.Kinds("clock", List.of(EVENT_CLOCK, SYSTEM_CLOCK));

  static final FieldType ALIGN = new FieldType.Timestamp();

  public static final ObjectSpec TUMBLING = ObjectSpec.of("tumbling",
          "Fixed-length windows back to back: [align_to + i*length, align_to + (i+1)*length).")
      .required("length", new FieldType.Dur(true), "the window length", "1m")
      .optional("align_to", ALIGN, "1970-01-01T00:00:00Z", "any window start; fixes the phase only", "2024-01-01T00:00:00Z")
      .example("kind: tumbling\nlength: 1m")
      .build();

  public static final ObjectSpec SLIDING = ObjectSpec.of("sliding",
          "Windows of `length` starting every `offset`: overlapping when offset < length, with gaps when offset > length.")
      .required("length", new FieldType.Dur(true), "the window length", "10s")
      .required("offset", new FieldType.Dur(true), "the distance from one window's start to the next", "5s")
      .optional("align_to", ALIGN, "1970-01-01T00:00:00Z", "any window start; fixes the phase only", "2024-01-01T00:00:00Z")
      .example("kind: sliding\nlength: 10s\noffset: 5s")
      .build();

  public static final ObjectSpec SESSION = ObjectSpec.of("session",
          "A session per burst of activity: it grows while items come less than `gap` apart and closes once "
              + "the watermark is `gap` past its last item.")
      .required("gap", new FieldType.Dur(true), "the quiet time that ends a session", "5m")
      .example("kind: session\ngap: 5m")
      .build();

  public static final FieldType.Kinds WINDOWS = new FieldType.Kinds("window", List.of(TUMBLING, SLIDING, SESSION));

  static final FieldType.Expression ANY_STEP = new FieldType.Expression(ExprScope.STEP, Set.of(), "the new accumulator");

  public static final ObjectSpec FOLD = ObjectSpec.of("fold", "Start from `init`, apply `step` per value in arrival order.")
      .required("init", new FieldType.Expression(ExprScope.INIT, Set.of(), "the first accumulator"),
          "the first accumulator of a window (variable: key)", "'0'")
      .required("step", ANY_STEP, "the next accumulator (variables: acc, value, key); a step "
          + "`acc.with(k, v)` (or a chain of them) sets the entries in place, a constant cost per item", "acc + value")
      .optional("merge", new FieldType.Expression(ExprScope.MERGE, Set.of(), "the merged accumulator"), "none",
          "combines two sessions' accumulators (variables: acc, other, key); required for session windows", "acc + other")
      .example("init: '0'\nstep: acc + value\nmerge: acc + other")
      .build();

  static final Set<ResultKind> RANKABLE = Set.of(ResultKind.INT, ResultKind.UINT, ResultKind.DOUBLE, ResultKind.STRING,
      ResultKind.TIMESTAMP, ResultKind.DURATION);

  static ObjectSpec extreme(String name) {
    return ObjectSpec.of(name, "Keep the whole value with the " + (name.equals("min") ? "smallest" : "largest") + " `by`.")
        .required("by", new FieldType.Expression(ExprScope.RANK, RANKABLE, "a number, string or timestamp"),
            "what to compare (variables: value, key)", "value.price")
        .example("by: value.price")
        .build();
  }

  /** The range of {@code aggregate.max_size}. */
  static final long MIN_MAX_SIZE = 1L << 10;
  static final long MAX_MAX_SIZE = 1L << 30;

  /** The aggregates {@code max_size} applies to: those whose accumulator can grow with every item. */
  static final List<String> GROWING = List.of("reduce", "fold", "collect");

  public static final ObjectSpec AGGREGATE = ObjectSpec.of("aggregate", "How the values of a window are combined; exactly one of:")
      .optional("reduce", ANY_STEP, null,
          "the first value is the start; then acc := EXPR for each next value, in arrival order (variables: acc, value, key)",
          "acc + value")
      .optional("fold", new FieldType.Obj(FOLD), null, "init, step and (for sessions) merge expressions",
          "{init: '0', step: 'acc + value', merge: 'acc + other'}")
      .optional("collect", new FieldType.Flag(), null, "the list of values in time order", "true")
      .optional("count", new FieldType.Flag(), null, "the number of items", "true")
      .optional("sum", new FieldType.Flag(), null, "the sum of numeric values (an int while all are ints)", "true")
      .optional("min", new FieldType.FlagOrObj(extreme("min")), null,
          "the smallest value (numbers, strings, timestamps), or `{by: EXPR}` for the value with the smallest EXPR", "true")
      .optional("max", new FieldType.FlagOrObj(extreme("max")), null,
          "the largest value, or `{by: EXPR}` for the value with the largest EXPR", "true")
      .optional("mean", new FieldType.Flag(), null, "the arithmetic mean, as a double", "true")
      .optional("first", new FieldType.Flag(), null, "the value with the earliest time", "true")
      .optional("last", new FieldType.Flag(), null, "the value with the latest time", "true")
      .optional("max_size", new FieldType.Size(MIN_MAX_SIZE, MAX_MAX_SIZE),
          dev.transom.io.ByteSizeText.format(AggregateDef.DEFAULT_MAX_SIZE),
          "reduce, fold and collect only: the most a window's accumulator may hold, estimated as JSON; an item "
              + "that would take it past this is an item error for that window and is left out of it",
          "64MiB")
      .exactlyOne("reduce", "fold", "collect", "count", "sum", "min", "max", "mean", "first", "last")
      .example("count: true")
      .build();

  static ClockDef bindClock(dev.transom.definition.spec.Checked c) {
    if (c.kind().equals("system")) {
      return new ClockDef.SystemTime();
    }
    double unit = switch (c.text("unit", "ms")) {
      case "s" -> 1_000_000.0;
      case "us" -> 1.0;
      case "ns" -> 0.001;
      default -> 1_000.0;
    };
    return new ClockDef.Event(c.expr("timestamp"), c.number("wait", 0), unit, c.text("scope", "key").equals("pipeline"));
  }

  static WindowDef bindWindow(dev.transom.definition.spec.Checked c) {
    return switch (c.kind()) {
      case "tumbling" -> new WindowDef.Tumbling(c.number("length", 0), c.number("align_to", 0));
      case "sliding" -> new WindowDef.Sliding(c.number("length", 0), c.number("offset", 0), c.number("align_to", 0));
      default -> new WindowDef.Session(c.number("gap", 0));
    };
  }

  static AggregateDef bindAggregate(dev.transom.definition.spec.Checked c) {
    long maxSize = c.number("max_size", AggregateDef.DEFAULT_MAX_SIZE);
    if (c.has("reduce")) {
      return new AggregateDef.Reduce(c.expr("reduce"), maxSize);
    }
    if (c.has("fold")) {
      var f = c.get("fold");
      return new AggregateDef.Fold(f.expr("init"), f.expr("step"), f.expr("merge"), maxSize);
    }
    for (String m : List.of("min", "max")) {
      if (c.has(m)) {
        var v = c.get(m);
        return new AggregateDef.Extreme(m.equals("max"), v.value() instanceof java.util.Map ? v.expr("by") : null);
      }
    }
    for (String b : List.of("collect", "count", "sum", "mean", "first", "last")) {
      if (c.has(b)) {
        return new AggregateDef.Builtin(b, maxSize);
      }
    }
    throw new IllegalStateException("aggregate passed validation without a choice");
  }
}
