package dev.transom.cli;

import dev.transom.definition.DefinitionFiles;
import dev.transom.definition.spec.Problem;
import dev.transom.testing.JUnitXml;
import dev.transom.testing.TestFileLoader;
import dev.transom.testing.TestRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code transom test [FILE|DIR...] [--junit PATH]}: runs the tests of {@code *.test.yaml} files in
 * virtual time. A directory stands for the test files under it; a definition for the test file
 * beside it ({@code x.yaml}: {@code x.test.yaml}). Exit 0 when every test passed, 1 when one
 * failed, 2 when a test file or its definition has problems (the others still run).
 */
public final class TestCommand {
  /** Exit code when a test failed. */
  static final int FAILED = 1;

  private final PrintStream out;

  public TestCommand(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Usage.TEST.flags());
    List<String> roots = a.positional.isEmpty() ? List.of("definitions") : a.positional;
    Set<String> files = new LinkedHashSet<>();
    for (String root : roots) {
      files.addAll(testFiles(root));
    }
    if (files.isEmpty()) {
      throw new UsageException("no test files (*.test.yaml) in " + String.join(", ", roots));
    }
    long t0 = System.nanoTime();
    List<TestRunner.CaseResult> results = new ArrayList<>();
    Map<String, List<Problem>> unloadable = new LinkedHashMap<>();
    for (String file : files) {
      TestFileLoader.Result loaded = TestFileLoader.load(file, Path.of(file));
      if (!loaded.ok()) {
        unloadable.put(file, loaded.problems());
        loaded.problems().forEach(p -> out.println(p.format()));
        continue;
      }
      for (TestRunner.CaseResult r : TestRunner.run(loaded.file())) {
        results.add(r);
        out.println((r.passed() ? "ok   " : "FAIL ") + file + ": " + r.name() + " (" + millis(r.nanos()) + ")");
        for (Problem p : r.failures()) {
          out.println("  " + p.format());
        }
      }
    }
    long failed = results.stream().filter(r -> !r.passed()).count();
    out.println(results.size() + (results.size() == 1 ? " test: " : " tests: ") + (results.size() - failed) + " passed, "
        + failed + " failed" + (unloadable.isEmpty() ? "" : ", " + unloadable.size()
        + (unloadable.size() == 1 ? " file" : " files") + " with problems") + " (" + millis(System.nanoTime() - t0) + ")");
    String junit = a.flag("junit");
    if (junit != null) {
      try {
        Path p = Path.of(junit);
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        Files.writeString(p, JUnitXml.write(results, unloadable));
      } catch (IOException e) {
        out.println("transom test: cannot write the JUnit report " + junit + ": " + e.getMessage());
        return 1;
      }
    }
    return !unloadable.isEmpty() ? 2 : failed > 0 ? FAILED : 0;
  }

  /** The test files {@code root} stands for: itself, those under it, or the one beside a definition. */
  private static List<String> testFiles(String root) throws UsageException {
    Path path = Path.of(root);
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.walk(path)) {
        return s.filter(p -> DefinitionFiles.isTest(p.getFileName().toString()) && Files.isRegularFile(p))
            .map(Path::toString).sorted().toList();
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new UsageException("cannot list " + root + ": " + e.getMessage());
      }
    }
    String name = path.getFileName().toString();
    if (DefinitionFiles.isTest(name) || !DefinitionFiles.isDefinition(name)) {
      return List.of(root); // a missing file is the loader's located problem
    }
    String base = name.substring(0, name.lastIndexOf('.'));
    for (String ext : List.of(".test.yaml", ".test.yml")) {
      Path beside = path.resolveSibling(base + ext);
      if (Files.isRegularFile(beside)) {
        return List.of(beside.toString());
      }
    }
    throw new UsageException(root + " is a definition with no test file beside it (" + base + ".test.yaml)");
  }

  private static String millis(long nanos) {
    double ms = nanos / 1e6;
    return ms < 10 ? String.format(java.util.Locale.ROOT, "%.1f ms", ms)
        : ms < 10_000 ? String.format(java.util.Locale.ROOT, "%.0f ms", ms)
        : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000);
  }
}
