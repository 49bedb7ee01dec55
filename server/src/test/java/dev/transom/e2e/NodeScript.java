package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Node test script of {@code web-ui/test} (its npm packages installed by {@code npm ci} before the end-to-end tests). */
final class NodeScript {
  private NodeScript() {}

  /**
   * Runs {@code web-ui/test/SCRIPT} from the project root with {@code env} added, and returns its
   * output once it exited 0 within {@code minutes}; {@code module} must be installed first.
   */
  static String run(String script, String module, Map<String, String> env, int minutes) throws Exception {
    assertTrue(Files.isDirectory(Jar.ROOT.resolve("web-ui/test/node_modules/" + module)),
        module + " is not installed: run (cd web-ui/test && npm ci), as the build does before the end-to-end tests");
    ProcessBuilder pb = new ProcessBuilder("node", Jar.ROOT.resolve("web-ui/test/" + script).toString())
        .directory(Jar.ROOT.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(minutes, TimeUnit.MINUTES), script + " did not finish");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
