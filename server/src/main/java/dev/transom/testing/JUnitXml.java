package dev.transom.testing;

import dev.transom.definition.spec.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results as a JUnit XML report ({@code --junit PATH}), the form CI systems read: a test suite
 * per test file, a test case per test, each failure's located lines in its {@code <failure>}; a
 * file that could not be loaded is a suite with one errored case holding its problems.
 */
public final class JUnitXml {
  private JUnitXml() {}

  public static String write(List<TestRunner.CaseResult> results, Map<String, List<Problem>> unloadable) {
    Map<String, List<TestRunner.CaseResult>> byFile = new LinkedHashMap<>();
    for (TestRunner.CaseResult r : results) {
      byFile.computeIfAbsent(r.file(), f -> new java.util.ArrayList<>()).add(r);
    }
    long failures = results.stream().filter(r -> !r.passed()).count();
    double total = results.stream().mapToLong(TestRunner.CaseResult::nanos).sum() / 1e9;
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<testsuites name=\"transom test\" tests=\"").append(results.size() + unloadable.size())
        .append("\" failures=\"").append(failures).append("\" errors=\"").append(unloadable.size())
        .append("\" time=\"").append(seconds(total)).append("\">\n");
    for (Map.Entry<String, List<TestRunner.CaseResult>> f : byFile.entrySet()) {
      List<TestRunner.CaseResult> cases = f.getValue();
      b.append("  <testsuite name=\"").append(attr(f.getKey())).append("\" tests=\"").append(cases.size())
          .append("\" failures=\"").append(cases.stream().filter(r -> !r.passed()).count())
          .append("\" errors=\"0\" time=\"")
          .append(seconds(cases.stream().mapToLong(TestRunner.CaseResult::nanos).sum() / 1e9)).append("\">\n");
      for (TestRunner.CaseResult r : cases) {
        b.append("    <testcase name=\"").append(attr(r.name())).append("\" classname=\"").append(attr(r.file()))
            .append("\" file=\"").append(attr(r.file())).append("\" line=\"").append(r.where().line())
            .append("\" time=\"").append(seconds(r.nanos() / 1e9)).append('"');
        if (r.passed()) {
          b.append("/>\n");
          continue;
        }
        b.append(">\n      <failure message=\"").append(attr(r.failures().get(0).format())).append("\">");
        for (Problem p : r.failures()) {
          b.append(text(p.format())).append('\n');
        }
        b.append("</failure>\n    </testcase>\n");
      }
      b.append("  </testsuite>\n");
    }
    for (Map.Entry<String, List<Problem>> f : unloadable.entrySet()) {
      b.append("  <testsuite name=\"").append(attr(f.getKey())).append("\" tests=\"1\" failures=\"0\" errors=\"1\">\n");
      b.append("    <testcase name=\"(the file)\" classname=\"").append(attr(f.getKey())).append("\">\n");
      b.append("      <error message=\"").append(attr(f.getValue().get(0).format())).append("\">");
      for (Problem p : f.getValue()) {
        b.append(text(p.format())).append('\n');
      }
      b.append("</error>\n    </testcase>\n  </testsuite>\n");
    }
    return b.append("</testsuites>\n").toString();
  }

  private static String seconds(double s) {
    return String.format(java.util.Locale.ROOT, "%.3f", s);
  }

  private static String text(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c); // XML 1.0 holds no other control characters
      }
    }
    return b.toString();
  }

  private static String attr(String s) {
    return text(s).replace("\"", "&quot;").replace("\n", "&#10;");
  }
}
