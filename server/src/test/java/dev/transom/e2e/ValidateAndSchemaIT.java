package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateAndSchemaIT {
  private static final Path FIXTURES = Jar.ROOT.resolve("server/src/test/resources/invalid");
  @TempDir
  Path tmp;

  @Test
  void validatePrintsExactlyTheGoldenLinesForEveryInvalidFixture() throws Exception {
    List<String> names = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    try (Stream<Path> s = Files.list(FIXTURES)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        names.add(p.getFileName().toString());
        Path exp = p.resolveSibling(p.getFileName().toString().replace(".yaml", ".expected"));
        Files.readAllLines(exp).stream().filter(l -> !l.isBlank()).forEach(expected::add);
      }
    }
    List<String> args = new ArrayList<>(List.of("validate"));
    args.addAll(names);
    Jar.Result r = Jar.run(FIXTURES, null, args.toArray(String[]::new));
    assertEquals(2, r.exit());
    Jar.assertNoStackTrace(r);
    assertEquals(expected, r.out().lines().toList());
  }

  @Test
  void examplePipelinesValidate() throws Exception {
    Jar.Result r = Jar.run(Jar.ROOT, null, "validate", "definitions");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().lines().filter(l -> l.contains(": ok")).count() >= 5, r.out());
  }

  @Test
  void schemaValidatesEveryExampleAndRejectsAnUnknownField() throws Exception {
    Jar.Result r = Jar.run(Jar.ROOT, null, "schema");
    assertEquals(0, r.exit(), r.err());
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(r.out());
    try (Stream<Path> s = Files.list(Jar.ROOT.resolve("definitions"))) {
      List<Path> defs = s.filter(p -> dev.transom.definition.DefinitionFiles.isDefinition(p.getFileName().toString()))
          .toList();
      assertTrue(defs.size() >= 4);
      for (Path p : defs) {
        String yaml = Files.readString(p);
        List<Error> errors = schema.validate(yaml, InputFormat.YAML);
        assertEquals(List.of(), errors, p + " against the schema");
        List<Error> bad = schema.validate(yaml + "\nunknown_field: 1\n", InputFormat.YAML);
        assertTrue(!bad.isEmpty(), "the schema must reject unknown fields");
      }
    }
  }

  @Test
  void theTestFileSchemaValidatesEveryExampleTestAndRejectsAnUnknownField() throws Exception {
    Jar.Result r = Jar.run(Jar.ROOT, null, "schema", "test");
    assertEquals(0, r.exit(), r.err());
    Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(r.out());
    try (Stream<Path> s = Files.list(Jar.ROOT.resolve("definitions"))) {
      List<Path> tests = s.filter(p -> dev.transom.definition.DefinitionFiles.isTest(p.getFileName().toString())).toList();
      assertTrue(tests.size() >= 6, tests.toString());
      for (Path p : tests) {
        String yaml = Files.readString(p);
        assertEquals(List.of(), schema.validate(yaml, InputFormat.YAML), p + " against the test-file schema");
        String misspelt = yaml.replaceFirst("(?m)^(\\s+(- )?)expect:", "$1expekt:");
        assertTrue(!misspelt.equals(yaml) && !schema.validate(misspelt, InputFormat.YAML).isEmpty(),
            "the schema must reject an unknown step field in " + p);
      }
    }
  }

  @Test
  void garbageInputsNeverPrintAStackTrace() throws Exception {
    Random random = new Random(42);
    List<String> files = new ArrayList<>();
    byte[] noise = new byte[4096];
    random.nextBytes(noise);
    Files.write(tmp.resolve("binary.yaml"), noise);
    files.add("binary.yaml");
    Files.writeString(tmp.resolve("list.yaml"), "- a\n- b\n");
    files.add("list.yaml");
    Files.writeString(tmp.resolve("scalar.yaml"), "just text\n");
    files.add("scalar.yaml");
    Files.writeString(tmp.resolve("two-docs.yaml"), "a: 1\n---\nb: 2\n");
    files.add("two-docs.yaml");
    Files.writeString(tmp.resolve("huge.yaml"), "a: '" + "x".repeat(5_000_000) + "'\n", StandardCharsets.UTF_8);
    files.add("huge.yaml");
    Files.createDirectory(tmp.resolve("dir.yaml"));
    files.add("nonexistent.yaml");
    List<String> args = new ArrayList<>(List.of("validate"));
    args.addAll(files);
    Jar.Result r = Jar.run(tmp, null, args.toArray(String[]::new));
    assertEquals(2, r.exit());
    Jar.assertNoStackTrace(r);
    for (String f : files) {
      assertTrue(r.out().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(f) + ":\\d+:\\d+: .+")),
          f + " has no located problem in:\n" + r.out());
    }
  }
}
