package dev.transom.definition.yaml;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Maps a position inside an expression (CEL's 1-based line, 0-based column) to the YAML file's
 * 1-based line and column, so an expression error points at the character itself.
 */
public final class ExprPosition {
  private ExprPosition() {}

  /** Returns {line, col}, both 1-based, in the YAML source. */
  public static int[] locate(ScalarNode node, String[] sourceLines, int exprLine, int exprCol) {
    int line = node.getStartMark().getLine();
    int col = node.getStartMark().getColumn();
    if (node instanceof EnvSubstitution.Substituted) {
      return new int[] {line + 1, col + 1}; // its text is no longer the source's: the scalar itself
    }
    DumperOptions.ScalarStyle style = node.getScalarStyle();
    boolean oneLine = node.getEndMark() == null || node.getEndMark().getLine() == line;
    switch (style) {
      case PLAIN:
        return oneLine && exprLine == 1 ? new int[] {line + 1, col + exprCol + 1} : new int[] {line + 1, col + 1};
      case SINGLE_QUOTED:
      case DOUBLE_QUOTED:
        return oneLine && exprLine == 1 ? new int[] {line + 1, col + exprCol + 2} : new int[] {line + 1, col + 1};
      case LITERAL: {
        int target = line + exprLine; // content starts on the line after the indicator
        if (target < sourceLines.length) {
          int indent = indentOfBlock(sourceLines, line + 1);
          if (sourceLines[target].isBlank() && target > line + 1) {
            // the end of a block that ends in a line break ("acc +\n" is missing its operand): at
            // the end of its last line, not at a column of the blank line after it, which has none
            while (target > line + 1 && sourceLines[target].isBlank()) {
              target--;
            }
            return new int[] {target + 1, sourceLines[target].length() + 1};
          }
          return new int[] {target + 1, Math.min(indent + exprCol, sourceLines[target].length()) + 1};
        }
        return new int[] {line + 1, col + 1};
      }
      default: {
        int first = line + 1;
        int indent = first < sourceLines.length ? indentOfBlock(sourceLines, first) : 0;
        return new int[] {Math.min(first, sourceLines.length - 1) + 1, indent + 1};
      }
    }
  }

  private static int indentOfBlock(String[] lines, int from) {
    for (int i = from; i < lines.length; i++) {
      String l = lines[i];
      if (!l.isBlank()) {
        int n = 0;
        while (n < l.length() && l.charAt(n) == ' ') {
          n++;
        }
        return n;
      }
    }
    return 0;
  }
}
