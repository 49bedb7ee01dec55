package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.Checked;
import dev.transom.definition.spec.Linter;
import dev.transom.definition.yaml.SafeYaml;
import dev.transom.io.Utf8;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML text to a {@link PipelineDef}: compose safely, lint against {@link PipelineSpec}, check the
 * rules that span fields, and bind only when nothing is wrong.
 */
public final class DefinitionLoader {
  /** Whether {@code node} is a mapping with key {@code key} and a non-null value. */
  private static boolean hasValuedKey(org.yaml.snakeyaml.nodes.Node node, String key) {
    if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode m)) {
      return false;
    }
    for (var t : m.getValue()) {
      if (t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k && key.equals(k.getValue())
          && !(t.getValueNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode v
              && v.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL))) {
        return true;
      }
    }
    return false;
  }

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
    return load(file, bytes, PathPolicy.AS_WRITTEN);
  }

  /**
   * Like {@link #load(String, byte[])}, with the paths of file sources and sinks judged and
   * resolved by {@code paths}: a refused path is a located problem at its value, and the definition
   * holds each path as resolved.
   */
  public static Result load(String file, byte[] bytes, PathPolicy paths) {
    String text;
    try {
      text = Utf8.decode(bytes);
    } catch (Utf8.Malformed e) {
      return new Result(null, List.of(new Problem(file, e.line(), e.column(),
          e.getMessage() + ": a definition must be UTF-8 text")));
    }
    return load(file, text, paths);
  }

  /** @param file the name to print in problems (as the user gave it) */
  public static Result load(String file, String text) {
    return load(file, text, PathPolicy.AS_WRITTEN);
  }

  /** Like {@link #load(String, String)}, with file paths judged and resolved by {@code paths}. */
  public static Result load(String file, String text, PathPolicy paths) {
    return load(file, text, paths, System.getenv());
  }

  /**
   * Like {@link #load(String, String, PathPolicy)}, with {@code ${NAME}} and {@code ${NAME:-default}}
   * in scalar values taken from {@code env} ({@link dev.transom.definition.yaml.EnvSubstitution}).
   */
  public static Result load(String file, String text, PathPolicy paths, Map<String, String> env) {
    SafeYaml.Composed composed = SafeYaml.compose(text);
    if (composed.failed()) {
      return new Result(null, List.of(new Problem(file, composed.line(), composed.col(), composed.error())));
    }
    Linter linter = new Linter(file, text);
    List<dev.transom.definition.yaml.EnvSubstitution.Missing> unset = new ArrayList<>();
    org.yaml.snakeyaml.nodes.Node substituted =
        dev.transom.definition.yaml.EnvSubstitution.apply(composed.root(), text, env, unset);
    for (dev.transom.definition.yaml.EnvSubstitution.Missing u : unset) {
      linter.report(u.line(), u.col(), u.message());
    }
    Checked root = linter.checkRoot(substituted, PipelineSpec.SPEC);
    Map<Checked, String> resolved = new IdentityHashMap<>();
    if (root != null) {
      crossChecks(root, linter);
      checkComponents(root, linter, paths, resolved);
    }
    String id = null;
    if (root != null) {
      id = root.text("name");
      // A name that is there but invalid has its own problem already; the file name is no fallback for it.
      if (id == null && !root.has("name") && !hasValuedKey(composed.root(), "name")) {
        id = idFromFileName(file);
        if (id == null) {
          linter.report(1, 1, "name: missing, and the file name '" + baseName(file)
              + "' is not a valid id (lowercase letters, digits, '-' and '_'); add a name: field");
        }
      }
    }
    List<Problem> problems = new ArrayList<>(linter.problems());
    // a scalar with an unset variable has that one problem, not also the ones its half-made text causes
    problems.removeIf(p -> unset.stream().anyMatch(u -> p.line() == u.scalarLine() && p.col() == u.scalarCol()
        && !p.message().equals(u.message())));
    Collections.sort(problems);
    if (!problems.isEmpty() || root == null) {
      return new Result(null, problems);
    }
    return new Result(bind(id, file, text, root, resolved), List.of());
  }

  /**
   * The paths of file sources and sinks against {@code paths} (each resolved one noted in
   * {@code resolved}, by its component), and h2 sinks' tables against the server's own tables.
   */
  private static void checkComponents(Checked root, Linter linter, PathPolicy paths, Map<Checked, String> resolved) {
    List<Map.Entry<String, Checked>> sinks = new ArrayList<>();
    if (root.has("sinks")) {
      List<Checked> list = root.get("sinks").list();
      for (int i = 0; i < list.size(); i++) {
        sinks.add(Map.entry("sinks[" + i + "]", list.get(i)));
      }
    }
    if (root.has("late")) {
      sinks.add(Map.entry("late", root.get("late")));
    }
    Checked source = root.get("source");
    if (source != null && "file".equals(source.kind())) {
      checkPath("source", source, PathPolicy.Use.INPUT, linter, paths, resolved);
    }
    for (Map.Entry<String, Checked> s : sinks) {
      Checked sink = s.getValue();
      if ("file".equals(sink.kind())) {
        checkPath(s.getKey(), sink, PathPolicy.Use.OUTPUT, linter, paths, resolved);
      } else if ("h2".equals(sink.kind()) && sink.has("table")) {
        String problem = dev.transom.components.H2Sink.tableProblem(sink.text("table"));
        if (problem != null) {
          linter.report(sink.get("table").mark(), s.getKey() + ".table: " + problem);
        }
      }
    }
  }

  private static void checkPath(String where, Checked component, PathPolicy.Use use, Linter linter, PathPolicy paths,
      Map<Checked, String> resolved) {
    Checked path = component.get("path");
    if (path == null) {
      return; // reported missing already
    }
    PathPolicy.Resolved r = paths.resolve(use, (String) path.value());
    if (r.problem() != null) {
      linter.report(path.mark(), where + ".path: " + r.problem());
    } else {
      resolved.put(component, r.path());
    }
  }

  /** The component with its {@code path} as resolved, at the same place in the text. */
  private static ComponentDef component(Checked c, Map<Checked, String> resolved) {
    String path = resolved.get(c);
    if (path == null) {
      return new ComponentDef(c.kind(), c);
    }
    Map<String, Checked> options = new LinkedHashMap<>(c.map());
    options.put("path", new Checked(path, c.get("path").mark()));
    return new ComponentDef(c.kind(), new Checked(Collections.unmodifiableMap(options), c.mark()));
  }

  /** The id a file gets when it has no {@code name}: its name without extension, if that is a valid id. */
  public static String idFromFileName(String file) {
    String base = baseName(file);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    return base.matches(PipelineSpec.ID_PATTERN) ? base : null;
  }

  /**
   * The last part of a file name as given. Not every name is a path: {@code POST /api/validate?file=}
   * names the text as the client likes, and a NUL in it made {@link Path#of} throw (a 500).
   */
  private static String baseName(String file) {
    try {
      Path name = Path.of(file).getFileName();
      return name == null ? "" : name.toString();
    } catch (java.nio.file.InvalidPathException e) {
      return file.substring(file.lastIndexOf('/') + 1);
    }
  }

  private static void crossChecks(Checked root, Linter linter) {
    Checked tests = root.get("tests");
    if (tests != null && tests.has("files")) {
      for (Checked f : tests.get("files").list()) {
        String problem = TestFilePaths.problem((String) f.value());
        if (problem != null) {
          linter.report(f.mark(), "tests.files: " + problem);
        }
      }
    }
    Checked window = root.get("window");
    Checked aggregate = root.get("aggregate");
    for (var rule : PipelineSpec.SPEC.requiredWhen()) {
      Checked kindOwner = root.get(rule.kindField());
      Checked at = root;
      for (String part : rule.at()) {
        at = at == null ? null : at.get(part);
      }
      // A field given but wrong (merge: 'acc +') has its own problem; it is not also missing.
      boolean reported = linter.problems().stream().anyMatch(p -> p.message().startsWith(rule.path() + ":"));
      if (kindOwner != null && rule.kind().equals(kindOwner.kind()) && at != null && !at.has(rule.field()) && !reported) {
        linter.report(at.mark(), rule.path() + ": missing (" + rule.why() + ")");
      }
    }
    if (aggregate != null && aggregate.has("max_size")
        && WindowingSpecs.GROWING.stream().noneMatch(aggregate::has)) {
      String chosen = aggregate.map().keySet().stream().filter(k -> !k.equals("max_size")).findFirst().orElse(null);
      linter.report(aggregate.get("max_size").mark(), "aggregate.max_size: only reduce, fold and collect keep an "
          + "accumulator that grows" + (chosen == null ? "" : " (" + chosen + " does not)"));
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

  private static PipelineDef bind(String id, String file, String text, Checked root, Map<Checked, String> resolved) {
    Checked src = root.get("source");
    List<StepDef> steps = steps(root.get("steps"));
    List<StepDef> then = steps(root.get("then"));
    List<ComponentDef> sinks = new ArrayList<>();
    if (root.has("sinks")) {
      for (Checked s : root.get("sinks").list()) {
        sinks.add(component(s, resolved));
      }
    }
    Checked late = root.get("late");
    long interval = root.has("checkpoint") ? root.get("checkpoint").number("interval", 10_000_000L) : 10_000_000L;
    return new PipelineDef(id, file, text, component(src, resolved), steps, root.expr("key"),
        root.expr("value"), WindowingSpecs.bindClock(root.get("clock")), WindowingSpecs.bindWindow(root.get("window")),
        WindowingSpecs.bindAggregate(root.get("aggregate")), then, List.copyOf(sinks),
        late == null ? null : component(late, resolved), interval,
        root.has("limits") ? root.get("limits").number("memory", 0L) : 0L, testGate(root.get("tests")));
  }

  private static PipelineDef.TestGate testGate(Checked tests) {
    if (tests == null || !PipelineSpec.TESTS.flag(tests, "gate")) {
      return null;
    }
    List<String> files = new ArrayList<>();
    if (tests.has("files")) {
      tests.get("files").list().forEach(f -> files.add((String) f.value()));
    }
    var m = tests.mark();
    return new PipelineDef.TestGate(List.copyOf(files), m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1);
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
