package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden fixtures: each {@code invalid/x.yaml} must give exactly the lines of {@code x.expected}
 * ({@code FILE:LINE:COL: message}). Adding a case needs no Java: drop in the two files.
 */
class InvalidFixturesTest {
  static final Path DIR = Path.of("src/test/resources/invalid");

  @TestFactory
  Stream<DynamicTest> everyFixtureGivesExactlyItsExpectedLines() throws IOException {
    List<Path> fixtures;
    try (Stream<Path> s = Files.list(DIR)) {
      fixtures = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(fixtures.isEmpty(), "no fixtures found in " + DIR.toAbsolutePath());
    return fixtures.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      String name = p.getFileName().toString();
      byte[] bytes = Files.readAllBytes(p); // as every reader of definitions takes them: bytes, judged strictly
      Path expectedFile = p.resolveSibling(name.replace(".yaml", ".expected"));
      List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank()).toList();
      DefinitionLoader.Result r = DefinitionLoader.load(name, bytes);
      List<String> actual = r.problems().stream().map(Problem::format).toList();
      assertFalse(expected.isEmpty(), expectedFile + " is empty");
      assertEquals(expected, actual);
    }));
  }
}
