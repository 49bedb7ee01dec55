package dev.transom.definition;

import dev.transom.components.ComponentSpecs;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import dev.transom.expr.ExprScope;
import dev.transom.expr.ResultKind;
import java.util.Set;

/** The whole definition format (docs/reference.md), declared once. */
public final class PipelineSpec {
  private PipelineSpec() {}

  public static final String ID_PATTERN = "[a-z0-9][a-z0-9_-]{0,62}";

  static ObjectSpec step(ExprScope scope, String variable) {
    String variables = String.join(", ", scope.variables());
    String named = scope.variables().size() == 1 ? "variable: " : "variables: ";
    return ObjectSpec.of("step", "A stateless step: exactly one of filter or map.")
        .optional("filter", new FieldType.Expression(scope, Set.of(ResultKind.BOOL), "a bool"), null,
            "keep the item when true (" + named + variables + ")", variable.equals("event") ? "event.clicks > 0" : "result.value > 100")
        .optional("map", new FieldType.Expression(scope, Set.of(), "the new item"), null,
            "replace the item by this (" + named + variables + ")",
            variable.equals("event") ? "'{\"user\": event.user, \"clicks\": event.clicks}'" : "'result.with(\"big\", true)'")
        .exactlyOne("filter", "map")
        .build();
  }

  /**
   * The shortest {@code checkpoint.interval}. Every checkpoint syncs the ingest log and the
   * database to disk, and costs 2-4 ms of CPU even when nothing changed: measured here, 8 idle
   * pipelines used 60% of a core at 10 ms (the old timer floor), 24% at 100 ms, 6% at 1 s. 100 ms
   * bounds that at a few percent of a core per pipeline while still letting exactly-once sinks,
   * whose records appear at each checkpoint, lag by a tenth of a second.
   */
  public static final long MIN_CHECKPOINT_INTERVAL_MICROS = 100_000;

  public static final ObjectSpec CHECKPOINT = ObjectSpec.of("checkpoint", "Checkpointing (serve only).")
      .optional("interval", FieldType.Dur.atLeast(MIN_CHECKPOINT_INTERVAL_MICROS), "10s",
          "the epoch length: state is checkpointed this often, and file and h2 sinks get their records then; "
              + "each checkpoint syncs to disk and takes a few ms of CPU even when idle, hence the floor", "30s")
      .build();

  /** The smallest {@code limits.memory}: below it a pipeline could hardly hold a window. */
  public static final long MIN_MEMORY_BYTES = 1L << 20;

  public static final ObjectSpec LIMITS = ObjectSpec.of("limits", "What this pipeline may hold (serve only).")
      .optional("memory", new FieldType.Size(MIN_MEMORY_BYTES, 1L << 40), "none: the server's --memory budget alone",
          "the heap its window state and queued input may hold, as the server estimates it; at it, its ingest answers "
              + "503 until windows close (the server's --memory budget applies as well)", "64MiB")
      .build();

  public static final ObjectSpec TESTS = ObjectSpec.of("tests",
          "This pipeline's tests (transom test, docs/testing.md), and whether serve requires them to pass.")
      .optional("gate", new FieldType.Bool(), false,
          "serve takes a new version of this definition (an edit, a PUT) only when its tests pass against it; one that"
              + " fails them is refused as an invalid edit is, and the running version keeps running",
          "true")
      .optional("files", new FieldType.ListOf(new FieldType.Text(".*\\.test\\.ya?ml", "a test file's path (*.test.yaml)"), 20),
          "the X.test.yaml beside this X.yaml", "the test files, relative to this definition", "[clicks.test.yaml]")
      .build();

  public static final ObjectSpec SPEC = ObjectSpec.of("pipeline", "One pipeline per file.")
      .optional("name", new FieldType.Text(ID_PATTERN, "an id of lowercase letters, digits, '-' and '_' (at most 63)"),
          "the file name without extension", "the pipeline's id", "clicks-per-user")
      .required("source", ComponentSpecs.SOURCES, "where events come from", "{kind: http}")
      .optional("steps", new FieldType.ListOf(new FieldType.Obj(step(ExprScope.EVENT, "event")), 100), "none",
          "stateless filter/map steps before windowing, in order", "[{filter: event.clicks > 0}]")
      .required("key", new FieldType.Expression(ExprScope.EVENT, Set.of(ResultKind.STRING, ResultKind.INT, ResultKind.UINT,
              ResultKind.BOOL), "a string, an int or a bool"),
          "the key of each event: a string, an int or a bool (variables: event, meta)", "event.user")
      .optional("value", new FieldType.Expression(ExprScope.EVENT, Set.of(), "the value"), "the whole event",
          "what goes into the window (variables: event, meta)", "event.clicks")
      .required("clock", WindowingSpecs.CLOCKS, "which clock gives each event its time", "{kind: event, timestamp: event.ts, wait: 10s}")
      .required("window", WindowingSpecs.WINDOWS, "how events are bucketed into windows", "{kind: tumbling, length: 1m}")
      .required("aggregate", new FieldType.Obj(WindowingSpecs.AGGREGATE), "how a window's values are combined", "{count: true}")
      .optional("then", new FieldType.ListOf(new FieldType.Obj(step(ExprScope.RESULT, "result")), 100), "none",
          "stateless filter/map steps on each window output (variable: result)", "[{filter: result.value > 100}]")
      .optional("sinks", new FieldType.ListOf(ComponentSpecs.SINKS, 20), "stdout (run) / dashboard only (serve)",
          "where window outputs go", "[{kind: file, path: out/clicks.jsonl}]")
      .optional("late", ComponentSpecs.LATE_SINKS, "dropped and counted", "where late items go",
          "{kind: file, path: out/late.jsonl}")
      .optional("checkpoint", new FieldType.Obj(CHECKPOINT), "interval: 10s", "checkpoint settings (serve only)", "{interval: 10s}")
      .optional("limits", new FieldType.Obj(LIMITS), "none", "resource limits (serve only)", "{memory: 64MiB}")
      .optional("tests", new FieldType.Obj(TESTS), "none", "its tests, and whether a new version must pass them (serve only)",
          "{gate: true}")
      .requiredWhen("window", "session", "aggregate.fold", "merge",
          "required with session windows: how to combine two sessions' accumulators")
      .build();
}
