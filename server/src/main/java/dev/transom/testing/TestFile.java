package dev.transom.testing;

import dev.transom.definition.PipelineDef;
import java.util.List;

/**
 * A checked test file, bound: the pipeline it tests and its tests, each a list of steps whose
 * times are already worked out (a step's {@code atMicros} is the system time it happens at).
 * Values are in the form {@link dev.transom.io.JsonValues} reads JSON in.
 */
public record TestFile(String file, PipelineDef pipeline, List<TestCase> tests) {
  /** A place in the test file (1-based), where a failure is reported. */
  public record Where(int line, int col) {}

  public record TestCase(String name, Where where, long startMicros, List<Step> steps) {}

  /** One step; the time moves to {@code atMicros} before it does anything. */
  public sealed interface Step {
    long atMicros();
  }

  /** An event with the line it was written on (named by its item errors). */
  public record Event(Object value, Where where) {}

  public record Events(long atMicros, List<Event> events) implements Step {}

  public record Advance(long atMicros, long toMicros) implements Step {}

  /** Event i arrives at {@code atMicros + i * 1 s / rate}; afterwards the time is {@code endMicros}. */
  public record Generate(long atMicros, long rate, long count, long keys, long endMicros, Where where) implements Step {}

  public record Flush(long atMicros, Where where) implements Step {}

  /** {@code key} null: every key's windows. */
  public record Close(long atMicros, String key, Where where) implements Step {}

  /** An expected record and where it was written. */
  public record Expected(Object value, Where where) {}

  /** {@code event} is {@code null} when the test does not name it. */
  public record ExpectedError(String field, String message, Object event, Where where) {}

  /**
   * What came out since the previous expect. A {@code null} list is not checked ({@code contains}
   * leaves it out); with {@code exact}, a list left out is empty. {@code lists} holds where each
   * list was written (the expect's own key when it was left out), for what nothing expected.
   */
  public record Expect(long atMicros, boolean exact, List<Expected> outputs, List<Expected> late,
      List<ExpectedError> errors, List<Expected> openWindows, java.util.Map<String, Where> lists, Where where)
      implements Step {}
}
