package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The committed JSON Schema as editors and ajv users see it: runs {@code web-ui/test/schema.test.mjs}
 * (Node with ajv, ajv-formats and yaml, installed by {@code npm ci} in {@code web-ui/test} before the
 * end-to-end tests). It compiles the schema in ajv's strict mode, passes every example definition and
 * valid shared conformance case through it, and checks that each of a set of mistakes gives exactly
 * the expected errors at the expected places. GeneratedDocsTest keeps the committed schema current.
 */
class SchemaAjvIT {
  @Test
  void committedSchemaCompilesStrictlyAndReportsEachMistakeOnceWhereItIs() throws Exception {
    String out = NodeScript.run("schema.test.mjs", "ajv", java.util.Map.of(), 2);
    assertTrue(out.lines().anyMatch(l -> l.matches("schema test: [0-9]+ checks ok, 0 failed")), out);
    assertTrue(out.lines().filter(l -> l.startsWith("ok   ")).count() >= 25, out);
  }
}
