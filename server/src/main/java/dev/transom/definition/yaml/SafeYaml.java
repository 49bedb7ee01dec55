package dev.transom.definition.yaml;

import java.io.StringReader;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Composes YAML text into SnakeYAML nodes without constructing any object (so no tag can make it
 * build a type), with bounded size, alias count and nesting depth.
 */
public final class SafeYaml {
  /** Largest definition accepted, in code points. */
  public static final int MAX_CODE_POINTS = 1 << 20;
  static final int MAX_ALIASES = 50;
  static final int MAX_DEPTH = 50;

  private SafeYaml() {}

  /** What composing gave: the root node (null for an empty document), or a located failure. */
  public record Composed(Node root, int line, int col, String error) {
    public boolean failed() {
      return error != null;
    }
  }

  public static Composed compose(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(true); // reported by the linter, at the second occurrence
    options.setProcessComments(false);
    DumperOptions dumper = new DumperOptions();
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
    try {
      return new Composed(yaml.compose(new StringReader(text)), 0, 0, null);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      String message = "invalid YAML: " + oneLine(context + problem);
      if (mark == null) {
        return new Composed(null, 1, 1, message);
      }
      return new Composed(null, mark.getLine() + 1, mark.getColumn() + 1, message);
    } catch (YAMLException e) {
      return new Composed(null, 1, 1, "invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      // SnakeYAML signals some limits with plain runtime exceptions; still the input's fault.
      return new Composed(null, 1, 1, "invalid YAML: " + oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static String oneLine(String s) {
    String t = s.replace('\n', ' ').replaceAll("\\s+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
