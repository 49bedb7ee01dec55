package dev.transom.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a person is watching standard error (for progress lines). */
final class Terminal {
  private Terminal() {}

  static boolean stderrIsTerminal() {
    try {
      Path fd = Path.of("/proc/self/fd/2");
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (Exception e) {
      // not Linux, or /proc is not readable: fall back below
    }
    return System.console() != null;
  }
}
