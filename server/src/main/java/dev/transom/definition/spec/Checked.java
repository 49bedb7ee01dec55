package dev.transom.definition.spec;

import dev.transom.expr.Expr;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;

/**
 * A value that passed the linter, with where it was written. {@code value} is a {@code String},
 * {@code Long} (integers, durations and timestamps in microseconds), {@code Boolean}, {@link Expr},
 * {@code Map<String, Checked>} (mappings, including a {@code kind} entry) or {@code List<Checked>}.
 */
public record Checked(Object value, Mark mark) {
  @SuppressWarnings("unchecked")
  public Map<String, Checked> map() {
    return (Map<String, Checked>) value;
  }

  @SuppressWarnings("unchecked")
  public List<Checked> list() {
    return (List<Checked>) value;
  }

  public Checked get(String field) {
    return map().get(field);
  }

  public boolean has(String field) {
    return value instanceof Map && map().containsKey(field);
  }

  public String text(String field) {
    Checked c = get(field);
    return c == null ? null : (String) c.value;
  }

  public String text(String field, String otherwise) {
    Checked c = get(field);
    return c == null ? otherwise : (String) c.value;
  }

  public long number(String field, long otherwise) {
    Checked c = get(field);
    return c == null ? otherwise : (Long) c.value;
  }

  public boolean bool(String field, boolean otherwise) {
    Checked c = get(field);
    return c == null ? otherwise : (Boolean) c.value;
  }

  public Expr expr(String field) {
    Checked c = get(field);
    return c == null ? null : (Expr) c.value;
  }

  public String kind() {
    return text("kind");
  }
}
