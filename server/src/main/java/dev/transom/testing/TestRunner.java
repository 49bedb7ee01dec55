package dev.transom.testing;

import dev.transom.definition.spec.Problem;
import java.util.ArrayList;
import java.util.List;

/** Runs a test file's tests, one after another, each on a fresh pipeline. */
public final class TestRunner {
  private TestRunner() {}

  /** One test's outcome: its failures (none: it passed) and how long it ran. */
  public record CaseResult(String file, String name, TestFile.Where where, List<Problem> failures, long nanos) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** For {@link #run(TestFile, long)}: no deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  public static List<CaseResult> run(TestFile file) {
    return run(file, NO_DEADLINE);
  }

  /**
   * Like {@link #run(TestFile)}, stopping each test that is still running at {@code deadlineNanos}
   * ({@link System#nanoTime()}) as failed: a gated reload in the server must not run without end.
   */
  public static List<CaseResult> run(TestFile file, long deadlineNanos) {
    List<CaseResult> results = new ArrayList<>();
    for (TestFile.TestCase test : file.tests()) {
      long t0 = System.nanoTime();
      List<Problem> failures;
      try {
        failures = new CaseRun(file, test, deadlineNanos).run();
      } catch (CaseRun.OutOfTime e) {
        failures = List.of(new Problem(file.file(), test.where().line(), test.where().col(),
            "stopped: the tests ran past their time (" + e.getMessage() + ")"));
      } catch (RuntimeException | StackOverflowError e) {
        // a bug of ours, not of the test: said where the test is, and the others still run
        failures = List.of(new Problem(file.file(), test.where().line(), test.where().col(),
            "internal error while running this test: " + e));
      }
      results.add(new CaseResult(file.file(), test.name(), test.where(), failures, System.nanoTime() - t0));
    }
    return results;
  }
}
