package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's command-line conventions: version, help, environment, and failures in words. */
class CliConventionsIT {
  @TempDir
  Path tmp;

  /** The jar with extra environment; stdout and stderr together. */
  private Jar.Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Jar.JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("transom " + String.join(" ", args) + " did not finish");
    }
    return new Jar.Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void versionComesFromTheManifest() throws Exception {
    for (String v : new String[] {"--version", "version"}) {
      Jar.Result r = run(Map.of(), v);
      assertEquals(0, r.exit(), r.all());
      assertTrue(r.out().matches("transom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), r.out());
    }
  }

  @Test
  void serveHelpIsTheUsageNotAnUnknownOption() throws Exception {
    Jar.Result r = run(Map.of(), "serve", "--help");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("--workers N") && r.out().contains("--queue N") && r.out().contains("TRANSOM_PORT"), r.out());
  }

  @Test
  void aBadVariableIsNamed() throws Exception {
    Files.createDirectories(tmp.resolve("definitions"));
    Jar.Result r = run(Map.of("TRANSOM_QUEUE", "lots"), "serve");
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().startsWith("transom: TRANSOM_QUEUE (from the environment) must be"), r.err());
    Jar.Result p = run(Map.of("TRANSOM_PORT", "99999"), "serve");
    assertTrue(p.err().startsWith("transom: TRANSOM_PORT (from the environment) must be from 0 to 65535"), p.err());
  }

  @Test
  void aSecondServerOnTheSameDataSaysItIsInUse() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    ServerProcess first = new ServerProcess(tmp).start();
    try {
      // same data directory, another port
      Jar.Result r = run(Map.of(), "serve", "--definitions", tmp.resolve("defs").toString(), "--data",
          tmp.resolve("data").toString(), "--port", "0");
      assertEquals(1, r.exit(), r.all());
      assertTrue(r.err().contains("another transom server (or process) is using " + tmp.resolve("data")), r.err());
      assertTrue(r.err().contains("stop it or use --data DIR"), r.err());
      assertFalse(r.err().contains("move it aside"), r.err());
      Jar.assertNoStackTrace(r);
      assertEquals(200, first.get("/health").statusCode(), "the first server is untouched");
      // and a second server on the first one's port, with data of its own
      Jar.Result busy = run(Map.of(), "serve", "--definitions", tmp.resolve("defs").toString(), "--data",
          tmp.resolve("data2").toString(), "--port", String.valueOf(first.port));
      assertEquals(1, busy.exit(), busy.all());
      assertTrue(busy.err().contains("127.0.0.1:" + first.port + " is already in use; "), busy.err());
      assertFalse(busy.err().contains("Exception"), busy.err());
    } finally {
      first.stop();
    }
  }
}
