package dev.transom.runtime;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a definition's exactly-once sinks can be opened, asked before it replaces anything: a
 * sink that cannot open would leave a pipeline that takes events it can never write. A file sink's
 * file that does not exist yet is made (with its directories) and removed again, since the
 * definition may still be refused; one that exists must be a writable file; an h2 sink's table, when it exists, must be one a sink can
 * write. The problems are located at the sink's {@code path} or {@code table}, like the loader's.
 */
final class SinkCheck {
  private SinkCheck() {}

  static List<Problem> problems(PipelineDef def, dev.transom.state.H2State state) {
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < def.sinks().size(); i++) {
      check("sinks[" + i + "]", def.sinks().get(i), def.file(), state, out);
    }
    if (def.late() != null) {
      check("late", def.late(), def.file(), state, out);
    }
    return out;
  }

  private static void check(String where, ComponentDef sink, String file, dev.transom.state.H2State state,
      List<Problem> out) {
    Object config = dev.transom.components.ComponentSpecs.sink(sink).config(sink);
    if (config instanceof dev.transom.components.FileSink.Config f) {
      Path path = f.path();
      String problem = path == null ? null : fileProblem(path);
      if (problem != null) {
        out.add(at(file, sink, "path", where + ".path: cannot write " + path + ": " + problem));
      }
    } else if (config instanceof dev.transom.components.H2Sink.Config h && state != null) {
      String table = h.table();
      String problem;
      try {
        problem = table == null ? null : state.outputTableProblem(table).join();
      } catch (RuntimeException e) {
        problem = null; // storage failing: not this definition's problem; the deployment reports it
      }
      if (problem != null) {
        out.add(at(file, sink, "table", where + ".table: " + problem));
      }
    }
  }

  /** Why {@code p} cannot be opened for appending, or null; leaves no file or directory it made. */
  static String fileProblem(Path p) {
    Path abs = p.toAbsolutePath();
    Path parent = abs.getParent();
    Path firstMade = null; // the outermost directory this check creates
    try {
      if (parent != null) {
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
          firstMade = existing;
          existing = existing.getParent();
        }
        Files.createDirectories(parent);
      }
      if (Files.exists(abs)) {
        // Never opened: closing a channel on a file drops every lock this process holds on it
        // (POSIX), the lock of the version writing it now among them.
        if (Files.isDirectory(abs)) {
          return "is a directory";
        }
        return Files.isWritable(abs) ? null : "permission denied";
      }
      try (FileChannel ch = FileChannel.open(abs, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        // made: it can be written
      }
      if (firstMade == null) {
        Files.deleteIfExists(abs);
      }
      return null;
    } catch (IOException e) {
      return reason(e, abs);
    } finally {
      if (firstMade != null) {
        removeTree(firstMade);
      }
    }
  }

  private static String reason(IOException e, Path target) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException a) {
      return a.getFile() + " exists and is not a directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      String reason = f.getReason().toLowerCase(java.util.Locale.ROOT);
      // the file it names is the one in the way, when it is not the sink's own file
      return f.getFile() == null || f.getFile().equals(target.toString()) ? reason : f.getFile() + ": " + reason;
    }
    return "cannot be opened for writing";
  }

  /** Removes what this check made: only directories it created, and the file in them. */
  private static void removeTree(Path top) {
    try (java.util.stream.Stream<Path> s = Files.walk(top)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // an empty directory left behind is harmless; the deployment would make it anyway
    }
  }

  private static Problem at(String file, ComponentDef sink, String field, String message) {
    dev.transom.definition.spec.Checked c = sink.options().get(field);
    org.yaml.snakeyaml.error.Mark m = c == null ? null : c.mark();
    return m == null ? new Problem(file, 1, 1, message) : new Problem(file, m.getLine() + 1, m.getColumn() + 1, message);
  }
}
