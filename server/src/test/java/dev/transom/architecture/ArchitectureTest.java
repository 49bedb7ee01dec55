package dev.transom.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The allowed dependencies between packages, checked on the sources: what each layer may import,
 * and that no packages depend on each other in a cycle.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/transom");

  @Test
  void windowingCoreImportsOnlyTheJdkAndItself() throws IOException {
    assertImports("windowing", i -> i.startsWith("java.") || i.startsWith("dev.transom.windowing"));
  }

  @Test
  void definitionExprCompileAndEngineNeverTouchVertxJdbcOrRuntime() throws IOException {
    Predicate<String> allowed = i -> !(i.startsWith("io.vertx") || i.startsWith("java.sql") || i.startsWith("org.h2")
        || i.startsWith("dev.transom.runtime") || i.startsWith("dev.transom.state") || i.startsWith("dev.transom.api"));
    assertImports("definition", allowed);
    assertImports("expr", allowed);
    assertImports("compile", allowed);
    assertImports("engine", allowed);
    assertImports("testing", allowed);
  }

  @Test
  void onlyTheStatePackageTouchesJdbcOrH2() throws IOException {
    Predicate<String> noJdbc = i -> !(i.startsWith("java.sql") || i.startsWith("org.h2"));
    for (String pkg : List.of("windowing", "definition", "expr", "compile", "engine", "testing", "cluster", "cli", "components", "runtime", "api", "io")) {
      assertImports(pkg, noJdbc);
    }
  }

  @Test
  void vertxStaysInRuntimeApiAndCli() throws IOException {
    Predicate<String> noVertx = i -> !i.startsWith("io.vertx");
    for (String pkg : List.of("windowing", "definition", "expr", "compile", "engine", "testing", "cluster", "components", "state",
        "io")) {
      assertImports(pkg, noVertx);
    }
  }

  /** Kafka Streams is cluster mode's engine, and only its: one node never depends on it. */
  @Test
  void kafkaStreamsStaysInTheClusterPackage() throws IOException {
    Predicate<String> noStreams = i -> !i.startsWith("org.apache.kafka.streams");
    for (String pkg : List.of("windowing", "definition", "expr", "compile", "engine", "testing", "cli", "components", "runtime",
        "state", "api", "io")) {
      assertImports(pkg, noStreams);
    }
  }

  @Test
  void celIsUsedOnlyBehindTheExprFacade() throws IOException {
    Predicate<String> noCel = i -> !i.startsWith("dev.cel");
    for (String pkg : List.of("windowing", "definition", "compile", "testing", "cli", "components")) {
      assertImports(pkg, noCel);
    }
  }

  /**
   * Packages form layers: no package reaches itself through others. Imports and fully qualified
   * names both count (comments and string literals do not), so a cycle cannot hide in either.
   */
  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    java.util.Map<String, java.util.Map<String, String>> edges = new java.util.TreeMap<>(); // from -> to -> a file
    java.util.regex.Pattern ref = java.util.regex.Pattern.compile("\\bdev\\.transom((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String from = "dev.transom" + (f.getParent().equals(MAIN) ? ""
            : "." + MAIN.relativize(f.getParent()).toString().replace('/', '.'));
        String code = codeOnly(Files.readString(f));
        java.util.regex.Matcher m = ref.matcher(code);
        while (m.find()) {
          String to = "dev.transom" + m.group(1);
          if (!to.equals(from)) {
            edges.computeIfAbsent(from, k -> new java.util.TreeMap<>()).putIfAbsent(to, MAIN.relativize(f).toString());
          }
        }
      }
    }
    List<String> cycles = new ArrayList<>();
    for (List<String> component : stronglyConnected(edges)) {
      if (component.size() > 1) {
        StringBuilder b = new StringBuilder(String.join(" <-> ", component)).append(" (");
        for (String a : component) {
          for (String z : component) {
            String file = edges.getOrDefault(a, java.util.Map.of()).get(z);
            if (file != null) {
              b.append(a.substring(a.lastIndexOf('.') + 1)).append("->").append(z.substring(z.lastIndexOf('.') + 1))
                  .append(" in ").append(file).append("; ");
            }
          }
        }
        cycles.add(b.append(')').toString());
      }
    }
    assertEquals(List.of(), cycles, "package cycles");
  }

  /** Comments cite what a reader of the repository can open: its docs and README, not the team's shared files. */
  @Test
  void sourcesCiteOnlyDocumentsTheRepositoryHas() throws IOException {
    List<String> found = new ArrayList<>();
    java.util.regex.Pattern outside = java.util.regex.Pattern.compile("SPEC(\\.md)? ?§|SEMANTICS(\\.md)? ?§|STACK\\.md|ARCHITECTURE\\.md");
    for (Path root : List.of(MAIN, Path.of("src/test/java"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          java.util.regex.Matcher m = outside.matcher(Files.readString(f));
          if (m.find()) {
            found.add(f + ": " + m.group());
          }
        }
      }
    }
    assertEquals(List.of(), found);
  }

  /**
   * A source or sink kind is asked what it does ({@code ComponentSpecs.sink(def)}), never recognised
   * by its name: outside the components and the definition format, no code compares a component's
   * kind with a string.
   */
  @Test
  void noCodeOutsideTheComponentsComparesAComponentKindByName() throws IOException {
    List<String> found = new ArrayList<>();
    java.util.regex.Pattern byName = java.util.regex.Pattern.compile(
        "\\.kind\\(\\)\\s*\\.equals\\(\"|switch\\s*\\([^)]*\\.kind\\(\\)\\)|\"(?:file|h2|http|generator|webhook|stdout)\"\\s*\\.equals\\(|\\.equals\\(\"(?:file|h2|http|generator|webhook|stdout)\"\\)");
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String rel = MAIN.relativize(f).toString();
        if (rel.startsWith("components") || rel.startsWith("definition") || rel.startsWith("expr")) { // expr: CEL type kinds
          continue;
        }
        java.util.regex.Matcher m = byName.matcher(Files.readString(f));
        while (m.find()) {
          found.add(rel + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  /** Java source without its comments and the insides of its string, text-block and char literals. */
  static String codeOnly(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("//", i)) {
        i = src.indexOf('\n', i);
        i = i < 0 ? n : i;
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && src.charAt(j) != c) {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Tarjan's strongly connected components of the package graph. */
  private static List<List<String>> stronglyConnected(java.util.Map<String, java.util.Map<String, String>> edges) {
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    java.util.Map<String, Integer> low = new java.util.HashMap<>();
    java.util.Deque<String> stack = new java.util.ArrayDeque<>();
    java.util.Set<String> onStack = new java.util.HashSet<>();
    List<List<String>> out = new ArrayList<>();
    for (String v : edges.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, edges, index, low, stack, onStack, out);
      }
    }
    return out;
  }

  private static void connect(String v, java.util.Map<String, java.util.Map<String, String>> edges,
      java.util.Map<String, Integer> index, java.util.Map<String, Integer> low, java.util.Deque<String> stack,
      java.util.Set<String> onStack, List<List<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : edges.getOrDefault(v, java.util.Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      java.util.Collections.sort(component);
      out.add(component);
    }
  }

  private static void assertImports(String pkg, Predicate<String> allowed) throws IOException {
    Path dir = MAIN.resolve(pkg);
    assertTrue(Files.isDirectory(dir), dir + " is missing");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(f)) {
          String l = line.strip();
          if (l.startsWith("import ")) {
            String imported = l.substring(7).replace("static ", "").replace(";", "").strip();
            if (!allowed.test(imported)) {
              violations.add(MAIN.relativize(f) + ": " + imported);
            }
          }
        }
        // fully qualified uses slip past import checks; catch the forbidden roots anywhere
        String text = Files.readString(f);
        for (String root : List.of("io.vertx.", "java.sql.", "org.h2.", "dev.cel.")) {
          if (text.contains(root) && !allowed.test(root)) {
            violations.add(MAIN.relativize(f) + ": uses " + root + "*");
          }
        }
      }
    }
    assertEquals(List.of(), violations, "forbidden dependencies in " + pkg);
  }
}
