package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
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
    assertTrue(Files.isDirectory(Jar.ROOT.resolve("web-ui/test/node_modules/ajv")),
        "ajv is not installed: run (cd web-ui/test && npm ci), as the build does before the end-to-end tests");
    ProcessBuilder pb = new ProcessBuilder("node", Jar.ROOT.resolve("web-ui/test/schema.test.mjs").toString())
        .directory(Jar.ROOT.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the schema test did not finish");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("schema test: [0-9]+ checks ok, 0 failed")), out);
    assertTrue(out.lines().filter(l -> l.startsWith("ok   ")).count() >= 25, out);
  }
}
