package dev.transom.runtime;

import dev.transom.definition.spec.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Problems as the API shows them: {@code [{"file","line","col","message"}]}. */
public final class ProblemsJson {
  private ProblemsJson() {}

  public static List<Map<String, Object>> of(List<Problem> problems) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Problem p : problems) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", p.file());
      m.put("line", p.line());
      m.put("col", p.col());
      m.put("message", p.message());
      out.add(m);
    }
    return out;
  }
}
