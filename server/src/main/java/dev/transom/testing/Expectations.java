package dev.transom.testing;

import dev.transom.compile.ItemError;
import dev.transom.definition.spec.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An {@code expect} step's lists against what the pipeline produced: each expected record that
 * nothing matched is a failure at its own line, with the nearest produced record and the fields
 * that differ; with {@code exact}, each produced record nothing expected is a failure at the list.
 */
final class Expectations {
  /** Failures one list reports at most; the rest are counted in one more line. */
  static final int SHOWN = 20;
  /** Produced records searched for the nearest one to a record nothing matched. */
  static final int NEAREST_AMONG = 10_000;

  private Expectations() {}

  static void compare(String file, String list, boolean exact, List<TestFile.Expected> expected, Produced produced,
      TestFile.Where listWhere, List<Problem> failures) {
    if (expected == null) {
      return;
    }
    List<Integer> indexes = indexes(produced.size());
    int[] pair = Matching.pair(expected, indexes, (e, j) -> Matching.matches(e.value(), produced.get(j)),
        e -> e.value() instanceof Map<?, ?> m ? m.get("key") : null, produced::key);
    boolean[] taken = new boolean[produced.size()];
    for (int j : pair) {
      if (j >= 0) {
        taken[j] = true;
      }
    }
    Report report = new Report(failures);
    // a produced record shown as the one produced instead of an expected one is not listed again
    boolean[] shown = new boolean[produced.size()];
    boolean anyLeft = !allTaken(taken);
    for (int i = 0; i < expected.size(); i++) {
      if (pair[i] < 0) {
        TestFile.Expected e = expected.get(i);
        String near = report.full() ? null : nearest(e.value(), produced, taken, shown);
        String after = near != null ? "; " + near
            : !anyLeft ? "; nothing else was produced"
            : sameKeyLeft(e.value(), produced, taken) ? "" // shown already, as produced instead of another
            : noneWithItsKey(e.value());
        report.add(new Problem(file, e.where().line(), e.where().col(), list + ": expected, not produced: "
            + Shown.of(e.value()) + after));
      }
    }
    report.flush(file, listWhere, list, "expected records not produced");
    if (exact) {
      for (int j = 0; j < produced.size(); j++) {
        if (!taken[j] && !shown[j]) {
          report.add(report.full() ? null : new Problem(file, listWhere.line(), listWhere.col(), list
              + ": produced, not expected: " + Shown.record(produced.get(j))));
        }
      }
      report.flush(file, listWhere, list, "records produced, not expected");
    }
  }

  private static boolean allTaken(boolean[] taken) {
    for (boolean t : taken) {
      if (!t) {
        return false;
      }
    }
    return true;
  }

  /** The nearest record not taken and not shown yet, marked shown; among those of the same key when it gives one. */
  private static String nearest(Object expected, Produced produced, boolean[] taken, boolean[] shown) {
    Object key = expected instanceof Map<?, ?> m ? m.get("key") : null;
    List<Object> candidates = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int j = 0; j < produced.size() && candidates.size() < NEAREST_AMONG; j++) {
      if (!taken[j] && !shown[j] && (key == null || !(produced.key(j) instanceof String k) || !(key instanceof String)
          || Matching.equal(key, k))) {
        candidates.add(produced.get(j));
        at.add(j);
      }
    }
    Matching.Near near = Matching.nearest(expected, candidates);
    if (near == null) {
      return null;
    }
    for (int c = 0; c < candidates.size(); c++) {
      if (candidates.get(c) == near.record()) {
        shown[at.get(c)] = true;
      }
    }
    return near.text();
  }

  private static List<Integer> indexes(int n) {
    List<Integer> l = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      l.add(j);
    }
    return l;
  }

  static void compareErrors(String file, boolean exact, List<TestFile.ExpectedError> expected, List<ItemError> produced,
      TestFile.Where listWhere, List<Problem> failures) {
    if (expected == null) {
      return;
    }
    Produced events = new Produced(produced.stream().map(ItemError::item).toList());
    List<Integer> indexes = indexes(produced.size());
    int[] pair = Matching.pair(expected, indexes, (x, j) -> matches(x, produced.get(j), events.get(j)), x -> null,
        j -> null);
    boolean[] taken = new boolean[produced.size()];
    for (int j : pair) {
      if (j >= 0) {
        taken[j] = true;
      }
    }
    Report report = new Report(failures);
    for (int i = 0; i < expected.size(); i++) {
      if (pair[i] < 0) {
        TestFile.ExpectedError x = expected.get(i);
        StringBuilder what = new StringBuilder();
        if (x.field() != null) {
          what.append("field ").append(x.field());
        }
        if (x.message() != null) {
          what.append(what.isEmpty() ? "" : ", ").append("message containing '").append(x.message()).append('\'');
        }
        if (x.event() != null) {
          what.append(what.isEmpty() ? "" : ", ").append("event ").append(Shown.of(x.event()));
        }
        report.add(new Problem(file, x.where().line(), x.where().col(), "errors: expected, not produced: an error with "
            + (what.isEmpty() ? "any field" : what) + (produced.isEmpty() ? "; no item failed" : "")));
      }
    }
    report.flush(file, listWhere, "errors", "expected errors not produced");
    for (int j = 0; exact && j < produced.size(); j++) {
      if (!taken[j]) {
        ItemError e = produced.get(j);
        report.add(new Problem(file, listWhere.line(), listWhere.col(), "errors: produced, not expected: "
            + e.describe() + " (event " + Shown.of(events.get(j)) + ")"));
      }
    }
    report.flush(file, listWhere, "errors", "errors produced, not expected");
  }

  private static boolean sameKeyLeft(Object expected, Produced produced, boolean[] taken) {
    if (!(expected instanceof Map<?, ?> m) || !m.containsKey("key")) {
      return false;
    }
    for (int j = 0; j < produced.size(); j++) {
      if (!taken[j] && Matching.equal(m.get("key"), produced.key(j))) {
        return true;
      }
    }
    return false;
  }

  private static String noneWithItsKey(Object expected) {
    return expected instanceof Map<?, ?> m && m.containsKey("key") ? "; nothing with key " + Shown.of(m.get("key"))
        + " was produced" : "";
  }

  private static boolean matches(TestFile.ExpectedError x, ItemError e, Object event) {
    return (x.field() == null || x.field().equals(e.field()))
        && (x.message() == null || e.message().contains(x.message()))
        && (x.event() == null || Matching.equal(x.event(), event));
  }

  /** Keeps the first {@link #SHOWN} failures of a kind and counts the others. */
  private static final class Report {
    private final List<Problem> failures;
    private int count;

    Report(List<Problem> failures) {
      this.failures = failures;
    }

    /** Counts a failure; {@code p} may be null once {@link #full()}: it would not be shown. */
    void add(Problem p) {
      if (++count <= SHOWN) {
        failures.add(p);
      }
    }

    boolean full() {
      return count >= SHOWN;
    }

    void flush(String file, TestFile.Where where, String list, String what) {
      if (count > SHOWN) {
        failures.add(new Problem(file, where.line(), where.col(), list + ": " + (count - SHOWN) + " more " + what));
      }
      count = 0;
    }
  }
}
