package dev.transom.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.spec.FieldSpec;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.JsonSchemaWriter;
import dev.transom.definition.spec.ObjectSpec;
import dev.transom.definition.spec.ReferenceDocWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedDocsTest {
  @Test
  void committedReferenceDocMatchesAFreshGeneration() throws Exception {
    Path doc = Path.of("../docs/reference.md");
    String fresh = ReferenceDocWriter.write(PipelineSpec.SPEC);
    assertTrue(Files.exists(doc), "docs/reference.md is missing; generate it with ./transom reference > docs/reference.md");
    assertEquals(fresh, Files.readString(doc), "docs/reference.md is stale; regenerate: ./transom reference > docs/reference.md");
  }

  @Test
  void everyReferenceHeadingIsOneCodeSpanAndWords() {
    for (String line : ReferenceDocWriter.write(PipelineSpec.SPEC).lines().toList()) {
      if (line.startsWith("#")) {
        assertTrue(!line.contains("``") && line.chars().filter(c -> c == '`').count() % 2 == 0, line);
      }
    }
  }

  /** The schema that definitions/ name in their modelines ({@code $schema=../docs/transom.schema.json}). */
  @Test
  void committedSchemaMatchesAFreshGeneration() throws Exception {
    Path schema = Path.of("../docs/transom.schema.json");
    String fresh = JsonSchemaWriter.write(PipelineSpec.SPEC) + "\n";
    assertTrue(Files.exists(schema), "docs/transom.schema.json is missing; generate it with ./transom schema > docs/transom.schema.json");
    assertEquals(fresh, Files.readString(schema),
        "docs/transom.schema.json is stale; regenerate: ./transom schema > docs/transom.schema.json");
  }

  /** The test files' schema and reference ({@code $schema=../docs/transom-test.schema.json} in their modelines). */
  @Test
  void committedTestFileSchemaAndReferenceMatchAFreshGeneration() throws Exception {
    assertEquals(dev.transom.testing.TestFileSpec.schema() + "\n", Files.readString(Path.of("../docs/transom-test.schema.json")),
        "docs/transom-test.schema.json is stale; regenerate: ./transom schema test > docs/transom-test.schema.json");
    assertEquals(dev.transom.testing.TestFileSpec.reference(), Files.readString(Path.of("../docs/testing-reference.md")),
        "docs/testing-reference.md is stale; regenerate: ./transom reference test > docs/testing-reference.md");
  }

  /** Every kind's example, put in a pipeline where that kind belongs, lints clean. */
  @Test
  void everyComponentExampleLintsClean() {
    String base = "source: {kind: http}\nkey: event.user\nclock: {kind: event, timestamp: event.ts, wait: 5s}\n"
        + "window: {kind: tumbling, length: 1m}\naggregate: {count: true}\n";
    List<String> failures = new ArrayList<>();
    for (FieldSpec top : PipelineSpec.SPEC.fields()) {
      List<ObjectSpec> kinds = kindsOf(top.type());
      for (ObjectSpec k : kinds) {
        if (k.example() == null) {
          failures.add(top.name() + "/" + k.name() + ": no example");
          continue;
        }
        String block = top.name() + ":\n" + indent(k.example(), top.type() instanceof FieldType.ListOf ? "  - " : "  ");
        String text = removeField(base, top.name()) + block;
        DefinitionLoader.Result r = DefinitionLoader.load("example.yaml", text);
        if (!r.ok()) {
          failures.add(top.name() + "/" + k.name() + ": " + r.problems());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  private static List<ObjectSpec> kindsOf(FieldType t) {
    if (t instanceof FieldType.ListOf l) {
      return kindsOf(l.item());
    }
    return t instanceof FieldType.Kinds k ? k.kinds() : List.of();
  }

  private static String indent(String yaml, String first) {
    String[] lines = yaml.split("\n");
    StringBuilder sb = new StringBuilder();
    String rest = " ".repeat(first.length());
    for (int i = 0; i < lines.length; i++) {
      sb.append(i == 0 ? first : rest).append(lines[i]).append('\n');
    }
    return sb.toString();
  }

  private static String removeField(String base, String field) {
    StringBuilder sb = new StringBuilder();
    for (String line : base.split("\n")) {
      if (!line.startsWith(field + ":")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }
}
