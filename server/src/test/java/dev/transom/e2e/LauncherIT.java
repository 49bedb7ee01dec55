package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script ({@code ./transom}) as users run it: on Java 25 and later its class-data
 * archive is made once per build, is one the JVM can map, changes nothing a command prints, and is
 * made again after a build; before Java 25 there is none.
 * The script and the jar are copied into a layout of their own, so that the launcher finds no
 * sources to rebuild from and writes its archive beside the copy.
 */
class LauncherIT {
  @TempDir
  Path tmp;

  private static final String DEF = """
      name: launched
      source: {kind: http}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: 0s}
      window: {kind: tumbling, length: 10s}
      aggregate: {count: true}
      """;

  private static final String INPUT = """
      {"user":"a","n":1,"ts":"2024-05-01T10:00:01Z"}
      {"user":"a","n":2,"ts":"2024-05-01T10:00:04Z"}
      {"user":"b","n":5,"ts":"2024-05-01T10:00:12Z"}
      """;

  private static final List<String> EXPECTED = List.of(
      "{\"pipeline\":\"launched\",\"key\":\"a\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
          + "\"close_time\":\"2024-05-01T10:00:10Z\"},\"value\":2}",
      "{\"pipeline\":\"launched\",\"key\":\"b\",\"window\":{\"open_time\":\"2024-05-01T10:00:10Z\","
          + "\"close_time\":\"2024-05-01T10:00:20Z\"},\"value\":1}");

  record Run(int exit, String out, String err) {}

  private Run launch(Path home, Path jdk, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(home.resolve("transom").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().remove("TRANSOM_CDS");
    pb.environment().remove("TRANSOM_JAVA_OPTS");
    pb.environment().putAll(env);
    // the JVM under test, first on the PATH the script looks in
    pb.environment().put("PATH", jdk.resolve("bin") + ":" + System.getenv("PATH"));
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("./transom " + String.join(" ", args) + " did not finish in 180 s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The launcher and jar in a home of their own, and the definition and input in the working directory. */
  private Path layout() throws IOException {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    Files.writeString(tmp.resolve("in.jsonl"), INPUT);
    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve("server/target"));
    Files.copy(Jar.ROOT.resolve("transom"), home.resolve("transom"));
    Files.copy(Jar.JAR, home.resolve("server/target/transom.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    return home;
  }

  private static List<Path> archives(Path home) throws IOException {
    Path dir = home.resolve("server/target/cds");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  /** The major version of the JDK at {@code home}, as the launcher reads it. */
  private static int major(Path home) {
    try {
      Process p = new ProcessBuilder(home.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(60, TimeUnit.SECONDS);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("java\\.specification\\.version = (?:1\\.)?(\\d+)").matcher(out);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /** The JDK the tests run on when it is the kind asked for, else one in /usr/lib/jvm; fails when there is none. */
  private static Path jdk(java.util.function.IntPredicate wanted, String what) throws IOException {
    Path self = Path.of(System.getProperty("java.home"));
    if (wanted.test(major(self))) {
      return self;
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> s = Files.list(jvms)) {
        for (Path p : s.sorted().toList()) {
          if (Files.isExecutable(p.resolve("bin/java")) && wanted.test(major(p))) {
            return p;
          }
        }
      }
    }
    throw new AssertionError("this test needs " + what + " (as the test JVM or in /usr/lib/jvm); none was found");
  }

  @Test
  void onJava25TheArchiveIsMadeOnceIsUsableAndChangesNoOutput() throws Exception {
    Path jdk = jdk(v -> v >= 25, "a JDK 25 or later");
    Path home = layout();

    Run first = launch(home, jdk, Map.of(), "run", "p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(0, first.exit(), first.err());
    assertEquals(EXPECTED, first.out().lines().toList(), first.err());
    assertTrue(first.err().contains("preparing a class-data archive"), first.err());
    List<Path> made = archives(home);
    assertEquals(1, made.size(), "one archive, no temporary file left: " + made);

    // The JVM refuses to start with -Xshare:on when it cannot map the archive.
    Process check = new ProcessBuilder(jdk.resolve("bin/java").toString(),
        "-XX:SharedArchiveFile=" + made.get(0), "-Xshare:on", "-jar", home.resolve("server/target/transom.jar").toString(),
        "version").redirectErrorStream(true).start();
    String checkOut = new String(check.getInputStream().readAllBytes());
    assertTrue(check.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, check.exitValue(), checkOut);
    assertTrue(checkOut.startsWith("transom "), checkOut);

    Run second = launch(home, jdk, Map.of(), "run", "p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(0, second.exit(), second.err());
    assertEquals(EXPECTED, second.out().lines().toList());
    assertFalse(second.err().contains("class-data archive"), second.err());

    // A new build (a newer jar) is trained again; the old archive is replaced, not kept beside it.
    Path jar = home.resolve("server/target/transom.jar");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(made.get(0)).toMillis() + 5_000));
    Run third = launch(home, jdk, Map.of(), "run", "p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(0, third.exit(), third.err());
    assertEquals(EXPECTED, third.out().lines().toList());
    assertTrue(third.err().contains("preparing a class-data archive"), third.err());
    assertEquals(made, archives(home));
  }

  @Test
  void offMeansNoArchiveAndValidateTrainsNone() throws Exception {
    Path jdk = jdk(v -> v >= 25, "a JDK 25 or later");
    Path home = layout();
    Run r = launch(home, jdk, Map.of(), "validate", "p.yaml");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(), archives(home), "validate is short: no training for it");
    Run off = launch(home, jdk, Map.of("TRANSOM_CDS", "off"), "run", "p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(0, off.exit(), off.err());
    assertEquals(EXPECTED, off.out().lines().toList());
    assertEquals(List.of(), archives(home));
  }

  /** On Java 17 the archive cost throughput (README, "The launcher"): none is made, and nothing changes. */
  @Test
  void beforeJava25NoArchive() throws Exception {
    Path jdk = jdk(v -> v > 0 && v < 25, "a JDK before 25");
    Path home = layout();
    for (int i = 0; i < 2; i++) {
      Run r = launch(home, jdk, Map.of(), "run", "p.yaml", "--input", "in.jsonl", "--output", "-");
      assertEquals(0, r.exit(), r.err());
      assertEquals(EXPECTED, r.out().lines().toList());
      assertFalse(r.err().contains("class-data archive"), r.err());
      assertEquals(List.of(), archives(home));
    }
  }
}
