package dev.transom.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The allowed dependencies between packages (ARCHITECTURE.md), checked on the import lines. */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/transom");

  @Test
  void windowingCoreImportsOnlyTheJdkAndItself() throws IOException {
    assertImports("windowing", i -> i.startsWith("java.") || i.startsWith("dev.transom.windowing"));
  }

  @Test
  void definitionExprAndCompileNeverTouchVertxJdbcOrRuntime() throws IOException {
    Predicate<String> allowed = i -> !(i.startsWith("io.vertx") || i.startsWith("java.sql") || i.startsWith("org.h2")
        || i.startsWith("dev.transom.runtime") || i.startsWith("dev.transom.state") || i.startsWith("dev.transom.api"));
    assertImports("definition", allowed);
    assertImports("expr", allowed);
    assertImports("compile", allowed);
  }

  @Test
  void onlyTheStatePackageTouchesJdbcOrH2() throws IOException {
    Predicate<String> noJdbc = i -> !(i.startsWith("java.sql") || i.startsWith("org.h2"));
    for (String pkg : List.of("windowing", "definition", "expr", "compile", "cli", "components", "runtime", "api", "io")) {
      assertImports(pkg, noJdbc);
    }
  }

  @Test
  void vertxStaysInRuntimeApiAndCli() throws IOException {
    Predicate<String> noVertx = i -> !i.startsWith("io.vertx");
    for (String pkg : List.of("windowing", "definition", "expr", "compile", "components", "state", "io")) {
      assertImports(pkg, noVertx);
    }
  }

  @Test
  void celIsUsedOnlyBehindTheExprFacade() throws IOException {
    Predicate<String> noCel = i -> !i.startsWith("dev.cel");
    for (String pkg : List.of("windowing", "definition", "compile", "cli", "components")) {
      assertImports(pkg, noCel);
    }
  }

  private static void assertImports(String pkg, Predicate<String> allowed) throws IOException {
    Path dir = MAIN.resolve(pkg);
    assertTrue(Files.isDirectory(dir), dir + " is missing");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(f)) {
          String l = line.strip();
          if (l.startsWith("import ")) {
            String imported = l.substring(7).replace("static ", "").replace(";", "").strip();
            if (!allowed.test(imported)) {
              violations.add(MAIN.relativize(f) + ": " + imported);
            }
          }
        }
        // fully qualified uses slip past import checks; catch the forbidden roots anywhere
        String text = Files.readString(f);
        for (String root : List.of("io.vertx.", "java.sql.", "org.h2.", "dev.cel.")) {
          if (text.contains(root) && !allowed.test(root)) {
            violations.add(MAIN.relativize(f) + ": uses " + root + "*");
          }
        }
      }
    }
    assertEquals(List.of(), violations, "forbidden dependencies in " + pkg);
  }
}
