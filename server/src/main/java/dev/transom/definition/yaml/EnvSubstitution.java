package dev.transom.definition.yaml;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in the scalar values of a composed definition,
 * replaced by environment variables. It works on the parsed nodes, never on the text, so a
 * variable's value is only ever the text of one scalar: it cannot add keys, items or YAML syntax.
 * A plain scalar's type is then resolved from its new text ({@code ${PORT}} set to 8080 is an
 * integer), a quoted one stays a string. {@code $${} is a literal {@code ${}. Mapping keys are not
 * substituted. A variable that is not set and has no default is a problem at its {@code ${}, and so
 * is one of the server's own {@code TRANSOM_} variables.
 */
public final class EnvSubstitution {
  private static final Pattern REF = Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Resolver RESOLVER = new Resolver();
  /** Variables of the server's configuration ({@code TRANSOM_TOKEN} ...), never substituted. */
  static final String RESERVED_PREFIX = "TRANSOM_";

  /** A located problem, 1-based. */
  public record Missing(int line, int col, String message, int scalarLine, int scalarCol) {}

  /** A scalar whose text came partly from the environment: problems inside it point at its start. */
  public static final class Substituted extends ScalarNode {
    Substituted(ScalarNode from, String value, org.yaml.snakeyaml.nodes.Tag tag) {
      super(tag, value, from.getStartMark(), from.getEndMark(), from.getScalarStyle());
    }
  }

  private final Map<String, String> env;
  private final String[] lines;
  private final List<Missing> missing = new ArrayList<>();
  private final IdentityHashMap<Node, Node> done = new IdentityHashMap<>();

  private EnvSubstitution(Map<String, String> env, String text) {
    this.env = env;
    this.lines = text.split("\n", -1);
  }

  /** The root with every scalar value substituted (the same nodes where nothing changes), and the problems. */
  public static Node apply(Node root, String text, Map<String, String> env, List<Missing> problems) {
    if (root == null || text.indexOf("${") < 0) {
      return root;
    }
    EnvSubstitution s = new EnvSubstitution(env, text);
    Node out = s.walk(root);
    problems.addAll(s.missing);
    return out;
  }

  private Node walk(Node node) {
    Node seen = done.get(node);
    if (seen != null) {
      return seen; // an alias: substituted once
    }
    done.put(node, node);
    Node result = node;
    if (node instanceof ScalarNode s) {
      result = scalar(s);
    } else if (node instanceof MappingNode m) {
      List<NodeTuple> tuples = m.getValue();
      for (int i = 0; i < tuples.size(); i++) {
        NodeTuple t = tuples.get(i);
        Node v = walk(t.getValueNode());
        if (v != t.getValueNode()) {
          tuples.set(i, new NodeTuple(t.getKeyNode(), v));
        }
      }
    } else if (node instanceof SequenceNode q) {
      List<Node> items = q.getValue();
      for (int i = 0; i < items.size(); i++) {
        items.set(i, walk(items.get(i)));
      }
    }
    done.put(node, result);
    return result;
  }

  private Node scalar(ScalarNode s) {
    String text = s.getValue();
    if (text.indexOf("${") < 0) {
      return s;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    Map<String, Integer> earlier = new java.util.HashMap<>(); // of each name, to locate the right one
    boolean changed = false;
    while (m.find()) {
      changed = true;
      String replacement;
      if (!m.group(1).isEmpty()) {
        replacement = m.group().substring(1); // $${X} is the text ${X}
      } else {
        String name = m.group(2);
        if (name.startsWith(RESERVED_PREFIX)) {
          // the server's own settings, its token among them: whoever may deploy must not read them out
          int[] at = locate(s, "${" + name, earlier.getOrDefault(name, 0));
          missing.add(new Missing(at[0], at[1], "${" + name + "}: the server's own " + RESERVED_PREFIX + " "
              + "variables are not available to definitions", s.getStartMark().getLine() + 1,
              s.getStartMark().getColumn() + 1));
          earlier.merge(name, 1, Integer::sum);
          m.appendReplacement(out, "");
          continue;
        }
        String value = env.get(name);
        if (value == null) {
          value = m.group(3);
        }
        if (value == null) {
          int[] at = locate(s, "${" + name, earlier.getOrDefault(name, 0));
          missing.add(new Missing(at[0], at[1], "${" + name + "} is not set (and has no default: ${" + name + ":-...})",
              s.getStartMark().getLine() + 1, s.getStartMark().getColumn() + 1));
          value = "";
        }
        replacement = value;
      }
      if (m.group(1).isEmpty()) {
        earlier.merge(m.group(2), 1, Integer::sum);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    if (!changed) {
      return s;
    }
    m.appendTail(out);
    String value = out.toString();
    org.yaml.snakeyaml.nodes.Tag tag = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
        ? RESOLVER.resolve(NodeId.scalar, value, true) : s.getTag();
    return new Substituted(s, value, tag);
  }

  /** Where the {@code nth} (0-based) occurrence of {@code token} after the scalar's start is in the source. */
  private int[] locate(ScalarNode s, String token, int nth) {
    int line = s.getStartMark().getLine();
    int col = s.getStartMark().getColumn();
    int endLine = s.getEndMark() == null ? line : Math.min(s.getEndMark().getLine(), lines.length - 1);
    int seen = 0;
    for (int l = line; l <= endLine && l < lines.length; l++) {
      int from = l == line ? col : 0;
      for (int i = lines[l].indexOf(token, from); i >= 0; i = lines[l].indexOf(token, i + 1)) {
        if (i > 0 && lines[l].charAt(i - 1) == '$') {
          continue;
        }
        if (seen++ == nth) {
          return new int[] {l + 1, i + 1};
        }
      }
    }
    return new int[] {line + 1, col + 1};
  }
}
