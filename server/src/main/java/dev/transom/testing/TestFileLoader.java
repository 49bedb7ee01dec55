package dev.transom.testing;

import dev.transom.definition.DefinitionFiles;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PathPolicy;
import dev.transom.definition.spec.Checked;
import dev.transom.definition.spec.Linter;
import dev.transom.definition.spec.Problem;
import dev.transom.definition.yaml.SafeYaml;
import dev.transom.io.DurationText;
import dev.transom.io.Rfc3339;
import dev.transom.io.Utf8;
import dev.transom.windowing.Micros;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;

/**
 * A test file's text to a {@link TestFile}: compose safely, lint against {@link TestFileSpec}, load
 * the pipeline it names, and work out every step's time. Every problem is located, in the test
 * file or, for the pipeline's own problems, in the definition.
 */
public final class TestFileLoader {
  /** Most events one generate step makes (as its {@code count} allows). */
  static final long MAX_GENERATED = 1_000_000_000L;

  private TestFileLoader() {}

  public record Result(TestFile file, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** @param shown the file's name in problems, as the user gave it */
  public static Result load(String shown, Path path) {
    return load(shown, path, null, null);
  }

  /**
   * Like {@link #load(String, Path)}, but testing {@code candidate} (a version not yet taken: a
   * gated reload's) in place of the definition file the test names, which must be {@code candidateFile}.
   */
  public static Result load(String shown, Path path, dev.transom.definition.PipelineDef candidate, Path candidateFile) {
    try {
      long size = Files.size(path);
      if (size > DefinitionLoader.MAX_FILE_BYTES) {
        return failed(shown, "file too large for a test file (" + size + " bytes)");
      }
      byte[] bytes = Files.readAllBytes(path);
      String text;
      try {
        text = Utf8.decode(bytes);
      } catch (Utf8.Malformed e) {
        return new Result(null, List.of(new Problem(shown, e.line(), e.column(), e.getMessage()
            + ": a test file must be UTF-8 text")));
      }
      return load(shown, path, text, candidate, candidateFile);
    } catch (NoSuchFileException e) {
      return failed(shown, "no such file");
    } catch (IOException e) {
      return failed(shown, "cannot read: " + e.getMessage());
    }
  }

  static Result load(String shown, Path path, String text) {
    return load(shown, path, text, null, null);
  }

  static Result load(String shown, Path path, String text, dev.transom.definition.PipelineDef candidate,
      Path candidateFile) {
    SafeYaml.Composed composed = SafeYaml.compose(text);
    if (composed.failed()) {
      return failed(shown, composed.line(), composed.col(), composed.error());
    }
    if (composed.root() == null) {
      return failed(shown, "the test file is empty (expected a mapping with pipeline and tests)");
    }
    Linter linter = new Linter(shown, text);
    Checked root = linter.checkRoot(composed.root(), TestFileSpec.SPEC);
    if (root == null || !linter.problems().isEmpty()) {
      return sorted(null, linter.problems());
    }
    List<Problem> problems = new ArrayList<>();
    Checked pipeline = root.get("pipeline");
    String badPath = dev.transom.definition.TestFilePaths.problem(pipeline.value().toString());
    if (badPath != null) {
      linter.report(pipeline.mark(), "pipeline: " + badPath);
      return sorted(null, linter.problems());
    }
    Path definition = (path.getParent() == null ? Path.of("") : path.getParent()).resolve(pipeline.value().toString());
    Path shownParent = Path.of(shown).getParent();
    String definitionShown = (shownParent == null ? Path.of(pipeline.value().toString())
        : shownParent.resolve(pipeline.value().toString())).normalize().toString();
    DefinitionLoader.Result loaded;
    if (candidate != null) {
      if (!definition.toAbsolutePath().normalize().equals(candidateFile.toAbsolutePath().normalize())) {
        linter.report(pipeline.mark(), "pipeline: this file tests " + definitionShown + ", not "
            + candidateFile.getFileName());
        return sorted(null, linter.problems());
      }
      loaded = new DefinitionLoader.Result(candidate, List.of());
    } else if (!Files.isRegularFile(definition)) {
      linter.report(pipeline.mark(), "pipeline: no such definition: " + definitionShown);
      return sorted(null, linter.problems());
    } else {
      loaded = DefinitionFiles.load(definitionShown, definition, PathPolicy.AS_WRITTEN);
    }
    if (!loaded.ok()) {
      linter.report(pipeline.mark(), "pipeline: " + definitionShown + " is not a valid definition ("
          + loaded.problems().size() + (loaded.problems().size() == 1 ? " problem" : " problems") + ", below)");
      problems.addAll(linter.problems());
      problems.addAll(loaded.problems());
      return new Result(null, problems);
    }
    dev.transom.compile.Plan plan = dev.transom.compile.Plan.of(loaded.definition());
    dev.transom.windowing.WindowOperator operator =
        new dev.transom.windowing.WindowOperator(plan.clock(), plan.windower(), plan.aggregate());
    List<TestFile.TestCase> cases = new ArrayList<>();
    Map<String, Mark> names = new LinkedHashMap<>();
    int index = 0;
    for (Checked c : root.get("tests").list()) {
      String name = c.text("name");
      Mark seen = names.putIfAbsent(name, c.get("name").mark());
      if (seen != null) {
        linter.report(c.get("name").mark(), "tests: the name '" + name + "' is used twice (first at line "
            + (seen.getLine() + 1) + ")");
      }
      TestFile.TestCase test = bindCase(c, linter);
      for (TestFile.Step step : test.steps()) {
        if (step instanceof TestFile.Close close && operator.closeRefusal(close.key() != null) != null) {
          linter.report(close.where().line(), close.where().col(), "close: " + operator.closeRefusal(close.key() != null));
        }
      }
      if (test.steps().stream().noneMatch(s -> s instanceof TestFile.Expect)) {
        linter.report(c.get("name").mark(), "tests[" + index + "]: no expect step, so this test cannot fail");
      }
      cases.add(test);
      index++;
    }
    if (!linter.problems().isEmpty()) {
      return sorted(null, linter.problems());
    }
    return new Result(new TestFile(shown, loaded.definition(), List.copyOf(cases)), List.of());
  }

  private static TestFile.TestCase bindCase(Checked c, Linter linter) {
    long start = c.number("start", 0);
    long now = start;
    List<TestFile.Step> steps = new ArrayList<>();
    for (Checked s : c.get("steps").list()) {
      long at = now;
      if (s.has("at")) {
        Long to = at(s.get("at"), start, linter);
        if (to != null && to < now) {
          linter.report(s.get("at").mark(), "at: " + s.text("at") + " is before the time the steps above reach ("
              + Micros.toInstant(now) + "); time never moves back");
        } else if (to != null) {
          at = to;
        }
      }
      now = at;
      if (s.has("events")) {
        List<TestFile.Event> events = new ArrayList<>();
        for (Checked e : s.get("events").list()) {
          events.add(new TestFile.Event(e.value(), where(e.mark())));
        }
        steps.add(new TestFile.Events(at, List.copyOf(events)));
      } else if (s.has("advance")) {
        now = checkedAdd(at, s.number("advance", 0), s.get("advance").mark(), linter);
        steps.add(new TestFile.Advance(at, now));
      } else if (s.has("generate")) {
        Checked g = s.get("generate");
        long rate = TestFileSpec.GENERATE.number(g, "rate");
        long count;
        long span;
        if (g.has("count")) {
          count = g.number("count", 0);
          span = count * 1_000_000L / rate; // count and rate are bounded by the spec: no overflow
        } else {
          span = g.number("for", 0);
          java.math.BigInteger n = java.math.BigInteger.valueOf(rate).multiply(java.math.BigInteger.valueOf(span))
              .divide(java.math.BigInteger.valueOf(1_000_000L));
          count = n.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
          if (count < 1 || count > MAX_GENERATED) {
            linter.report(g.mark(), "generate: rate × for makes " + n + " events (from 1 to " + MAX_GENERATED + ")");
            count = 1;
          }
        }
        now = checkedAdd(at, span, g.mark(), linter);
        steps.add(new TestFile.Generate(at, rate, count, TestFileSpec.GENERATE.number(g, "keys"), now, where(g.mark())));
      } else if (s.has("flush")) {
        steps.add(new TestFile.Flush(at, where(s.get("flush").mark())));
      } else if (s.has("close")) {
        Checked close = s.get("close");
        steps.add(new TestFile.Close(at, close.value() instanceof Map ? close.text("key") : null, where(close.mark())));
      } else {
        steps.add(expect(at, s.get("expect"), linter));
      }
    }
    return new TestFile.TestCase(c.text("name"), where(c.get("name").mark()), start, List.copyOf(steps));
  }

  private static TestFile.Expect expect(long at, Checked e, Linter linter) {
    boolean exact = !"contains".equals(e.text("match"));
    Map<String, TestFile.Where> lists = new LinkedHashMap<>();
    for (String list : List.of("outputs", "late", "errors", "open_windows")) {
      lists.put(list, where(e.has(list) ? e.get(list).mark() : e.mark()));
    }
    List<TestFile.ExpectedError> errors = null;
    if (e.has("errors")) {
      errors = new ArrayList<>();
      for (Checked x : e.get("errors").list()) {
        errors.add(new TestFile.ExpectedError(x.text("field"), x.text("message"),
            x.has("event") ? x.get("event").value() : null, where(x.mark())));
      }
    } else if (exact) {
      errors = List.of();
    }
    return new TestFile.Expect(at, exact, records(e, "outputs", exact), records(e, "late", exact), errors,
        records(e, "open_windows", exact), lists, where(e.mark()));
  }

  private static List<TestFile.Expected> records(Checked e, String list, boolean exact) {
    if (!e.has(list)) {
      return exact && !list.equals("open_windows") ? List.of() : null;
    }
    List<TestFile.Expected> out = new ArrayList<>();
    for (Checked x : e.get(list).list()) {
      out.add(new TestFile.Expected(x.value(), where(x.mark())));
    }
    return out;
  }

  /** {@code at}: an offset from the start, or a time of its own; {@code null} (reported) when it is neither. */
  private static Long at(Checked at, long start, Linter linter) {
    String text = at.value().toString();
    try {
      long t = Math.addExact(start, DurationText.parseMicros(text));
      if (!Micros.inRange(t)) {
        linter.report(at.mark(), "at: " + text + " after the start is beyond the largest time Transom can hold");
        return null;
      }
      return t;
    } catch (ArithmeticException tooFar) {
      linter.report(at.mark(), "at: " + text + " after the start is beyond the largest time Transom can hold");
      return null;
    } catch (DurationText.Invalid notAnOffset) {
      try {
        long t = Rfc3339.parseMicros(text);
        if (Micros.inRange(t)) {
          return t;
        }
      } catch (Rfc3339.Invalid notATime) {
        // reported below
      }
    }
    linter.report(at.mark(), "at: expected an offset from start (30s, 1m) or an RFC 3339 time with an offset, got '"
        + text + "'");
    return null;
  }

  private static long checkedAdd(long at, long micros, Mark mark, Linter linter) {
    long to = at + micros;
    if (to < at || !Micros.inRange(to)) {
      linter.report(mark, "this moves the time beyond the largest time Transom can hold");
      return at;
    }
    return to;
  }

  private static TestFile.Where where(Mark m) {
    return m == null ? new TestFile.Where(1, 1) : new TestFile.Where(m.getLine() + 1, m.getColumn() + 1);
  }

  private static Result sorted(TestFile file, List<Problem> problems) {
    List<Problem> p = new ArrayList<>(problems);
    java.util.Collections.sort(p);
    return new Result(file, p);
  }

  private static Result failed(String file, String message) {
    return failed(file, 1, 1, message);
  }

  private static Result failed(String file, int line, int col, String message) {
    return new Result(null, List.of(new Problem(file, line, col, message)));
  }
}
