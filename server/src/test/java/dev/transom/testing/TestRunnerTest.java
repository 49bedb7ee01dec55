package dev.transom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.spec.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests run through the real loader and engine, on definitions written here. */
class TestRunnerTest {
  @TempDir
  Path dir;

  static final String COUNTS = "name: counts\nsource: {kind: http}\nkey: event.user\n"
      + "clock: {kind: event, timestamp: event.ts, wait: 0s}\nwindow: {kind: tumbling, length: 10s}\n"
      + "aggregate: {count: true}\n";

  private List<TestRunner.CaseResult> run(String definition, String test) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), definition);
    Path file = dir.resolve("p.test.yaml");
    Files.writeString(file, "pipeline: p.yaml\ntests:\n" + test);
    TestFileLoader.Result loaded = TestFileLoader.load("p.test.yaml", file);
    assertEquals(List.of(), loaded.problems());
    return TestRunner.run(loaded.file());
  }

  private static List<String> failures(TestRunner.CaseResult r) {
    return r.failures().stream().map(Problem::format).toList();
  }

  @Test
  void aFlushEmitsEveryOpenWindowAndThePipelineStartsEmpty() throws Exception {
    var r = run(COUNTS, """
          - name: flush
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}, {user: b, ts: 1970-01-01T00:00:31Z}]
              - flush: true
              - expect:
                  outputs: [{key: a, value: 1}, {key: b, value: 1}]
                  open_windows: []
              # the new pipeline's watermark starts again: an old time is not late
              - events: [{user: a, ts: 1970-01-01T00:00:02Z}]
              - expect:
                  open_windows: [{key: a, open_time: 1970-01-01T00:00:00Z, count: 1}]
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  @Test
  void withExactTheListsLeftOutMustBeEmptyAndWithContainsTheyAreNotChecked() throws Exception {
    var r = run(COUNTS, """
          - name: exact
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:31Z}, {user: a, ts: 1970-01-01T00:00:01Z}]
              - expect: {outputs: []}
          - name: contains
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:31Z}, {user: a, ts: 1970-01-01T00:00:01Z}]
              - expect: {match: contains, outputs: []}
        """);
    assertEquals(1, failures(r.get(0)).size(), failures(r.get(0)).toString());
    assertTrue(failures(r.get(0)).get(0).startsWith("p.test.yaml:6:9: late: produced, not expected: {\"key\":\"a\""),
        failures(r.get(0)).toString());
    assertEquals(List.of(), failures(r.get(1)));
  }

  @Test
  void eachExpectSeesOnlyWhatCameOutSinceThePreviousOne() throws Exception {
    var r = run(COUNTS, """
          - name: in turn
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}]
              - at: 9s
                expect: {outputs: [{key: a, value: 1}]}
              - events: [{user: a, ts: 1970-01-01T00:00:12Z}]
              - at: 18s
                expect: {outputs: [{key: a, window: {open_time: 1970-01-01T00:00:10Z, close_time: 1970-01-01T00:00:20Z}}]}
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  @Test
  void atTakesAnRfc3339TimeAndAdvanceMovesFromWhereTheTimeIs() throws Exception {
    var r = run("name: sys\nsource: {kind: http}\nkey: event.k\nclock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1m}\naggregate: {count: true}\n", """
          - name: system time
            start: 2024-01-01T00:00:00Z
            steps:
              - at: 2024-01-01T00:00:59.999999Z
                events: [{k: x}]
              - advance: 1us
              - expect:
                  outputs: [{key: x, window: {open_time: 2024-01-01T00:00:00Z, close_time: 2024-01-01T00:01:00Z}, value: 1}]
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  @Test
  void generatedEventsArePredictableAndCloseTheirWindowsOnTime() throws Exception {
    // 205 events at 10/s, keys in turn: 100 a window, 50 of each key; the last 5 (3 of key-0) arrive
    // in [20s, 20.5s), and at 20.5 s (wait 0s: the watermark is the time) their window is still open
    var r = run(COUNTS.replace("event.user", "event.key"), """
          - name: generated
            steps:
              - generate: {rate: 10, count: 205, keys: 2}
              - expect:
                  outputs:
                    - {key: key-0, window: {open_time: 1970-01-01T00:00:00Z, close_time: 1970-01-01T00:00:10Z}, value: 50}
                    - {key: key-1, window: {open_time: 1970-01-01T00:00:00Z, close_time: 1970-01-01T00:00:10Z}, value: 50}
                    - {key: key-0, window: {open_time: 1970-01-01T00:00:10Z, close_time: 1970-01-01T00:00:20Z}, value: 50}
                    - {key: key-1, window: {open_time: 1970-01-01T00:00:10Z, close_time: 1970-01-01T00:00:20Z}, value: 50}
                  open_windows:
                    - {key: key-0, open_time: 1970-01-01T00:00:20Z, count: 3}
                    - {key: key-1, open_time: 1970-01-01T00:00:20Z, count: 2}
              - at: 30s
                expect:
                  outputs:
                    - {key: key-0, window: {open_time: 1970-01-01T00:00:20Z, close_time: 1970-01-01T00:00:30Z}, value: 3}
                    - {key: key-1, window: {open_time: 1970-01-01T00:00:20Z, close_time: 1970-01-01T00:00:30Z}, value: 2}
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  /** A window given in part is not the produced window: each field given is compared in full. */
  @Test
  void aFieldGivenInPartDoesNotMatch() throws Exception {
    var r = run(COUNTS, """
          - name: part of a window
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}]
              - flush: true
              - expect:
                  outputs: [{key: a, window: {open_time: 1970-01-01T00:00:00Z}}]
        """);
    // the produced record is named as the one produced instead, and not listed again as unexpected
    assertEquals(List.of("p.test.yaml:8:21: outputs: expected, not produced: {\"key\":\"a\",\"window\":{\"open_time\":"
        + "\"1970-01-01T00:00:00Z\"}}; produced instead: {\"key\":\"a\",\"window\":{\"open_time\":\"1970-01-01T00:00:00Z\","
        + "\"close_time\":\"1970-01-01T00:00:10Z\"},\"value\":1} (window: expected {\"open_time\":\"1970-01-01T00:00:00Z\"}, got "
        + "{\"open_time\":\"1970-01-01T00:00:00Z\",\"close_time\":\"1970-01-01T00:00:10Z\"})"), failures(r.get(0)));
  }

  @Test
  void anItemErrorMatchesOnFieldMessageTextAndEvent() throws Exception {
    var r = run(COUNTS, """
          - name: errors
            steps:
              - events: [{ts: 1970-01-01T00:00:01Z}, {user: [1], ts: 1970-01-01T00:00:01Z}]
              - expect:
                  errors:
                    - {field: key, message: 'no such key', event: {ts: 1970-01-01T00:00:01Z}}
                    - {field: key, event: {user: [1], ts: 1970-01-01T00:00:01Z}}
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }
}
