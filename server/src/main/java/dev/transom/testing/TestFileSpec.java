package dev.transom.testing;

import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;

/**
 * The format of a test file ({@code *.test.yaml}), declared once: the linter checks test files
 * against it, and {@code transom schema test} and {@code docs/testing-reference.md} are made from it.
 */
public final class TestFileSpec {
  private TestFileSpec() {}

  /** Most items one list of a test file may have: a generated step stands for more. */
  static final int MAX_ITEMS = 100_000;

  static final ObjectSpec ERROR = ObjectSpec.of("error", "An item error: each field given must match.")
      .optional("field", new FieldType.Text(null, null), null,
          "where it failed, as the API names it: key, value, clock.timestamp, steps[0].map, aggregate, then[1].filter",
          "key")
      .optional("message", new FieldType.Text(null, null), null, "text the error's message contains", "no such key")
      .optional("event", new FieldType.Json(false), null, "the item as it was when it failed", "{user: 7}")
      .build();

  static final ObjectSpec EXPECT = ObjectSpec.of("expect",
          "What came out since the previous expect (or the start): window outputs, late items and item errors;"
              + " and the windows open now. A record matches when every field it gives equals the one produced"
              + " (numbers by value, timestamps by instant); order is not compared.")
      .optional("match", new FieldType.OneWord(java.util.List.of("exact", "contains")), "exact",
          "exact: these and nothing else, and a list left out means none; contains: each of these, others allowed",
          "contains")
      .optional("outputs", new FieldType.ListOf(new FieldType.Json(true), MAX_ITEMS), null,
          "window outputs ({key, window: {open_time, close_time}, value}, or what `then` made of them)",
          "[{key: alice, value: 3}]")
      .optional("late", new FieldType.ListOf(new FieldType.Json(true), MAX_ITEMS), null,
          "late items ({key, time, watermark, value, window})", "[{key: alice, value: 1}]")
      .optional("errors", new FieldType.ListOf(new FieldType.Obj(ERROR), MAX_ITEMS), null, "item errors",
          "[{field: key, message: no such key}]")
      .optional("open_windows", new FieldType.ListOf(new FieldType.Json(true), MAX_ITEMS), null,
          "the windows open now ({key, open_time, close_time, value, count}); exact: all of them",
          "[{key: alice, count: 2}]")
      .example("match: exact\noutputs:\n  - key: alice\n    window: {open_time: 2024-01-01T00:00:00Z, close_time: 2024-01-01T00:01:00Z}\n"
          + "    value: 5\nlate: []")
      .build();

  static final ObjectSpec GENERATE = ObjectSpec.of("generate",
          "Many events at a steady rate of virtual time, as the generator source makes them, but predictable:"
              + " event i (from 0) is {\"key\": \"key-\" + (i mod keys), \"value\": 1, \"ts\": its arrival time (RFC 3339)},"
              + " and arrives i / rate seconds after the step starts. Windows close on time as it goes; the time"
              + " moves on by count / rate.")
      .optional("rate", new FieldType.Int(1, 100_000_000), 1_000, "events per second of virtual time", "1000")
      .optional("count", new FieldType.Int(1, 1_000_000_000), null, "how many events", "3600")
      .optional("for", new FieldType.Dur(true), null, "how long they go on (rate × for events)", "1h")
      .optional("keys", new FieldType.Int(1, 100_000_000), 10, "how many distinct keys, taken in turn", "50")
      .exactlyOne("count", "for")
      .example("rate: 1000\nfor: 1h\nkeys: 50")
      .build();

  static final ObjectSpec CLOSE = ObjectSpec.of("close",
          "Closes open windows now, as POST /api/pipelines/{id}/windows/close does: the key's watermark moves to the"
              + " end of its last open window, so later items for them are late.")
      .optional("key", new FieldType.Text(null, null), null, "only this key's windows (default: every key's)", "alice")
      .build();

  static final ObjectSpec STEP = ObjectSpec.of("step",
          "One step of a test, in order. Time is virtual: it moves only when a step moves it, and windows due"
              + " by then close at once.")
      .optional("at", new FieldType.Text(null, "an offset from start (30s) or an RFC 3339 time"), null,
          "first move the system time to this point (never back)", "30s")
      .optional("events", new FieldType.ListOf(new FieldType.Json(false), MAX_ITEMS), null,
          "events that arrive now, in this order", "[{user: alice, clicks: 2, ts: 2024-01-01T00:00:10Z}]")
      .optional("advance", new FieldType.Dur(false), null, "move the system time on by this much", "1m")
      .optional("generate", new FieldType.Obj(GENERATE), null, "many events at a steady rate", "{rate: 1000, for: 1h}")
      .optional("flush", new FieldType.Flag(), null,
          "close and emit every open window now, as a windowing reload or a removal does; the pipeline then starts"
              + " empty, as the new version would",
          "true")
      .optional("close", new FieldType.FlagOrObj(CLOSE), null,
          "close the open windows now (true: every key's; {key: K}: one key's), moving the watermark on", "{key: alice}")
      .optional("expect", new FieldType.Obj(EXPECT), null, "check what came out since the previous expect",
          "{outputs: [{key: alice, value: 3}]}")
      .exactlyOne("events", "advance", "generate", "flush", "close", "expect")
      .build();

  static final ObjectSpec CASE = ObjectSpec.of("test", "One test: a fresh pipeline driven through its steps.")
      .required("name", new FieldType.Text(null, null), "what the test shows, shown when it fails",
          "a window closes once the wait has passed")
      .optional("start", new FieldType.Timestamp(), "1970-01-01T00:00:00Z",
          "the system time the test starts at; `at` offsets count from it", "2024-01-01T00:00:00Z")
      .required("steps", new FieldType.ListOf(new FieldType.Obj(STEP), MAX_ITEMS), "what happens, in order",
          "[{events: [...]}, {advance: 1m}, {expect: {outputs: [...]}}]")
      .build();

  public static final ObjectSpec SPEC = ObjectSpec.of("test file",
          "Tests of one pipeline, in virtual time: `transom test` runs every `*.test.yaml` it is given or finds.")
      .required("pipeline", new FieldType.Text(null, "a path to a definition"),
          "the definition under test, relative to this file", "clicks-per-user.yaml")
      .required("tests", new FieldType.ListOf(new FieldType.Obj(CASE), 1_000), "the tests, each on a fresh pipeline",
          "[{name: ..., steps: [...]}]")
      .example("pipeline: clicks-per-user.yaml\ntests:\n  - name: clicks are summed per user and minute\n"
          + "    start: 2024-01-01T00:00:00Z\n    steps:\n      - events:\n"
          + "          - {user: alice, clicks: 2, ts: 2024-01-01T00:00:10Z}\n"
          + "          - {user: alice, clicks: 3, ts: 2024-01-01T00:00:50Z}\n"
          + "      - advance: 70s\n      - expect:\n          outputs:\n"
          + "            - {key: alice, window: {open_time: 2024-01-01T00:00:00Z, close_time: 2024-01-01T00:01:00Z}, value: 5}")
      .build();

  /** {@code transom schema test}: the JSON Schema of test files ({@code docs/transom-test.schema.json}). */
  public static String schema() {
    return dev.transom.definition.spec.JsonSchemaWriter.write(SPEC, "https://transom.dev/schema/test.json",
        "Transom pipeline test");
  }

  /** {@code transom reference test}: {@code docs/testing-reference.md}. */
  public static String reference() {
    return dev.transom.definition.spec.ReferenceDocWriter.write(SPEC, "Test-file reference",
        "./transom reference test > docs/testing-reference.md",
        "A test file (`*.test.yaml`) tests one pipeline in virtual time: `transom test` runs it. Durations and"
            + " timestamps are written as in definitions. Events, expected records and item errors are JSON values"
            + " written in YAML. docs/testing.md is the guide.");
  }
}
