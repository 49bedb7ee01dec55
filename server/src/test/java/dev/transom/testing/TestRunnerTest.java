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

  @Test
  void closingAKeyEmitsItsWindowsNowAndLaterItemsForThemAreLate() throws Exception {
    String wait = COUNTS.replace("wait: 0s", "wait: 1h");
    var r = run(wait, """
          - name: close one key
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}, {user: a, ts: 1970-01-01T00:00:12Z}, {user: b, ts: 1970-01-01T00:00:03Z}]
              - close: {key: a}
              - expect:
                  outputs:
                    - {key: a, window: {open_time: 1970-01-01T00:00:00Z, close_time: 1970-01-01T00:00:10Z}, value: 1}
                    - {key: a, window: {open_time: 1970-01-01T00:00:10Z, close_time: 1970-01-01T00:00:20Z}, value: 1}
                  open_windows: [{key: b, count: 1}]
              # a's watermark is at 00:20 now: an item in its closed windows is late, one after them is not
              - events: [{user: a, ts: 1970-01-01T00:00:05Z}, {user: a, ts: 1970-01-01T00:00:25Z}]
              - expect:
                  late: [{key: a, time: 1970-01-01T00:00:05Z, watermark: 1970-01-01T00:00:20Z}]
                  open_windows: [{key: a, open_time: 1970-01-01T00:00:20Z}, {key: b}]
              - close: true
              - expect:
                  outputs: [{key: a, value: 1}, {key: b, value: 1}]
                  open_windows: []
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  /** After the close the key's watermark is the session's close time plus the gap (00:15). */
  @Test
  void aSessionClosedNowIsNotReopened() throws Exception {
    var r = run("name: s\nsource: {kind: http}\nkey: event.user\nclock: {kind: event, timestamp: event.ts, wait: 1h}\n"
        + "window: {kind: session, gap: 10s}\naggregate: {count: true}\n", """
          - name: close a session
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}, {user: a, ts: 1970-01-01T00:00:05Z}]
              - close: true
              # 00:04 would form a session that ends (00:04 + 10s) before the watermark: late; 00:09 starts a new one
              - events: [{user: a, ts: 1970-01-01T00:00:04Z}, {user: a, ts: 1970-01-01T00:00:09Z}]
              - expect:
                  outputs: [{key: a, window: {open_time: 1970-01-01T00:00:01Z, close_time: 1970-01-01T00:00:05Z}, value: 2}]
                  late: [{key: a, time: 1970-01-01T00:00:04Z, watermark: 1970-01-01T00:00:15Z}]
                  open_windows: [{key: a, open_time: 1970-01-01T00:00:09Z, count: 1}]
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }

  @Test
  void aCloseThePipelineCannotDoIsAProblemAtTheStep() throws Exception {
    Files.writeString(dir.resolve("sys.yaml"), "name: sys\nsource: {kind: http}\nkey: event.k\nclock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1m}\naggregate: {count: true}\n");
    Files.writeString(dir.resolve("shared.yaml"), COUNTS.replace("wait: 0s", "wait: 0s, scope: pipeline"));
    Path file = dir.resolve("x.test.yaml");
    Files.writeString(file, "pipeline: sys.yaml\ntests:\n  - name: t\n    steps:\n      - close: true\n"
        + "      - expect: {outputs: []}\n");
    assertEquals(List.of("x.test.yaml:5:16: close: on the system clock a window closes at its end: closing it sooner would"
        + " let the next items open another window with the same bounds"),
        TestFileLoader.load("x.test.yaml", file).problems().stream().map(Problem::format).toList());
    Files.writeString(file, "pipeline: shared.yaml\ntests:\n  - name: t\n    steps:\n      - close: {key: a}\n"
        + "      - close: true\n      - expect: {outputs: []}\n");
    assertEquals(List.of("x.test.yaml:5:9: close: clock.scope: pipeline shares one watermark among the keys: close the"
        + " windows of every key, not of one"),
        TestFileLoader.load("x.test.yaml", file).problems().stream().map(Problem::format).toList());
  }

  @Test
  void closingEveryKeyOnASharedWatermarkMovesItToTheLastWindowsEnd() throws Exception {
    var r = run(COUNTS.replace("wait: 0s", "wait: 1h, scope: pipeline"), """
          - name: shared
            steps:
              - events: [{user: a, ts: 1970-01-01T00:00:01Z}, {user: b, ts: 1970-01-01T00:00:31Z}]
              - close: true
              - events: [{user: a, ts: 1970-01-01T00:00:35Z}, {user: c, ts: 1970-01-01T00:00:40Z}]
              - expect:
                  outputs: [{key: a, value: 1}, {key: b, window: {open_time: 1970-01-01T00:00:30Z, close_time: 1970-01-01T00:00:40Z}, value: 1}]
                  late: [{key: a, time: 1970-01-01T00:00:35Z, watermark: 1970-01-01T00:00:40Z}]
                  open_windows: [{key: c, open_time: 1970-01-01T00:00:40Z}]
        """);
    assertEquals(List.of(), failures(r.get(0)));
  }
}
