package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live-outputs stream through the npm {@code eventsource} package, the client users run in
 * Node: runs {@code web-ui/test/sse.test.mjs} (installed by {@code npm ci} in {@code web-ui/test}
 * before the end-to-end tests) against the packaged jar. It checks the named events and their ids,
 * the client's own resume after a dropped connection (with {@code Last-Event-ID}, nothing twice,
 * nothing lost), {@code reload}, {@code deleted}, the gap after the pipeline is created again, and
 * {@code access_token}: right, and wrong (401, the client stops).
 */
class SseClientIT {
  @Test
  void theEventSourcePackageReadsResumesAndAuthenticates() throws Exception {
    assertTrue(Files.isDirectory(Jar.ROOT.resolve("web-ui/test/node_modules/eventsource")),
        "eventsource is not installed: run (cd web-ui/test && npm ci), as the build does before the end-to-end tests");
    ProcessBuilder pb = new ProcessBuilder("node", Jar.ROOT.resolve("web-ui/test/sse.test.mjs").toString())
        .directory(Jar.ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("TRANSOM_JAR", Jar.JAR.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the SSE client test did not finish");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.lines().anyMatch(l -> l.equals("sse client test: 5 checks ok, 0 failed")), out);
  }
}
