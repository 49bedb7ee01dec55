package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium: runs {@code web-ui/test/dashboard.test.mjs} (Node and
 * playwright-core, installed by {@code .ci/run} or {@code npm ci} in {@code web-ui/test}) against the
 * packaged jar: the basics and a token, the page under live traffic (history on first load, the
 * overview, shape, charts, checkpoints, reloads, sinks, open windows in place, zones, grouped errors, a
 * removed pipeline, accessibility), closing windows now from the open-windows table, the editor (a typo's located
 * problem as it is typed, a preview, apply) and new pipelines from templates, and 50
 * pipelines with 10,000 open windows, whose refresh time it
 * prints. Screenshots land in {@code server/target/dashboard-screenshots/}.
 */
class DashboardIT {
  @Test
  void dashboardShowsWhatAUserWatchesAllDayAndStaysResponsiveAtFiftyPipelines() throws Exception {
    Path script = Jar.ROOT.resolve("web-ui/test/dashboard.test.mjs");
    assertTrue(Files.isDirectory(Jar.ROOT.resolve("web-ui/test/node_modules/playwright-core")),
        "playwright-core is not installed: run (cd web-ui/test && npm ci), as .ci/run does");
    ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(Jar.ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("TRANSOM_JAR", Jar.JAR.toString());
    pb.environment().put("SCREENSHOTS", Jar.ROOT.resolve("server/target/dashboard-screenshots").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the browser test did not finish");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertEquals(24, out.lines().filter(l -> l.startsWith("ok   ")).count(), out);
  }
}
