package dev.transom.testing;

import dev.transom.compile.ItemError;
import dev.transom.definition.spec.Problem;
import dev.transom.io.JsonValues;
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

  private Expectations() {}

  static void compare(String file, String list, boolean exact, List<TestFile.Expected> expected, List<Object> produced,
      TestFile.Where listWhere, List<Problem> failures) {
    if (expected == null) {
      return;
    }
    int[] pair = Matching.pair(expected, produced, (e, p) -> Matching.matches(e.value(), p),
        e -> e.value() instanceof Map<?, ?> m ? m.get("key") : null, p -> p instanceof Map<?, ?> m ? m.get("key") : null);
    boolean[] taken = new boolean[produced.size()];
    for (int j : pair) {
      if (j >= 0) {
        taken[j] = true;
      }
    }
    List<Object> left = new ArrayList<>();
    for (int j = 0; j < produced.size(); j++) {
      if (!taken[j]) {
        left.add(produced.get(j));
      }
    }
    Report report = new Report(failures);
    // a produced record shown as the one produced instead of an expected one is not listed again
    java.util.Set<Object> shown = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int i = 0; i < expected.size(); i++) {
      if (pair[i] < 0) {
        TestFile.Expected e = expected.get(i);
        List<Object> candidates = left.stream().filter(p -> !shown.contains(p)).toList();
        Matching.Near near = Matching.nearest(e.value(), candidates);
        if (near != null) {
          shown.add(near.record());
        }
        report.add(new Problem(file, e.where().line(), e.where().col(), list + ": expected, not produced: "
            + Shown.of(e.value()) + (near != null ? "; " + near.text()
                : left.isEmpty() ? "; nothing else was produced" : noneWithItsKey(e.value()))));
      }
    }
    report.flush(file, listWhere, list, "expected records not produced");
    if (exact) {
      for (Object p : left) {
        if (!shown.contains(p)) {
          report.add(new Problem(file, listWhere.line(), listWhere.col(), list + ": produced, not expected: "
              + Shown.record(p)));
        }
      }
      report.flush(file, listWhere, list, "records produced, not expected");
    }
  }

  static void compareErrors(String file, boolean exact, List<TestFile.ExpectedError> expected, List<ItemError> produced,
      TestFile.Where listWhere, List<Problem> failures) {
    if (expected == null) {
      return;
    }
    List<Object> events = new ArrayList<>(produced.size());
    for (ItemError e : produced) {
      events.add(normalized(e.item()));
    }
    List<Integer> indexes = new ArrayList<>();
    for (int j = 0; j < produced.size(); j++) {
      indexes.add(j);
    }
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

  private static String noneWithItsKey(Object expected) {
    return expected instanceof Map<?, ?> m && m.containsKey("key") ? "; nothing with key " + Shown.of(m.get("key"))
        + " was produced" : "";
  }

  private static boolean matches(TestFile.ExpectedError x, ItemError e, Object event) {
    return (x.field() == null || x.field().equals(e.field()))
        && (x.message() == null || e.message().contains(x.message()))
        && (x.event() == null || Matching.equal(x.event(), event));
  }

  private static Object normalized(Object item) {
    if (item == null) {
      return dev.transom.expr.CelValues.NULL;
    }
    try {
      return JsonValues.parse(JsonValues.toJson(item));
    } catch (JsonValues.Invalid e) {
      return item.toString();
    }
  }

  /** Keeps the first {@link #SHOWN} failures of a kind and counts the others. */
  private static final class Report {
    private final List<Problem> failures;
    private int count;

    Report(List<Problem> failures) {
      this.failures = failures;
    }

    void add(Problem p) {
      if (++count <= SHOWN) {
        failures.add(p);
      }
    }

    void flush(String file, TestFile.Where where, String list, String what) {
      if (count > SHOWN) {
        failures.add(new Problem(file, where.line(), where.col(), list + ": " + (count - SHOWN) + " more " + what));
      }
      count = 0;
    }
  }
}
