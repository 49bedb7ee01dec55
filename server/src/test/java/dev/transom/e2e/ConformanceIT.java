package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the team's shared conformance cases ({@code ../shared/conformance}, or the directory in
 * {@code TRANSOM_CONFORMANCE}) against the packaged jar with their own runner script.
 */
class ConformanceIT {
  @Test
  void everyPublicConformanceCasePasses() throws Exception {
    String configured = System.getenv("TRANSOM_CONFORMANCE");
    Path dir = configured != null ? Path.of(configured) : Jar.ROOT.resolveSibling("shared").resolve("conformance");
    if (configured == null && !Files.isDirectory(dir)) {
      dir = Path.of("/work/shared/conformance");
    }
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("run-cases")),
        "no conformance suite at " + dir + " (set TRANSOM_CONFORMANCE)");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder("python3", dir.resolve("run-cases").toString(),
        "--cmd", java + " -jar " + Jar.JAR, dir.resolve("cases").toString())
        .directory(Jar.ROOT.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.strip().endsWith(" 0 failed"), out);
  }
}
