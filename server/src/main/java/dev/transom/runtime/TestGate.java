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
      names.add(base.substring(0, base.lastIndexOf('.')) + ".test.yaml");
    }
    List<Problem> failures = new ArrayList<>();
    int tests = 0;
    int failed = 0;
    for (String name : names) {
      Path test = dir.resolve(name).normalize();
      String testShown = Pipelines.display(test);
      if (!Files.isRegularFile(test)) {
        failures.add(new Problem(shown, gate.line(), gate.col(), "tests: no test file " + testShown
            + " (tests.gate needs the tests it runs)"));
        failed++;
        continue;
      }
      TestFileLoader.Result loaded = TestFileLoader.load(testShown, test, def, file);
      if (!loaded.ok()) {
        failures.addAll(loaded.problems());
        failed++;
        continue;
      }
      for (TestRunner.CaseResult r : TestRunner.run(loaded.file())) {
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
    out.add(new Problem(shown, gate.line(), gate.col(), "tests: " + failed + " of " + Math.max(tests, failed)
        + " failed against this version (tests.gate), so it is not taken; the failures follow"));
    out.addAll(failures);
    return out;
  }
}
