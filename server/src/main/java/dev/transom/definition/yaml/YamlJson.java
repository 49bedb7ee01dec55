package dev.transom.definition.yaml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node tree as JSON text: what a test file's events and expected outputs are. Scalars keep
 * the meaning YAML gives them (an unquoted {@code 2024-01-01T00:00:00Z} is a timestamp, written as
 * its text; {@code 1_000} and {@code 0x10} are numbers); what JSON cannot hold ({@code .inf}, a
 * mapping as a key, a tag) is a problem at its own node.
 */
public final class YamlJson {
  /** Where a node cannot be JSON, and why. */
  public interface Problems {
    void report(Mark at, String message);
  }

  private static final JsonFactory FACTORY = new JsonFactory();
  /**
   * Most values one JSON value may have once its aliases are expanded: fifty aliases can name each
   * other into billions of values (a "billion laughs"), which must not be written out.
   */
  static final int MAX_VALUES = 1_000_000;

  private YamlJson() {}

  /** The JSON text of {@code node}, or {@code null} when it is not JSON (each reason reported). */
  public static String of(Node node, String path, Problems problems) {
    StringWriter text = new StringWriter();
    boolean[] ok = {true};
    Walk walk = new Walk((at, message) -> {
      ok[0] = false;
      problems.report(at, message);
    });
    try (JsonGenerator g = FACTORY.createGenerator(text)) {
      walk.write(node, path, g);
    } catch (TooLarge e) {
      return null; // reported
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
    return ok[0] ? text.toString() : null;
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  /** One conversion: the nodes on the way down (an alias can hold itself) and the values written so far. */
  private static final class Walk {
    private final Problems problems;
    private final java.util.Set<Node> onPath = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int values;

    Walk(Problems problems) {
      this.problems = problems;
    }

    void write(Node node, String path, JsonGenerator g) throws IOException {
      if (++values > MAX_VALUES) {
        problems.report(node.getStartMark(), path + ": too large: more than " + MAX_VALUES
            + " values once its aliases are expanded");
        throw new TooLarge();
      }
      if (!onPath.add(node)) {
        problems.report(node.getStartMark(), path + ": an alias that holds itself cannot be JSON");
        g.writeNull();
        return;
      }
      try {
        YamlJson.write(node, path, g, problems, this);
      } finally {
        onPath.remove(node);
      }
    }
  }

  private static void write(Node node, String path, JsonGenerator g, Problems problems, Walk walk) throws IOException {
    if (node instanceof MappingNode m) {
      g.writeStartObject();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag().equals(Tag.NULL)) {
          problems.report(t.getKeyNode().getStartMark(), path + ": a JSON key must be a plain word or text");
          continue;
        }
        if (!seen.add(k.getValue())) {
          problems.report(k.getStartMark(), path + "." + k.getValue() + ": duplicate key");
          continue;
        }
        g.writeFieldName(k.getValue());
        walk.write(t.getValueNode(), path + "." + k.getValue(), g);
      }
      g.writeEndObject();
      return;
    }
    if (node instanceof SequenceNode s) {
      g.writeStartArray();
      int i = 0;
      for (Node item : s.getValue()) {
        walk.write(item, path + "[" + i++ + "]", g);
      }
      g.writeEndArray();
      return;
    }
    ScalarNode scalar = (ScalarNode) node;
    Tag tag = scalar.getTag();
    String text = scalar.getValue();
    if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
      g.writeString(text);
    } else if (tag.equals(Tag.NULL)) {
      g.writeNull();
    } else if (tag.equals(Tag.BOOL)) {
      g.writeBoolean(switch (text.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "y" -> true;
        default -> false;
      });
    } else if (tag.equals(Tag.INT)) {
      BigInteger n = integer(text);
      if (n == null) {
        problems.report(scalar.getStartMark(), path + ": not a number JSON can hold: " + text);
        g.writeNull();
      } else {
        g.writeNumber(n);
      }
    } else if (tag.equals(Tag.FLOAT)) {
      try {
        g.writeNumber(new BigDecimal(text.replace("_", "")));
      } catch (NumberFormatException e) {
        problems.report(scalar.getStartMark(), path + ": not a number JSON can hold: " + text);
        g.writeNull();
      }
    } else {
      problems.report(scalar.getStartMark(), path + ": tag " + tag.getValue() + " is not allowed");
      g.writeNull();
    }
  }

  /** YAML's integer forms: decimal with {@code _} separators, {@code 0x}, {@code 0o}, {@code 0b}, and a sign. */
  private static BigInteger integer(String text) {
    String t = text.replace("_", "");
    boolean negative = t.startsWith("-");
    if (negative || t.startsWith("+")) {
      t = t.substring(1);
    }
    int radix = 10;
    if (t.startsWith("0x")) {
      radix = 16;
      t = t.substring(2);
    } else if (t.startsWith("0o")) {
      radix = 8;
      t = t.substring(2);
    } else if (t.startsWith("0b")) {
      radix = 2;
      t = t.substring(2);
    } else if (t.length() > 1 && t.startsWith("0") && t.chars().allMatch(c -> c >= '0' && c <= '7')) {
      radix = 8; // YAML 1.1's octal, which SnakeYAML resolves
    }
    try {
      BigInteger n = new BigInteger(t, radix);
      return negative ? n.negate() : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
