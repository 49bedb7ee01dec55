package dev.transom.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Generated pipeline definitions, as bytes: drawn from a grammar of the format (mostly valid
 * values, some odd ones), or taken from the example definitions in {@code definitions/}, the
 * golden invalid fixtures and the shared conformance cases; then mutated as a tree (keys deleted,
 * renamed or added, values swapped among fields, retyped, replaced by odd scalars, nested deep)
 * and as text and bytes (lines deleted, duplicated or swapped, truncation, anchors and aliases,
 * tags, several documents, BOMs, CR line ends, tabs, bytes that are not UTF-8).
 */
public final class DefinitionInputs {
  private final List<String> seeds;

  public DefinitionInputs(List<String> seeds) {
    this.seeds = List.copyOf(seeds);
  }

  public int seedCount() {
    return seeds.size();
  }

  /**
   * The example definitions of the repository ({@code transom.root}), its invalid fixtures, and the
   * shared conformance cases' definitions when they are found; none of them is required.
   */
  public static DefinitionInputs fromRepository() {
    List<String> out = new ArrayList<>();
    Path root = Path.of(System.getProperty("transom.root", "..")).toAbsolutePath().normalize();
    addFiles(out, root.resolve("definitions"));
    addFiles(out, root.resolve("server/src/test/resources/invalid"));
    String configured = System.getenv("TRANSOM_CONFORMANCE");
    for (Path dir : new Path[] {configured == null ? null : Path.of(configured), root.resolveSibling("shared").resolve("conformance"),
        Path.of("/work/shared/conformance")}) {
      if (dir != null && Files.isDirectory(dir.resolve("cases"))) {
        addConformance(out, dir.resolve("cases"));
        break;
      }
    }
    return new DefinitionInputs(out);
  }

  private static void addFiles(List<String> out, Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        out.add(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)); // bytes kept as they are
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void addConformance(List<String> out, Path cases) {
    try (Stream<Path> s = Files.list(cases)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(p))) {
          if (doc instanceof Map<?, ?> m && m.get("definition") instanceof String d) {
            out.add(new String(d.replaceAll("\\{\\{\\w+}}", "out/late.jsonl").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- pools of values ----

  static final String[] DURATIONS = {"1s", "10s", "1m", "250ms", "1h30m", "2s500ms", "3650d", "PT10S", "PT5.5S", "P1DT2H", "100ms", "1us",
      "0s", "0", "-1s", "10", "1.5s", "1s 2ms", "1m1h", "1s1s", "1e3s", "s", "", "PT-5S", "P1Y", "P1M", "PT0S", "P0D",
      "9999999999999999999d", "106751991d", "106751992d", "2562047788h", "9223372036854775807us", "9223372036854775808us",
      "PT2562047788015215H", "PT9999999999999999999S", "P106751991167300D", "PT0.0000000001S", "1d1h1m1s1ms1us", "1D", "1 s",
      "٣s", "1ｓ", "PT1H\n", "P", "PT", "T1S", "10ns", "99999999999999999999999999999999999ms"};
  static final String[] TIMESTAMPS = {"2024-01-01T00:00:00Z", "2024-01-01T00:00:00+05:30", "1970-01-01T00:00:00Z",
      "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "1677-09-21T00:12:43Z",
      "2262-04-11T23:47:17Z", "2024-01-01T00:00:00.123456789Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:60Z",
      "2024-01-01T00:00:00+24:00", "2024-01-01t00:00:00z", "now", "0", "1700000000000", "290309-12-31T00:00:00Z"};
  static final String[] EVENT_EXPRS = {"event.user", "event.n", "event.ts", "event.page", "event.clicks", "event.key", "event.value",
      "event.x.y", "event['a b']", "string(event.n)", "event.n > 0", "event.n * 2 + 1", "has(event.user)", "size(event.tags) > 0",
      "event.tags.map(t, t + 'x')", "timestamp(event.ts)", "int(event.n)", "1", "'k'", "true", "event", "{'a': event.n}",
      "[event.n]", "event.n / 0", "event.n % 0", "9223372036854775807 + 1", "double(event.n)", "timestamp(event.ts) + duration('1s')",
      "{}.with('a', 1)", "event.get('user', 'none')", "dyn(event).user", "event.n == null ? 0 : event.n", "'\\u0000'",
      "event.", "((((", "1 +", "event..x", "`", "unknown_var", "acc + value", "result.value", "event.user +", "size(",
      "\"unterminated", "event.n > 0 &&", "event[0]", "event.all(k, k != '')", "event.user.startsWith('a')",
      "event.ts.getHours()", "timestamp('2024-01-01T00:00:00Z')", "duration('1h')", "b'bytes'", "1u", "0x7fffffffffffffff",
      "-9223372036854775808", "1.0 / 0.0", "matches(event.user, '(a+)+$')", "event.user.matches('[')", "é", "event.ü",
      "(" .repeat(120) + "1" + ")".repeat(120), "1" + " + 1".repeat(500), "event.n" + " && true".repeat(300), "[" + "1,".repeat(2000) + "1]"};
  static final String[] ACC_EXPRS = {"acc + value", "acc", "value", "key", "acc.with(value, acc.get(value, 0) + 1)", "acc + other",
      "acc + 1", "{'n': acc.n + 1}", "acc * value", "valu + acc", "acc +", "other", "max(acc, value)", "[acc, value]", "acc.n"};
  static final String[] RESULT_EXPRS = {"result.value > 1", "result.key", "result.window.open_time", "{'k': result.key, 'v': result.value}",
      "result.value", "result.window.close_time - result.window.open_time > duration('1s')", "event.n > 0", "result.", "true"};
  static final String[] SCALARS = {"0", "-1", "1", "10", "1000000", "9223372036854775807", "9223372036854775808", "1e999", "-0", ".inf",
      "-.inf", ".nan", "0x1F", "0o17", "0b101", "1_000", "+12", "1.5", "true", "false", "yes", "no", "on", "off", "null", "~", "''",
      "\"\"", "\"\\u0000\"", "\"\\x00\"", "\"\\ud800\"", "'\u202e'", "\"\\U0001F600\"", "é", "日本語", "😀", "\"a\\nb\"", "'#'", "' '",
      "\"\\t\"", "!!str 1", "!!int x", "!!binary aGVsbG8=", "!!float 1", "!!timestamp 2024-01-01", "!!null ''", "!!bool maybe",
      "!foo bar", "!<tag:yaml.org,2002:str> x", "!!python/object:os.system ls", "[]", "{}", "[1, 2]", "{a: 1}", "|\n  block", ">\n  folded",
      "2024-01-01T00:00:00Z", "12:30:45", "1:20", "=", "<<", "*", "&", "@x", "`x`", "%x", "? x", "- x", "x: y"};
  static final String[] KEYS = {"name", "source", "kind", "steps", "filter", "map", "key", "value", "clock", "timestamp", "wait", "unit",
      "scope", "window", "length", "offset", "align_to", "gap", "aggregate", "reduce", "fold", "init", "step", "merge", "collect",
      "count", "sum", "min", "max", "mean", "first", "last", "by", "then", "sinks", "path", "url", "batch", "timeout", "queue", "table",
      "late", "checkpoint", "interval", "follow", "rate", "keys", "seed", "lenght", "Window", "kind ", "", "<<", "é", "null", "1",
      "true", "windows", "agregate", "sink"};
  static final String[] KINDS = {"http", "file", "generator", "kafka", "event", "system", "tumbling", "sliding", "session", "stdout",
      "webhook", "h2", "Tumbling", "tumbling ", "", "null", "1", "[]", "processing", "global", "count"};
  static final String[] IDS = {"fuzz", "fuzz-a", "fuzz_b", "a", "0", "x".repeat(63), "x".repeat(64), "Fuzz", "-x", "_x", "a b", "é",
      "a/b", "..", ".", "a\u0000b", ""};

  // ---- the grammar ----

  /** Whether the current grammar draw (on this thread) keeps to valid values. */
  private static final ThreadLocal<Boolean> CLEAN = ThreadLocal.withInitial(() -> false);

  /**
   * A definition drawn from the format's grammar: half of the draws with valid values only (so that
   * many compile and run), the others with each field mostly valid, sometimes odd.
   */
  public static Map<String, Object> grammar(SplittableRandom r) {
    CLEAN.set(r.nextBoolean());
    try {
      return draw(r);
    } finally {
      CLEAN.set(false);
    }
  }

  private static Map<String, Object> draw(SplittableRandom r) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (r.nextInt(5) > 0) {
      d.put("name", r.nextInt(6) > 0 ? "fuzz-" + r.nextInt(10) : pick(r, IDS));
    }
    Map<String, Object> source = new LinkedHashMap<>();
    switch (r.nextInt(5)) {
      case 0 -> {
        source.put("kind", "file");
        source.put("path", "in/events.jsonl");
        maybe(r, source, "follow", r.nextBoolean());
      }
      case 1 -> {
        source.put("kind", "generator");
        maybe(r, source, "rate", odd(r, 20));
        maybe(r, source, "count", odd(r, 100));
        maybe(r, source, "keys", odd(r, 5));
        maybe(r, source, "seed", odd(r, 7));
      }
      default -> source.put("kind", r.nextInt(15) == 0 ? pick(r, KINDS) : "http");
    }
    d.put("source", source);
    if (r.nextInt(3) == 0) {
      d.put("steps", steps(r, EVENT_EXPRS, "event.n > 0"));
    }
    d.put("key", expr(r, EVENT_EXPRS, "event.user"));
    if (r.nextBoolean()) {
      d.put("value", expr(r, EVENT_EXPRS, "event.n"));
    }
    Map<String, Object> clock = new LinkedHashMap<>();
    if (r.nextInt(3) == 0) {
      clock.put("kind", "system");
    } else {
      clock.put("kind", r.nextInt(20) == 0 ? pick(r, KINDS) : "event");
      clock.put("timestamp", expr(r, EVENT_EXPRS, "event.ts"));
      clock.put("wait", duration(r, "5s"));
      if (r.nextInt(4) == 0) {
        clock.put("unit", r.nextInt(5) > 0 ? new String[] {"s", "ms", "us", "ns"}[r.nextInt(4)] : pick(r, SCALARS));
      }
      if (r.nextInt(4) == 0) {
        clock.put("scope", r.nextInt(5) > 0 ? (r.nextBoolean() ? "key" : "pipeline") : pick(r, SCALARS));
      }
    }
    d.put("clock", clock);
    Map<String, Object> window = new LinkedHashMap<>();
    switch (r.nextInt(3)) {
      case 0 -> {
        window.put("kind", "tumbling");
        window.put("length", duration(r, "10s"));
      }
      case 1 -> {
        window.put("kind", "sliding");
        window.put("length", duration(r, "10s"));
        window.put("offset", duration(r, "5s"));
      }
      default -> {
        window.put("kind", "session");
        window.put("gap", duration(r, "30s"));
      }
    }
    if (!"session".equals(window.get("kind")) && r.nextInt(3) == 0) {
      window.put("align_to", r.nextInt(3) > 0 ? "2024-01-01T00:00:00Z" : pick(r, TIMESTAMPS));
    }
    if (r.nextInt(25) == 0) {
      window.put("kind", pick(r, KINDS));
    }
    d.put("window", window);
    Map<String, Object> aggregate = new LinkedHashMap<>();
    switch (r.nextInt(8)) {
      case 0 -> aggregate.put("reduce", expr(r, ACC_EXPRS, "acc + value"));
      case 1 -> {
        Map<String, Object> fold = new LinkedHashMap<>();
        fold.put("init", r.nextInt(5) > 0 ? "0" : pick(r, ACC_EXPRS));
        fold.put("step", expr(r, ACC_EXPRS, "acc + 1"));
        if (r.nextBoolean() || "session".equals(window.get("kind"))) {
          fold.put("merge", expr(r, ACC_EXPRS, "acc + other"));
        }
        aggregate.put("fold", fold);
      }
      case 2 -> aggregate.put(r.nextBoolean() ? "min" : "max", r.nextBoolean() ? Boolean.TRUE : Map.of("by", expr(r, ACC_EXPRS, "value")));
      default -> aggregate.put(new String[] {"count", "sum", "mean", "first", "last", "collect"}[r.nextInt(6)],
          r.nextInt(10) > 0 ? Boolean.TRUE : pick(r, SCALARS));
    }
    if (r.nextInt(20) == 0) {
      aggregate.put("count", true); // two aggregates
    }
    d.put("aggregate", aggregate);
    if (r.nextInt(4) == 0) {
      d.put("then", steps(r, RESULT_EXPRS, "result.value > 1"));
    }
    if (r.nextInt(4) == 0) {
      List<Object> sinks = new ArrayList<>();
      for (int i = r.nextInt(3); i >= 0; i--) {
        sinks.add(sink(r));
      }
      d.put("sinks", sinks);
    }
    if (r.nextInt(5) == 0) {
      d.put("late", sink(r));
    }
    if (r.nextInt(5) == 0) {
      d.put("checkpoint", Map.of("interval", duration(r, "1s")));
    }
    return d;
  }

  private static Map<String, Object> sink(SplittableRandom r) {
    Map<String, Object> s = new LinkedHashMap<>();
    switch (r.nextInt(4)) {
      case 0 -> s.put("kind", "stdout");
      case 1 -> {
        s.put("kind", "file");
        s.put("path", "out/fuzz-" + r.nextInt(3) + ".jsonl");
      }
      case 2 -> {
        s.put("kind", "webhook");
        s.put("url", r.nextInt(5) > 0 ? "http://127.0.0.1:1/hook" : pick(r, new String[] {"", "not a url", "ftp://127.0.0.1:1/",
            "http://", "http://127.0.0.1:99999/", "http://[::1/", "http://127.0.0.1:1/" + "x".repeat(5000)}));
        maybe(r, s, "batch", odd(r, 10));
        maybe(r, s, "timeout", duration(r, "1s"));
        maybe(r, s, "queue", odd(r, 100));
      }
      default -> {
        s.put("kind", "h2");
        s.put("table", r.nextInt(4) > 0 ? "fuzz_out" : pick(r, new String[] {"", "a b", "x; DROP TABLE y", "\"q\"", "t".repeat(300),
            "select", "é"}));
      }
    }
    return s;
  }

  private static List<Object> steps(SplittableRandom r, String[] pool, String usual) {
    List<Object> steps = new ArrayList<>();
    for (int i = r.nextInt(3); i >= 0; i--) {
      steps.add(Map.of(r.nextBoolean() ? "filter" : "map", expr(r, pool, usual)));
    }
    return steps;
  }

  private static String expr(SplittableRandom r, String[] pool, String usual) {
    return r.nextInt(3) > 0 || CLEAN.get() ? usual : pick(r, pool);
  }

  private static String duration(SplittableRandom r, String usual) {
    return r.nextInt(3) > 0 || CLEAN.get() ? usual : pick(r, DURATIONS);
  }

  private static Object odd(SplittableRandom r, int usual) {
    return r.nextInt(4) > 0 || CLEAN.get() ? (Object) usual : new Object[] {0, -1, Long.MAX_VALUE, "9999999999999999999999", 1.5, "ten", true,
        Integer.MAX_VALUE, 1_000_000_000}[r.nextInt(9)];
  }

  private static void maybe(SplittableRandom r, Map<String, Object> m, String key, Object value) {
    if (r.nextBoolean()) {
      m.put(key, value);
    }
  }

  static String pick(SplittableRandom r, String[] pool) {
    return pool[r.nextInt(pool.length)];
  }

  // ---- one case ----

  /** One definition: a grammar draw or a seed, mutated 0 to a few times as a tree, as text and as bytes. */
  public byte[] next(SplittableRandom r) {
    String text;
    Object tree = null;
    if (seeds.isEmpty() || r.nextInt(5) < 2) {
      tree = grammar(r);
      if (r.nextBoolean()) {
        return dump(r, tree).getBytes(StandardCharsets.UTF_8); // as drawn: many of these are valid, and run
      }
    } else {
      text = new String(seeds.get(r.nextInt(seeds.size())).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      if (r.nextInt(3) > 0) {
        tree = load(text);
      }
      if (tree == null) {
        return bytes(r, textMutations(r, text, 1 + r.nextInt(3)));
      }
    }
    int treeMutations = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(3);
    for (int i = 0; i < treeMutations; i++) {
      tree = mutate(r, tree, 0);
    }
    text = dump(r, tree);
    int textMutations = r.nextInt(3) > 0 ? 0 : 1 + r.nextInt(2);
    return bytes(r, textMutations(r, text, textMutations));
  }

  private static Object load(String text) {
    try {
      LoaderOptions o = new LoaderOptions();
      o.setAllowDuplicateKeys(false);
      Object t = new Yaml(new SafeConstructor(o)).load(text);
      return t instanceof Map ? t : null;
    } catch (RuntimeException e) {
      return null; // the invalid fixtures: mutated as text only
    }
  }

  private static String dump(SplittableRandom r, Object tree) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(new DumperOptions.FlowStyle[] {DumperOptions.FlowStyle.BLOCK, DumperOptions.FlowStyle.BLOCK,
        DumperOptions.FlowStyle.FLOW, DumperOptions.FlowStyle.AUTO}[r.nextInt(4)]);
    if (r.nextInt(6) == 0) {
      o.setDefaultScalarStyle(new DumperOptions.ScalarStyle[] {DumperOptions.ScalarStyle.DOUBLE_QUOTED,
          DumperOptions.ScalarStyle.SINGLE_QUOTED, DumperOptions.ScalarStyle.LITERAL, DumperOptions.ScalarStyle.FOLDED}[r.nextInt(4)]);
    }
    o.setIndent(2 + r.nextInt(3));
    o.setAllowUnicode(r.nextBoolean());
    if (r.nextInt(4) == 0) {
      o.setExplicitStart(true);
    }
    o.setWidth(r.nextInt(4) == 0 ? 20 : 200);
    try {
      return new Yaml(new Representer(o), o).dump(tree);
    } catch (RuntimeException e) {
      return String.valueOf(tree); // a tree the dumper cannot write (rare): its toString is text too
    }
  }

  /** A copy of {@code node} with one random change somewhere below it. */
  @SuppressWarnings("unchecked")
  private static Object mutate(SplittableRandom r, Object node, int depth) {
    if (node instanceof Map<?, ?> m0 && !m0.isEmpty() && r.nextInt(3) > 0) {
      Map<Object, Object> m = new LinkedHashMap<>((Map<Object, Object>) m0);
      List<Object> keys = new ArrayList<>(m.keySet());
      Object k = keys.get(r.nextInt(keys.size()));
      switch (r.nextInt(12)) {
        case 0 -> m.remove(k);
        case 1 -> { // renamed
          Object v = m.remove(k);
          m.put(pick(r, KEYS), v);
        }
        case 2 -> m.put(pick(r, KEYS), leaf(r)); // added (or replaced)
        case 3 -> { // swapped with another field's value
          Object other = keys.get(r.nextInt(keys.size()));
          Object v = m.get(k);
          m.put(k, m.get(other));
          m.put(other, v);
        }
        case 4 -> m.put(k, retype(r, m.get(k)));
        case 5 -> m.put(k, nest(r, m.get(k)));
        case 6 -> m.put("kind", pick(r, KINDS));
        case 7 -> m.put(k, "x".repeat(1 + r.nextInt(20_000)));
        default -> m.put(k, mutate(r, m.get(k), depth + 1));
      }
      return m;
    }
    if (node instanceof List<?> l0 && !l0.isEmpty() && r.nextInt(3) > 0) {
      List<Object> l = new ArrayList<>(l0);
      int i = r.nextInt(l.size());
      switch (r.nextInt(5)) {
        case 0 -> l.remove(i);
        case 1 -> l.add(l.get(i));
        case 2 -> l.set(i, leaf(r));
        default -> l.set(i, mutate(r, l.get(i), depth + 1));
      }
      return l;
    }
    return r.nextBoolean() ? leaf(r) : retype(r, node);
  }

  private static Object leaf(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0:
        return pick(r, DURATIONS);
      case 1:
        return pick(r, TIMESTAMPS);
      case 2:
        return pick(r, EVENT_EXPRS);
      case 3:
        return pick(r, KINDS);
      case 4:
        return new Object[] {0, -1, Long.MAX_VALUE, 1e300, Double.NaN, Double.POSITIVE_INFINITY, true, null,
            new java.math.BigInteger("123456789012345678901234567890"), -0.0}[r.nextInt(10)];
      default:
        return pick(r, SCALARS);
    }
  }

  private static Object retype(SplittableRandom r, Object v) {
    switch (r.nextInt(6)) {
      case 0:
        return new ArrayList<>(java.util.Collections.singletonList(v));
      case 1: {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(pick(r, KEYS), v);
        return m;
      }
      case 2:
        return null;
      case 3:
        return r.nextInt(1000) - 500;
      case 4:
        return r.nextBoolean();
      default:
        return String.valueOf(v);
    }
  }

  private static Object nest(SplittableRandom r, Object v) {
    int depth = new int[] {10, 49, 50, 51, 100, 300}[r.nextInt(6)];
    Object out = v;
    for (int i = 0; i < depth; i++) {
      if (r.nextBoolean()) {
        out = new ArrayList<>(java.util.Collections.singletonList(out));
      } else {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", out);
        out = m;
      }
    }
    return out;
  }

  // ---- text and bytes ----

  private static final String[] TOKENS = {":", ": ", "-", "- ", "{", "}", "[", "]", ",", "\"", "'", "#", "|", ">", "?", "&a ", "*a",
      "!!str ", "!!binary ", "!foo ", "!!python/object:os.system ", "!<!> ", "%YAML 1.1\n", "%TAG ! tag:x,2002:\n", "---\n",
      "...\n", "\t", "\r", "\u0000", "\uFEFF", "\u2028", "\u0085", "\u00a0", "😀", "\\", "\n", "\n  ", "<<: *a\n", "@", "`", "%",
      "\u202e", "\ud800", "x".repeat(3000), "9".repeat(400)};

  static String textMutations(SplittableRandom r, String text, int n) {
    for (int i = 0; i < n; i++) {
      text = textMutation(r, text);
    }
    return text;
  }

  private static String textMutation(SplittableRandom r, String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int li = r.nextInt(lines.size());
    int at = text.isEmpty() ? 0 : r.nextInt(text.length() + 1);
    switch (r.nextInt(14)) {
      case 0:
        return text.substring(0, at); // truncated
      case 1:
        lines.remove(li);
        break;
      case 2:
        lines.add(li, lines.get(li)); // a duplicate key, usually
        break;
      case 3:
        java.util.Collections.swap(lines, li, r.nextInt(lines.size()));
        break;
      case 4:
        return text.substring(0, at) + pick(r, TOKENS) + text.substring(at);
      case 5:
        lines.set(li, (r.nextBoolean() ? " ".repeat(1 + r.nextInt(3)) : "\t") + lines.get(li));
        break;
      case 6: { // a value replaced, the key and everything else kept
        String line = lines.get(li);
        int colon = line.indexOf(": ");
        if (colon >= 0) {
          lines.set(li, line.substring(0, colon + 2) + pick(r, r.nextBoolean() ? SCALARS : DURATIONS));
        }
        break;
      }
      case 7: { // an anchor on one value, an alias to it in place of another
        String line = lines.get(li);
        int colon = line.indexOf(": ");
        int other = r.nextInt(lines.size());
        int colon2 = lines.get(other).indexOf(": ");
        if (colon >= 0 && colon2 >= 0) {
          lines.set(li, line.substring(0, colon + 2) + "&a " + line.substring(colon + 2));
          lines.set(other, lines.get(other).substring(0, colon2 + 2) + "*a");
        }
        break;
      }
      case 8:
        return aliasBomb(r) + text;
      case 9:
        return text + "---\n" + text; // two documents
      case 10:
        return text.replace("\n", r.nextBoolean() ? "\r\n" : "\r");
      case 11:
        return "\uFEFF" + text;
      case 12: { // a tag on a value
        String line = lines.get(li);
        int colon = line.indexOf(": ");
        if (colon >= 0) {
          lines.set(li, line.substring(0, colon + 2) + pick(r, new String[] {"!!str ", "!!int ", "!!binary ", "!!map ", "!!seq ",
              "!!set ", "!!omap ", "!!timestamp ", "!!float ", "!!null ", "!custom ", "!!python/object/apply:os.system ",
              "!<tag:example.com,2002:runtime> "}) + line.substring(colon + 2));
        }
        break;
      }
      default:
        return text.substring(0, at) + "\n" + text.substring(at); // a line broken in two
    }
    return String.join("\n", lines);
  }

  private static String aliasBomb(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    int levels = 3 + r.nextInt(8);
    for (int i = 1; i <= levels; i++) {
      sb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    return sb.toString();
  }

  private static final byte[][] BAD_BYTES = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xe9, ' '},
      {(byte) 0xfe, (byte) 0xff}, {0}, {(byte) 0xc3}};

  static byte[] bytes(SplittableRandom r, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (r.nextInt(8) > 0) {
      return b;
    }
    int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (r.nextInt(4)) {
      case 0 -> {
        out.write(b, 0, at);
        out.writeBytes(BAD_BYTES[r.nextInt(BAD_BYTES.length)]);
        out.write(b, at, b.length - at);
      }
      case 1 -> out.write(b, 0, at); // cut, perhaps inside a character
      case 2 -> {
        out.writeBytes(b);
        byte[] c = out.toByteArray();
        if (c.length > 0) {
          c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return c;
      }
      default -> {
        return r.nextBoolean() ? text.getBytes(StandardCharsets.UTF_16) : text.getBytes(StandardCharsets.UTF_16LE);
      }
    }
    return out.toByteArray();
  }
}
