package dev.transom.definition;

import dev.transom.definition.yaml.SafeYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Which top-level parts of a definition ({@code steps}, {@code window}, {@code sinks}...) differ
 * between two versions of its text, for a reload's entry in the history: compared as YAML values,
 * so a comment, a re-indented block or a mapping written in another order is no change.
 */
public final class DefinitionParts {
  private DefinitionParts() {}

  /** The parts that differ, in the order the new text has them, then those it no longer has. */
  public static List<String> changed(String before, String after) {
    Map<String, String> a = parts(before);
    Map<String, String> b = parts(after);
    if (a == null || b == null) {
      return List.of("definition");
    }
    List<String> out = new ArrayList<>();
    b.forEach((k, v) -> {
      if (!v.equals(a.get(k))) {
        out.add(k);
      }
    });
    a.keySet().stream().filter(k -> !b.containsKey(k)).forEach(out::add);
    return out;
  }

  /** Each top-level key with its value in one canonical form; null when the text is no mapping. */
  private static Map<String, String> parts(String text) {
    SafeYaml.Composed c = SafeYaml.compose(text);
    if (c.failed() || !(c.root() instanceof MappingNode root)) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k) {
        out.put(k.getValue(), canonical(t.getValueNode()));
      }
    }
    return out;
  }

  private static String canonical(Node n) {
    if (n instanceof ScalarNode s) {
      return "'" + s.getValue().replace("'", "''") + "'";
    }
    if (n instanceof SequenceNode s) {
      List<String> items = new ArrayList<>();
      s.getValue().forEach(i -> items.add(canonical(i)));
      return "[" + String.join(",", items) + "]";
    }
    if (n instanceof MappingNode m) {
      Map<String, String> sorted = new TreeMap<>();
      for (NodeTuple t : m.getValue()) {
        sorted.put(canonical(t.getKeyNode()), canonical(t.getValueNode()));
      }
      return sorted.toString();
    }
    return String.valueOf(n);
  }
}
