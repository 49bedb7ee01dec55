package dev.transom.cli;

import dev.transom.definition.PathPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The flags that say where file sources and sinks may lead in {@code serve} and {@code validate}:
 * {@code --input-dir DIR} (default {@code input/}) and {@code --output-dir DIR} (default
 * {@code out/}), each repeatable, and the server's own directories they must stay out of:
 * {@code --data}, {@code --definitions} and, when given, {@code --web-root}. They only allow or
 * refuse: a definition's relative paths, like these directories, are relative to the working
 * directory.
 */
final class PathFlags {
  static final String DEFAULT_INPUT = "input";
  static final String DEFAULT_OUTPUT = "out";
  /** What {@code validate} also takes, to judge paths as the server started with them would. */
  static final Set<String> SERVER = Set.of("input-dir", "output-dir", "data", "definitions", "web-root");

  private PathFlags() {}

  /** {@code serve} and {@code validate}: confined to the directories, away from the server's own. */
  static PathPolicy confined(Args a) throws UsageException {
    List<PathPolicy.Guarded> guarded = new ArrayList<>();
    guarded.add(new PathPolicy.Guarded(Path.of(a.flags.getOrDefault("data", "data")), "the data directory", "--data"));
    guarded.add(new PathPolicy.Guarded(Path.of(a.flags.getOrDefault("definitions", "definitions")),
        "the definitions directory", "--definitions"));
    String webRoot = a.flag("web-root");
    if (webRoot != null) {
      guarded.add(new PathPolicy.Guarded(Path.of(webRoot), "the web root", "--web-root"));
    }
    PathPolicy policy = PathPolicy.confined(Path.of("").toAbsolutePath(), dirs(a, "input-dir", DEFAULT_INPUT),
        dirs(a, "output-dir", DEFAULT_OUTPUT), guarded);
    String misplaced = policy.misplacedDirectory();
    if (misplaced != null) {
      throw new UsageException(misplaced);
    }
    return policy;
  }

  private static List<Path> dirs(Args a, String flag, String otherwise) throws UsageException {
    List<String> given = a.values(flag);
    List<Path> out = new ArrayList<>();
    for (String d : given.isEmpty() ? List.of(otherwise) : given) {
      if (d.isBlank()) {
        throw new UsageException("--" + flag + " needs a directory");
      }
      try {
        out.add(Path.of(d));
      } catch (java.nio.file.InvalidPathException e) {
        throw new UsageException("--" + flag + ": not a usable directory path (" + e.getReason() + ")");
      }
    }
    return out;
  }
}
