package dev.transom.definition;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A test file named in a definition ({@code tests.files}) or a definition named in a test file
 * ({@code pipeline}): a relative path that stays in its file's directory or below, so a gated
 * reload in {@code serve} reads nothing beside the definitions it serves.
 */
public final class TestFilePaths {
  private TestFilePaths() {}

  /** Why {@code path} cannot be used, or {@code null} when it can. */
  public static String problem(String path) {
    if (path.indexOf('\0') >= 0) {
      return "a path cannot hold a NUL character";
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return "not a path: " + e.getReason();
    }
    if (p.isAbsolute()) {
      return "must be relative to this file's directory (got " + path + ")";
    }
    if (p.normalize().startsWith("..")) {
      return "must stay in this file's directory or below (got " + path + ")";
    }
    return null;
  }
}
