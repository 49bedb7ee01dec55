package dev.transom.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts the real packaged jar as a process, the way users run it. */
final class Jar {
  static final Path JAR = Path.of(System.getProperty("transom.jar", "target/transom.jar")).toAbsolutePath();
  static final Path ROOT = Path.of(System.getProperty("transom.root", "..")).toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Result run(Path cwd, String stdin, String... args) throws IOException, InterruptedException {
    return runWithBytes(cwd, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** With stdin given as bytes, which need not be UTF-8. */
  static Result runWithBytes(Path cwd, byte[] stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Path out = Files.createTempFile("transom-out", ".txt");
    Path err = Files.createTempFile("transom-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin);
    }
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("transom " + String.join(" ", args) + " did not finish in 120 s");
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }

  static void assertNoStackTrace(Result r) {
    String all = r.all();
    if (all.contains("\tat ") || all.contains("Exception in thread") || all.matches("(?s).*\\bat [a-z]+\\.[a-zA-Z.]+\\(.*")) {
      throw new AssertionError("a stack trace was printed:\n" + all);
    }
  }
}
