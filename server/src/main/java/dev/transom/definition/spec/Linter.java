package dev.transom.definition.spec;

import dev.transom.definition.yaml.ExprPosition;
import dev.transom.expr.Expr;
import dev.transom.expr.ExprCompileException;
import dev.transom.expr.ExprProblem;
import dev.transom.expr.Expressions;
import dev.transom.expr.ResultKind;
import dev.transom.io.ByteSizeText;
import dev.transom.io.DurationText;
import dev.transom.io.Rfc3339;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Checks a YAML node tree against a spec, collecting every problem with its position, and builds
 * the {@link Checked} tree the binder reads. Nothing is bound before the whole tree is checked.
 *
 * <p>Where problems are reported: an unknown field or a duplicate key at that key; a bad value at
 * the value; a missing field at its parent mapping's key (line 1, column 1 at the top level); an
 * error inside an expression at its own character.
 *
 * <p>Longer than most files: one walk over the tree does every check, since each reports at a
 * position only the walk knows (the key, the value, the parent mapping).
 * error inside an expression at its own character.
 */
public final class Linter {
  private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.FLOAT, Tag.NULL,
      Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);
  private final String file;
  private final String[] sourceLines;
  private final List<Problem> problems = new ArrayList<>();

  public Linter(String file, String source) {
    this.file = file;
    this.sourceLines = source.split("\n", -1);
  }

  public List<Problem> problems() {
    return problems;
  }

  public void report(Mark mark, String message) {
    if (mark == null) {
      report(1, 1, message);
    } else {
      report(mark.getLine() + 1, mark.getColumn() + 1, message);
    }
  }

  public void report(int line, int col, String message) {
    problems.add(new Problem(file, line, col, oneLine(message)));
  }

  /** Longest message kept whole; a longer one keeps its start and its end (where a suggestion goes). */
  static final int MAX_MESSAGE = 400;

  /**
   * A problem is one line ({@code FILE:LINE:COL: message}) of readable length, also when it quotes
   * what the user wrote: a block scalar or a quoted "a\nb" has line breaks, a pasted value can be
   * thousands of characters. Breaks and other control characters are shown escaped.
   */
  static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_MESSAGE + 16));
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (sb.length() <= MAX_MESSAGE) {
      return sb.toString();
    }
    int keep = MAX_MESSAGE / 2 - 4;
    return sb.substring(0, keep) + " ... " + sb.substring(sb.length() - keep);
  }

  /** Checks the document root against {@code spec}; returns {@code null} when it is not usable at all. */
  public Checked checkRoot(Node root, ObjectSpec spec) {
    if (root == null || isNull(root)) {
      report(1, 1, "the definition is empty (expected a mapping with source, key, clock, window, aggregate)");
      return null;
    }
    return checkObject(root, spec, "", null);
  }

  public Checked check(Node node, FieldType type, String path, Mark keyMark) {
    if (!PLAIN_TAGS.contains(node.getTag())) {
      report(node.getStartMark(), path + ": tag " + node.getTag().getValue() + " is not allowed");
      return null;
    }
    if (type instanceof FieldType.Obj o) {
      return checkObject(node, o.spec(), path, keyMark);
    }
    if (type instanceof FieldType.Kinds k) {
      return checkKinds(node, k, path, keyMark);
    }
    if (type instanceof FieldType.ListOf l) {
      return checkList(node, l, path);
    }
    if (type instanceof FieldType.Json j) {
      return checkJson(node, j, path);
    }
    if (type instanceof FieldType.FlagOrObj f) {
      if (node instanceof MappingNode) {
        return checkObject(node, f.spec(), path, keyMark);
      }
      return checkScalar(node, new FieldType.Flag(), path);
    }
    return checkScalar(node, type, path);
  }

  private Checked checkObject(Node node, ObjectSpec spec, String path, Mark keyMark) {
    if (!(node instanceof MappingNode mapping)) {
      report(node.getStartMark(), label(path) + "expected a mapping, got " + describe(node));
      return null;
    }
    Map<String, Checked> out = new LinkedHashMap<>();
    Map<String, Mark> seen = new HashMap<>();
    List<String> present = new ArrayList<>();
    for (NodeTuple t : mapping.getValue()) {
      String name = keyName(t.getKeyNode(), path);
      if (name == null) {
        continue;
      }
      String fieldPath = join(path, name);
      Mark at = t.getKeyNode().getStartMark();
      if (seen.containsKey(name)) {
        report(at, fieldPath + ": duplicate key (first at line " + (seen.get(name).getLine() + 1) + ")");
        continue;
      }
      seen.put(name, at);
      FieldSpec field = spec.field(name);
      if (field == null) {
        report(at, fieldPath + ": unknown field" + suggestion(name, spec.fieldNames())
            + (spec.fieldNames().isEmpty() ? " (this takes no fields)" : ""));
        continue;
      }
      Node value = t.getValueNode();
      if (isNull(value)) {
        if (field.required()) {
          report(value.getStartMark(), fieldPath + ": missing value (expected " + field.type().describe() + ")");
        }
        continue;
      }
      present.add(name);
      Checked c = check(value, field.type(), fieldPath, at);
      if (c != null) {
        out.put(name, c);
      }
    }
    for (FieldSpec f : spec.fields()) {
      if (f.required() && !seen.containsKey(f.name())) {
        report(keyMark, join(path, f.name()) + ": missing (" + f.doc() + ")");
      }
    }
    if (!spec.exactlyOne().isEmpty()) {
      List<String> chosen = present.stream().filter(spec.exactlyOne()::contains).toList();
      if (chosen.isEmpty()) {
        report(keyMark, label(path) + "needs exactly one of " + String.join(", ", spec.exactlyOne()));
      } else if (chosen.size() > 1) {
        Mark second = seen.get(chosen.get(1));
        report(second, label(path) + "only one of " + String.join(", ", spec.exactlyOne())
            + " (has both " + chosen.get(0) + " and " + chosen.get(1) + ")");
      }
    }
    return new Checked(out, keyMark != null ? keyMark : node.getStartMark());
  }

  /** A JSON value: its {@link dev.transom.io.JsonValues} form, so it compares with what a pipeline makes. */
  private Checked checkJson(Node node, FieldType.Json type, String path) {
    if (type.mapping() && !(node instanceof MappingNode)) {
      report(node.getStartMark(), label(path) + "expected a mapping, got " + describe(node));
      return null;
    }
    String json = dev.transom.definition.yaml.YamlJson.of(node, path, this::report);
    if (json == null) {
      return null;
    }
    try {
      return new Checked(dev.transom.io.JsonValues.parse(json), node.getStartMark());
    } catch (dev.transom.io.JsonValues.Invalid e) {
      report(node.getStartMark(), path + ": " + e.getMessage());
      return null;
    }
  }

  private Checked checkKinds(Node node, FieldType.Kinds kinds, String path, Mark keyMark) {
    if (!(node instanceof MappingNode mapping)) {
      report(node.getStartMark(), label(path) + "expected a mapping with kind: " + String.join(" | ", kinds.names())
          + ", got " + describe(node));
      return null;
    }
    Node kindNode = null;
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals("kind")) {
        kindNode = t.getValueNode();
        break;
      }
    }
    if (kindNode == null || isNull(kindNode)) {
      report(kindNode == null ? keyMark : kindNode.getStartMark(),
          join(path, "kind") + ": missing (one of " + String.join(", ", kinds.names()) + ")");
      return null;
    }
    if (!(kindNode instanceof ScalarNode ks)) {
      report(kindNode.getStartMark(), join(path, "kind") + ": expected one of " + String.join(", ", kinds.names()));
      return null;
    }
    ObjectSpec spec = kinds.get(ks.getValue());
    if (spec == null) {
      report(ks.getStartMark(), join(path, "kind") + ": unknown " + kinds.what() + " kind '" + ks.getValue() + "'"
          + suggestion(ks.getValue(), kinds.names()) + "; expected one of " + String.join(", ", kinds.names()));
      return null;
    }
    ObjectSpec withKind = withKindField(spec, kinds);
    Checked c = checkObject(node, withKind, path, keyMark);
    if (c == null) {
      return null;
    }
    return c;
  }

  private static ObjectSpec withKindField(ObjectSpec spec, FieldType.Kinds kinds) {
    List<FieldSpec> fields = new ArrayList<>();
    fields.add(new FieldSpec("kind", new FieldType.OneWord(kinds.names()), true, null, "the " + kinds.what() + " kind", null));
    fields.addAll(spec.fields());
    return new ObjectSpec(spec.name(), spec.doc(), fields, spec.exactlyOne(), spec.example(), spec.requiredWhen());
  }

  private Checked checkList(Node node, FieldType.ListOf type, String path) {
    if (!(node instanceof SequenceNode seq)) {
      report(node.getStartMark(), label(path) + "expected a list, got " + describe(node));
      return null;
    }
    if (seq.getValue().size() > type.maxItems()) {
      report(node.getStartMark(), label(path) + "at most " + type.maxItems() + " items (got " + seq.getValue().size() + ")");
    }
    List<Checked> out = new ArrayList<>();
    int i = 0;
    for (Node item : seq.getValue()) {
      String itemPath = path + "[" + i++ + "]";
      if (isNull(item)) {
        report(item.getStartMark(), itemPath + ": empty item");
        continue;
      }
      Checked c = check(item, type.item(), itemPath, item.getStartMark());
      if (c != null) {
        out.add(c);
      }
    }
    return new Checked(out, node.getStartMark());
  }

  private Checked checkScalar(Node node, FieldType type, String path) {
    if (!(node instanceof ScalarNode scalar)) {
      report(node.getStartMark(), path + ": expected " + type.describe() + ", got " + describe(node));
      return null;
    }
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    Mark at = node.getStartMark();
    if (type instanceof FieldType.Text t) {
      if (t.pattern() != null && !text.matches(t.pattern())) {
        report(at, path + ": expected " + t.describe() + ", got '" + text + "'");
        return null;
      }
      return new Checked(text, at);
    }
    if (type instanceof FieldType.Int range) {
      if (!tag.equals(Tag.INT)) {
        report(at, path + ": expected an integer, got " + describe(node));
        return null;
      }
      try {
        long v = Long.parseLong(text.replace("_", ""));
        if (v < range.min() || v > range.max()) {
          report(at, path + ": must be " + rangeText(range) + " (got " + v + ")");
          return null;
        }
        return new Checked(v, at);
      } catch (NumberFormatException e) {
        report(at, path + ": expected a decimal integer, got '" + text + "'");
        return null;
      }
    }
    if (type instanceof FieldType.Bool) {
      if (!tag.equals(Tag.BOOL)) {
        report(at, path + ": expected true or false, got " + describe(node));
        return null;
      }
      return new Checked(isTrue(text), at);
    }
    if (type instanceof FieldType.Flag) {
      if (!tag.equals(Tag.BOOL) || !isTrue(text)) {
        report(at, path + ": expected true" + (tag.equals(Tag.BOOL) ? " (leave the field out instead of false)" : ", got " + describe(node)));
        return null;
      }
      return new Checked(Boolean.TRUE, at);
    }
    if (type instanceof FieldType.Dur d) {
      if (!tag.equals(Tag.STR)) {
        report(at, path + ": expected a duration with a unit, like 10s or 250ms, got " + describe(node));
        return null;
      }
      try {
        long micros = DurationText.parseMicros(text);
        if (micros < d.minMicros()) {
          report(at, path + ": must be at least " + d.minimumText() + " (got " + text + ")");
          return null;
        }
        if (d.positive() && micros <= 0) {
          report(at, path + ": must be greater than 0 (got " + text + ")");
          return null;
        }
        if (micros > dev.transom.windowing.Micros.MAX_ABS_TIME) {
          report(at, path + ": too large (at most about 36,000 years)");
          return null;
        }
        return new Checked(micros, at);
      } catch (DurationText.Invalid e) {
        report(at, path + ": " + e.getMessage());
        return null;
      }
    }
    if (type instanceof FieldType.Size z) {
      if (!tag.equals(Tag.STR)) {
        report(at, path + ": expected a size with a unit, like 512KiB or 4MiB, got " + describe(node));
        return null;
      }
      try {
        long bytes = ByteSizeText.parse(text);
        if (bytes < z.min() || bytes > z.max()) {
          report(at, path + ": must be from " + ByteSizeText.format(z.min()) + " to " + ByteSizeText.format(z.max())
              + " (got " + text + ")");
          return null;
        }
        return new Checked(bytes, at);
      } catch (ByteSizeText.Invalid e) {
        report(at, path + ": " + e.getMessage());
        return null;
      }
    }
    if (type instanceof FieldType.Timestamp) {
      try {
        long micros = Rfc3339.parseMicros(text);
        if (!dev.transom.windowing.Micros.inRange(micros)) {
          report(at, path + ": timestamp out of range");
          return null;
        }
        return new Checked(micros, at);
      } catch (Rfc3339.Invalid e) {
        report(at, path + ": " + e.getMessage());
        return null;
      }
    }
    if (type instanceof FieldType.OneWord w) {
      if (!w.values().contains(text)) {
        report(at, path + ": expected one of " + String.join(", ", w.values()) + ", got '" + text + "'"
            + suggestion(text, w.values()));
        return null;
      }
      return new Checked(text, at);
    }
    if (type instanceof FieldType.Expression e) {
      return checkExpression(scalar, e, path);
    }
    throw new IllegalStateException("unhandled field type " + type);
  }

  private Checked checkExpression(ScalarNode scalar, FieldType.Expression type, String path) {
    String text = scalar.getValue();
    if (text.isBlank()) {
      report(scalar.getStartMark(), path + ": empty expression");
      return null;
    }
    try {
      Expr expr = Expressions.compile(text, type.scope());
      ResultKind kind = expr.resultKind();
      if (kind != ResultKind.DYN && !type.allowed().isEmpty() && !type.allowed().contains(kind)) {
        report(scalar.getStartMark(), path + ": must give " + type.resultHint() + ", but this expression gives "
            + kind.celName());
        return null;
      }
      return new Checked(expr, scalar.getStartMark());
    } catch (ExprCompileException e) {
      ExprProblem p = e.problems().get(0);
      int[] at = ExprPosition.locate(scalar, sourceLines, p.line(), p.column());
      report(at[0], at[1], path + ": " + lowerFirst(p.message()) + variablesHint(p.message(), type));
      return null;
    }
  }

  private static String variablesHint(String message, FieldType.Expression type) {
    if (message.contains("undeclared reference")) {
      return " (variables here: " + String.join(", ", type.scope().variables()) + ")";
    }
    return "";
  }

  private String keyName(Node key, String path) {
    if (!(key instanceof ScalarNode s) || !(s.getTag().equals(Tag.STR) || s.getTag().equals(Tag.INT)
        || s.getTag().equals(Tag.BOOL) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.NULL))) {
      report(key.getStartMark(), label(path) + "keys must be plain words");
      return null;
    }
    return s.getValue();
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  private static boolean isTrue(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "y" -> true;
      default -> false;
    };
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    String v = s.getValue();
    String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
    if (s.getTag().equals(Tag.NULL)) {
      return "nothing";
    }
    if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
      return "the number " + shown;
    }
    if (s.getTag().equals(Tag.BOOL)) {
      return shown;
    }
    return "'" + shown + "'";
  }

  private static String rangeText(FieldType.Int r) {
    if (r.max() == Long.MAX_VALUE) {
      return "at least " + r.min();
    }
    return "between " + r.min() + " and " + r.max();
  }

  private static String suggestion(String name, List<String> names) {
    String near = NearNames.closest(name, names);
    return near == null ? "" : " (did you mean '" + near + "'?)";
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String label(String path) {
    return path.isEmpty() ? "" : path + ": ";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
