package dev.transom.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a reported line and column point into an input. YAML breaks lines at LF, CR, CRLF, NEL,
 * LS and PS while an editor (and the UTF-8 check) may count LF only, and a column may count
 * characters, code points or bytes: a position is inside when some way of counting puts it on a
 * line of the input, at most one past that line's end. Line 1, column 1 (the file as a whole) is
 * always inside.
 */
public final class Locations {
  private Locations() {}

  public static boolean inside(byte[] input, int line, int col) {
    if (line == 1 && col == 1) {
      return true;
    }
    if (line < 1 || col < 1) {
      return false;
    }
    String text = new String(input, StandardCharsets.UTF_8);
    if (fits(lengths(text, false), line, col) || fits(lengths(text, true), line, col)) {
      return true;
    }
    return fits(byteLengths(input), line, col);
  }

  private static boolean fits(List<Integer> lengths, int line, int col) {
    return line <= lengths.size() && col <= lengths.get(line - 1) + 1;
  }

  /** Each line's length in UTF-16 units (at least its length in code points), split at LF or at every YAML break. */
  private static List<Integer> lengths(String s, boolean yamlBreaks) {
    List<Integer> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      boolean end = i == s.length();
      char c = end ? 0 : s.charAt(i);
      // SnakeYAML counts a CR as a break only when it can see the next character: not the input's last
      boolean cr = c == '\r' && i + 1 < s.length();
      boolean br = !end && (c == '\n' || yamlBreaks && (cr || c == '\u0085' || c == '\u2028' || c == '\u2029'));
      if (end || br) {
        out.add(i - start);
        if (yamlBreaks && c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    return out;
  }

  private static List<Integer> byteLengths(byte[] b) {
    List<Integer> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= b.length; i++) {
      if (i == b.length || b[i] == '\n') {
        out.add(i - start);
        start = i + 1;
      }
    }
    return out;
  }
}
