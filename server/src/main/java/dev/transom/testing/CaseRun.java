package dev.transom.testing;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.Plan;
import dev.transom.definition.spec.Problem;
import dev.transom.engine.Shard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One test, run: a fresh pipeline from the definition, driven through the steps in virtual time
 * (the system time is what the steps say, nothing sleeps), its outputs, late items and item errors
 * collected and compared at each {@code expect}. What it makes goes through the same engine as
 * {@code run} and {@code serve}: a {@link Shard} of the pipeline's {@link Plan}.
 */
final class CaseRun implements Outputs {
  private final TestFile file;
  private final TestFile.TestCase test;
  private final Plan plan;
  private final List<Problem> failures = new ArrayList<>();
  private final List<Map<String, Object>> outputs = new ArrayList<>();
  private final List<Map<String, Object>> late = new ArrayList<>();
  private final List<ItemError> errors = new ArrayList<>();
  private Shard shard;
  private long now;

  /** A test still running at its deadline. */
  static final class OutOfTime extends RuntimeException {
    OutOfTime(String message) {
      super(message);
    }
  }

  private final long deadlineNanos;

  CaseRun(TestFile file, TestFile.TestCase test, long deadlineNanos) {
    this.file = file;
    this.test = test;
    this.deadlineNanos = deadlineNanos;
    this.plan = Plan.of(file.pipeline());
  }

  /** Runs the steps; the failures, each located in the test file (none: it passed). */
  List<Problem> run() {
    shard = newShard();
    now = test.startMicros();
    for (TestFile.Step step : test.steps()) {
      checkTime();
      moveTo(step.atMicros());
      if (step instanceof TestFile.Events e) {
        for (TestFile.Event event : e.events()) {
          shard.event(copy(event.value()), event.where().line(), now);
        }
      } else if (step instanceof TestFile.Advance a) {
        moveTo(a.toMicros());
      } else if (step instanceof TestFile.Generate g) {
        generate(g);
      } else if (step instanceof TestFile.Close c) {
        shard.closeNow(c.key(), now);
      } else if (step instanceof TestFile.Flush f) {
        shard.finish(f.where().line());
        shard = newShard(); // as a windowing reload's new version: empty
      } else {
        check((TestFile.Expect) step);
      }
    }
    return failures;
  }

  private void checkTime() {
    if (deadlineNanos != TestRunner.NO_DEADLINE && System.nanoTime() - deadlineNanos > 0) {
      throw new OutOfTime("its deadline passed before it ended");
    }
  }

  private Shard newShard() {
    return new Shard(plan, this, bad -> errors.add(new ItemError("input", bad.message(), bad.text(), bad.line())));
  }

  /** The time moves on (never back): the windows due by then close, as a wake-up would close them. */
  private void moveTo(long micros) {
    if (micros > now) {
      now = micros;
    }
    shard.advance(now);
  }

  /**
   * Events built as the JSON reader would build them ({@code key}, {@code value}, {@code ts}), with
   * no text to parse. Each closes what is due by its arrival, so the state stays what a live
   * pipeline would hold.
   */
  private void generate(TestFile.Generate g) {
    String[] keys = new String[(int) Math.min(g.keys(), 100_000)];
    Timestamps ts = new Timestamps();
    Long one = 1L;
    for (long i = 0; i < g.count(); i++) {
      if ((i & 0xffff) == 0) {
        checkTime();
      }
      // each event closes what is due by its arrival (the operator advances after every item)
      long at = g.atMicros() + i * 1_000_000L / g.rate();
      int k = (int) (i % g.keys());
      String key = k < keys.length ? keys[k] : null;
      if (key == null) {
        key = "key-" + k;
        if (k < keys.length) {
          keys[k] = key;
        }
      }
      Map<String, Object> event = new LinkedHashMap<>(8); // room for three without a resize
      event.put("key", key);
      event.put("value", one);
      event.put("ts", ts.text(at));
      shard.event(event, g.where().line(), at);
    }
    now = Math.max(now, g.endMicros());
    shard.advance(now);
  }

  private void check(TestFile.Expect x) {
    String where = file.file();
    int before = failures.size();
    Expectations.compare(where, "outputs", x.exact(), x.outputs(), new Produced(outputs), x.lists().get("outputs"),
        failures);
    Expectations.compare(where, "late", x.exact(), x.late(), new Produced(late), x.lists().get("late"), failures);
    Expectations.compareErrors(where, x.exact(), x.errors(), errors, x.lists().get("errors"), failures);
    if (x.openWindows() != null) {
      Expectations.compare(where, "open_windows", x.exact(), x.openWindows(), openWindows(),
          x.lists().get("open_windows"), failures);
    }
    // read top to bottom, as the expect is written
    failures.subList(before, failures.size()).sort(java.util.Comparator.naturalOrder());
    outputs.clear();
    late.clear();
    errors.clear();
  }

  private Produced openWindows() {
    List<Object> rows = new ArrayList<>();
    var op = shard.execution().operator();
    op.forEachOpenWindow((k, w) -> rows.add(dev.transom.compile.OpenWindowRow.of(k, w)));
    return new Produced(rows);
  }

  /** A fresh copy, as JSON reads it: the pipeline may change an event it is handed, the test's stays as written. */
  private static Object copy(Object value) {
    return Produced.of(value);
  }

  @Override
  public void output(Map<String, Object> record) {
    outputs.add(record);
  }

  @Override
  public void late(Map<String, Object> record) {
    late.add(record);
  }

  @Override
  public void error(ItemError error) {
    errors.add(error);
  }

  /** RFC 3339 times as {@link java.time.Instant#toString} writes them, the date part made once per second. */
  static final class Timestamps {
    private long second = Long.MIN_VALUE;
    private final char[] buf = new char[40];
    private int prefix;

    String text(long micros) {
      long s = Math.floorDiv(micros, 1_000_000L);
      if (s != second) {
        second = s;
        String text = java.time.Instant.ofEpochSecond(s).toString();
        prefix = text.length() - 1; // without the Z
        text.getChars(0, prefix, buf, 0);
      }
      int at = prefix;
      int frac = (int) Math.floorMod(micros, 1_000_000L);
      if (frac != 0) {
        buf[at++] = '.';
        int digits = frac % 1_000 == 0 ? 3 : 6;
        int v = digits == 3 ? frac / 1_000 : frac;
        for (int d = digits - 1; d >= 0; d--) {
          buf[at + d] = (char) ('0' + v % 10);
          v /= 10;
        }
        at += digits;
      }
      buf[at++] = 'Z';
      return new String(buf, 0, at);
    }
  }
}
