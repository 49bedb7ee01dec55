package dev.transom.definition;

import dev.transom.definition.spec.Checked;
import dev.transom.definition.spec.Linter;
import dev.transom.definition.yaml.SafeYaml;
import dev.transom.io.Utf8;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * YAML text to a {@link PipelineDef}: compose safely, lint against {@link PipelineSpec}, check the
 * rules that span fields, and bind only when nothing is wrong.
 */
public final class DefinitionLoader {
  /** A sliding window may put one item in at most this many windows (length / offset). */
  public static final long MAX_WINDOWS_PER_ITEM = 10_000;
  /**
   * The largest definition file read at all (4 bytes per code point of the YAML limit): a larger
   * file is a problem at its line 1, column 1, judged by its size before it is read.
   */
  public static final long MAX_FILE_BYTES = 4L * dev.transom.definition.yaml.SafeYaml.MAX_CODE_POINTS;

  private DefinitionLoader() {}

  /** Either a definition or the problems, sorted by position. */
  public record Result(PipelineDef definition, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Like {@link #load(String, String)}, from the bytes of a file or a request body. Every way a
   * definition comes in (validate, the definitions directory, PUT, POST /api/validate) goes through
   * here, so all of them judge the same text: bytes that are not UTF-8 are a located problem, never
   * text with U+FFFD in their place.
   */
  public static Result load(String file, byte[] bytes) {
    String text;
    try {
      text = Utf8.decode(bytes);
    } catch (Utf8.Malformed e) {
      return new Result(null, List.of(new Problem(file, e.line(), e.column(),
          e.getMessage() + ": a definition must be UTF-8 text")));
    }
    return load(file, text);
  }

  /** @param file the name to print in problems (as the user gave it) */
  public static Result load(String file, String text) {
    SafeYaml.Composed composed = SafeYaml.compose(text);
    if (composed.failed()) {
      return new Result(null, List.of(new Problem(file, composed.line(), composed.col(), composed.error())));
    }
    Linter linter = new Linter(file, text);
    Checked root = linter.checkRoot(composed.root(), PipelineSpec.SPEC);
    if (root != null) {
      crossChecks(root, linter);
    }
    String id = null;
    if (root != null) {
      id = root.text("name");
      if (id == null && !root.has("name")) {
        id = idFromFileName(file);
        if (id == null) {
          linter.report(1, 1, "name: missing, and the file name '" + Path.of(file).getFileName()
              + "' is not a valid id (lowercase letters, digits, '-' and '_'); add a name: field");
        }
      }
    }
    List<Problem> problems = new ArrayList<>(linter.problems());
    Collections.sort(problems);
    if (!problems.isEmpty() || root == null) {
      return new Result(null, problems);
    }
    return new Result(bind(id, file, text, root), List.of());
  }

  /** The id a file gets when it has no {@code name}: its name without extension, if that is a valid id. */
  public static String idFromFileName(String file) {
    String base = Path.of(file).getFileName().toString();
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    return base.matches(PipelineSpec.ID_PATTERN) ? base : null;
  }

  private static void crossChecks(Checked root, Linter linter) {
    Checked window = root.get("window");
    Checked aggregate = root.get("aggregate");
    if (window != null && "session".equals(window.kind()) && aggregate != null && aggregate.has("fold")
        && !aggregate.get("fold").has("merge")) {
      linter.report(aggregate.get("fold").mark(),
          "aggregate.fold.merge: missing (required with session windows: how to combine two sessions' accumulators)");
    }
    if (window != null && "sliding".equals(window.kind()) && window.has("length") && window.has("offset")) {
      long length = window.number("length", 1);
      long offset = window.number("offset", 1);
      long perItem = (length + offset - 1) / offset;
      if (perItem > MAX_WINDOWS_PER_ITEM) {
        linter.report(window.get("offset").mark(), "window.offset: each item would be in " + perItem
            + " windows (length / offset); at most " + MAX_WINDOWS_PER_ITEM + " are allowed");
      }
    }
  }

  private static PipelineDef bind(String id, String file, String text, Checked root) {
    Checked src = root.get("source");
    List<StepDef> steps = steps(root.get("steps"));
    List<StepDef> then = steps(root.get("then"));
    List<ComponentDef> sinks = new ArrayList<>();
    if (root.has("sinks")) {
      for (Checked s : root.get("sinks").list()) {
        sinks.add(new ComponentDef(s.kind(), s));
      }
    }
    Checked late = root.get("late");
    long interval = root.has("checkpoint") ? root.get("checkpoint").number("interval", 10_000_000L) : 10_000_000L;
    return new PipelineDef(id, file, text, new ComponentDef(src.kind(), src), steps, root.expr("key"),
        root.expr("value"), WindowingSpecs.bindClock(root.get("clock")), WindowingSpecs.bindWindow(root.get("window")),
        WindowingSpecs.bindAggregate(root.get("aggregate")), then, List.copyOf(sinks),
        late == null ? null : new ComponentDef(late.kind(), late), interval);
  }

  private static List<StepDef> steps(Checked list) {
    if (list == null) {
      return List.of();
    }
    List<StepDef> out = new ArrayList<>();
    for (Checked s : list.list()) {
      boolean filter = s.has("filter");
      out.add(new StepDef(filter, s.expr(filter ? "filter" : "map")));
    }
    return List.copyOf(out);
  }
}
