package dev.transom.definition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the {@code path} of a file source or a file sink may lead. A relative path is relative to
 * the working directory, in every command, as it always was: confinement never changes which file a
 * path names, it only decides whether that file is allowed. A confined policy ({@code serve},
 * {@code validate}) refuses a path with a {@code ..} part, a path outside every directory of its
 * use ({@code --input-dir} for sources, {@code --output-dir} for sinks), a path that a symbolic link
 * of an existing parent leads outside them, and any path inside a guarded directory (the data
 * directory, the definitions directory, the web root), judged both as written and as its real path.
 * {@code run} uses {@link #AS_WRITTEN}: it runs the user's own file over the user's own files and
 * refuses nothing.
 */
public final class PathPolicy {
  /** What a path is for: which directories it may lead into, and the flag that names them. */
  public enum Use {
    INPUT("input directory", "--input-dir"),
    OUTPUT("output directory", "--output-dir");

    final String what;
    final String flag;

    Use(String what, String flag) {
      this.what = what;
      this.flag = flag;
    }
  }

  /**
   * A directory of the server's own that no path may lead into, and the flag that names it; a
   * relative {@code dir} is relative to the policy's working directory.
   */
  public record Guarded(Path dir, String what, String flag) {
    Guarded under(Path workingDir) {
      return new Guarded(workingDir.resolve(dir).normalize(), what, flag);
    }
  }

  /** The path to use (absolute once resolved), or why it is refused (then {@code path} is null). */
  public record Resolved(String path, String problem) {
    static Resolved ok(Path p) {
      return new Resolved(p.toString(), null);
    }

    static Resolved refused(String problem) {
      return new Resolved(null, problem);
    }
  }

  /**
   * Paths exactly as written (relative ones relative to the working directory), none refused:
   * {@code run}, and tests and tools that load a definition without a server's directories.
   */
  public static final PathPolicy AS_WRITTEN = new PathPolicy(null, null, null, List.of());

  /** The directory relative paths start at; {@code null} for {@link #AS_WRITTEN}. */
  private final Path workingDir;
  private final List<Path> inputs;
  private final List<Path> outputs;
  private final List<Guarded> guarded;

  private PathPolicy(Path workingDir, List<Path> inputs, List<Path> outputs, List<Guarded> guarded) {
    this.workingDir = workingDir == null ? null : workingDir.toAbsolutePath().normalize();
    this.inputs = inputs == null ? null : under(this.workingDir, inputs);
    this.outputs = outputs == null ? null : under(this.workingDir, outputs);
    this.guarded = guarded.stream().map(g -> g.under(this.workingDir)).toList();
  }

  /**
   * {@code serve} and {@code validate}: a path, relative to {@code workingDir} when relative, must
   * lead inside a directory of its use and stay out of the guarded ones. Relative directories are
   * relative to {@code workingDir} too.
   */
  public static PathPolicy confined(Path workingDir, List<Path> inputs, List<Path> outputs, List<Guarded> guarded) {
    return new PathPolicy(java.util.Objects.requireNonNull(workingDir, "workingDir"), nonEmpty(inputs), nonEmpty(outputs),
        guarded);
  }

  /** Whether this policy refuses anything ({@code serve}, {@code validate}), not {@link #AS_WRITTEN}. */
  public boolean confines() {
    return workingDir != null;
  }

  /**
   * A directory given for inputs or outputs that lies inside a guarded one (every path in it would
   * be refused), as a one-line complaint; {@code null} when there is none.
   */
  public String misplacedDirectory() {
    if (!confines()) {
      return null;
    }
    for (Use use : Use.values()) {
      for (Path root : roots(use)) {
        for (Guarded g : guarded) {
          if (inside(root, g)) {
            return use.flag + " " + root + " is inside " + g.what() + " " + g.dir() + " (" + g.flag()
                + "): sinks and sources may not touch the server's own files";
          }
        }
      }
    }
    return null;
  }

  /**
   * Resolves {@code written} for {@code use} against the working directory; a confined policy may
   * refuse it, with the reason.
   */
  public Resolved resolve(Use use, String written) {
    if (!confines()) {
      return new Resolved(written, null);
    }
    List<Path> roots = roots(use);
    Path p;
    try {
      p = Path.of(written);
    } catch (InvalidPathException e) {
      return Resolved.refused("'" + printable(written) + "' is not a usable file path (" + e.getReason() + ")");
    }
    String where = where(use, roots);
    String shown = printable(written);
    if (written.isBlank()) {
      return Resolved.refused("must name a file inside " + where);
    }
    for (Path part : p) {
      if (part.toString().equals("..")) {
        return Resolved.refused("'" + shown + "': '..' is not allowed; a path stays inside " + where);
      }
    }
    Path target = workingDir.resolve(p).normalize(); // an absolute p stays itself
    Path real;
    try {
      real = realPath(target);
    } catch (IOException e) {
      return Resolved.refused("'" + shown + "' cannot be resolved (" + e.getMessage() + ")");
    }
    for (Guarded g : guarded) {
      if (target.startsWith(g.dir()) || real.startsWith(realOrSelf(g.dir()))) {
        return Resolved.refused("'" + shown + "' is inside " + g.what() + " " + g.dir() + " (" + g.flag()
            + "): sinks and sources may not touch the server's own files; use a path inside " + where);
      }
    }
    Path root = null;
    for (Path r : roots) {
      if (target.startsWith(r)) {
        root = r;
        break;
      }
    }
    if (root == null) {
      return Resolved.refused("'" + shown + "' is outside " + where + (p.isAbsolute() ? "" : relativeHint(use, p)));
    }
    if (target.equals(root)) {
      return Resolved.refused("'" + shown + "' names " + use.what + " " + root + " itself, not a file in it");
    }
    if (!real.startsWith(realOrSelf(root))) {
      return Resolved.refused("'" + shown + "' leads through a symbolic link to " + real + ", outside " + where);
    }
    return Resolved.ok(target);
  }

  /**
   * For a relative path outside every directory of its use: where relative paths start, and the
   * same name inside the first directory of the use when that one would be allowed (a sink's
   * {@code clicks.jsonl} most likely meant {@code out/clicks.jsonl}).
   */
  private String relativeHint(Use use, Path relative) {
    String hint = "; relative paths are relative to the working directory " + workingDir;
    Path root = roots(use).get(0);
    Path inRoot = root.resolve(relative).normalize();
    String suggestion = (inRoot.startsWith(workingDir) ? workingDir.relativize(inRoot) : inRoot).toString();
    if (resolve(use, suggestion).problem() == null) {
      hint += " (did you mean '" + printable(suggestion) + "'?)";
    }
    return hint;
  }

  private List<Path> roots(Use use) {
    return use == Use.INPUT ? inputs : outputs;
  }

  private static String where(Use use, List<Path> roots) {
    String dirs = roots.stream().map(Path::toString).collect(Collectors.joining(", "));
    return (roots.size() == 1 ? "the " + use.what + " " : "the " + use.what.replace("directory", "directories") + " ")
        + dirs + " (" + use.flag + " DIR allows another)";
  }

  private static boolean inside(Path root, Guarded g) {
    return root.startsWith(g.dir()) || realOrSelf(root).startsWith(realOrSelf(g.dir()));
  }

  /**
   * The real path of {@code p} when only a prefix of it exists: the deepest existing entry (a
   * symbolic link counts, and is followed) as its real path, with the missing names appended.
   */
  static Path realPath(Path p) throws IOException {
    Path existing = p;
    List<Path> missing = new ArrayList<>();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(existing + " is a symbolic link to a file that does not exist");
    }
    for (Path name : missing) {
      real = real.resolve(name);
    }
    return real;
  }

  private static Path realOrSelf(Path p) {
    try {
      return realPath(p);
    } catch (IOException e) {
      return p;
    }
  }

  private static List<Path> under(Path workingDir, List<Path> dirs) {
    return dirs.stream().map(d -> workingDir.resolve(d).normalize()).toList();
  }

  private static List<Path> nonEmpty(List<Path> dirs) {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("at least one directory is needed");
    }
    return dirs;
  }

  private static String printable(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }
}
