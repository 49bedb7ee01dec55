package dev.transom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.cli.TestCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The test runner's own tests: each {@code test-files/X.test.yaml} beside an {@code X.expected}
 * holding what {@code transom test X.test.yaml} prints, line for line (each test's time left out),
 * and its exit code. Adding a case needs no Java.
 */
class TestFilesGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/test-files");

  @TestFactory
  List<DynamicTest> eachTestFilePrintsWhatItsExpectedFileHolds() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path expected : s.filter(p -> p.toString().endsWith(".expected")).sorted().toList()) {
        String name = expected.getFileName().toString().replace(".expected", ".test.yaml");
        tests.add(DynamicTest.dynamicTest(name, () -> {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          int exit = new TestCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8))
              .run(new String[] {"test", DIR.resolve(name).toString()});
          List<String> got = new ArrayList<>();
          for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            got.add(line.replace(DIR + "/", "").replaceAll(" \\([0-9.]+ m?s\\)$", ""));
          }
          got.add("exit: " + exit);
          assertEquals(Files.readAllLines(expected), got, name);
        }));
      }
    }
    return tests;
  }
}
