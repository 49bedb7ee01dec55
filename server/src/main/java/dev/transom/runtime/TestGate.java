package dev.transom.runtime;

import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import dev.transom.testing.TestFileLoader;
import dev.transom.testing.TestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tests: {gate: true}}: a new version of a definition is taken only when its tests pass
 * against it. What fails is returned as problems, as an invalid edit's are: first one at the
 * definition's {@code tests} line saying how many failed, then each failure where the test file
 * has it. Runs on the caller's thread (a reload's, off the event loops); tests run in virtual time.
 */
final class TestGate {
  /**
   * How long one gated change may spend in its tests: a reload holds its file's lock meanwhile.
   * Tests in virtual time take milliseconds; an hour of generated traffic about a second.
   */
  static final long BUDGET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private TestGate() {}

  /** @param file where the definition is (or is about to be written), for the test files beside it */
  static List<Problem> problems(PipelineDef def, Path file, String shown) {
    PipelineDef.TestGate gate = def.testGate();
    if (gate == null) {
      return List.of();
    }
    Path dir = file.toAbsolutePath().getParent();
    List<String> names = new ArrayList<>(gate.files());
    if (names.isEmpty()) {
      String base = file.getFileName().toString();
      String stem = base.substring(0, base.lastIndexOf('.'));
      boolean yml = !Files.exists(file.resolveSibling(stem + ".test.yaml")) && Files.exists(file.resolveSibling(stem + ".test.yml"));
      names.add(stem + (yml ? ".test.yml" : ".test.yaml"));
    }
    List<Problem> failures = new ArrayList<>();
    int tests = 0;
    int failed = 0;
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (String name : names) {
      Path test;
      try {
        test = dir.resolve(name).normalize(); // the loader has checked the path; a test file may still be odd
      } catch (java.nio.file.InvalidPathException e) {
        failures.add(new Problem(shown, gate.line(), gate.col(), "tests.files: not a path: " + name));
        failed++;
        tests++;
        continue;
      }
      String testShown = Pipelines.display(test);
      if (!Files.isRegularFile(test)) {
        failures.add(new Problem(shown, gate.line(), gate.col(), "tests: no test file " + testShown
            + " (tests.gate needs the tests it runs)"));
        failed++;
        tests++;
        continue;
      }
      TestFileLoader.Result loaded = TestFileLoader.load(testShown, test, def, file);
      if (!loaded.ok()) {
        failures.addAll(loaded.problems());
        failed++;
        tests++; // a file that does not load counts as one failed test
        continue;
      }
      for (TestRunner.CaseResult r : TestRunner.run(loaded.file(), deadline)) {
        tests++;
        if (!r.passed()) {
          failed++;
          failures.addAll(r.failures());
        }
      }
    }
    if (failed == 0) {
      return List.of();
    }
    List<Problem> out = new ArrayList<>();
    out.add(new Problem(shown, gate.line(), gate.col(), "tests: " + failed + " of " + tests
        + " failed against this version (tests.gate), so it is not taken; the failures follow"));
    out.addAll(failures);
    return out;
  }
}
