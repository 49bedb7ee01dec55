package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    String out = NodeScript.run("sse.test.mjs", "eventsource", java.util.Map.of("TRANSOM_JAR", Jar.JAR.toString()), 3);
    assertTrue(out.lines().anyMatch(l -> l.equals("sse client test: 5 checks ok, 0 failed")), out);
  }
}
