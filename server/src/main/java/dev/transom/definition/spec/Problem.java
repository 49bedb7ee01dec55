package dev.transom.definition.spec;

/** One problem in a definition, located in its file (line and column are 1-based). */
public record Problem(String file, int line, int col, String message) implements Comparable<Problem> {
  /** {@code FILE:LINE:COL: message}, the form every command prints. */
  public String format() {
    return file + ":" + line + ":" + col + ": " + message;
  }

  @Override
  public int compareTo(Problem o) {
    int c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(col, o.col);
  }
}
