package dev.transom.testing;

import dev.transom.io.JsonValues;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline produced between two expects, each record turned into its JSON form (what a sink
 * would write) only when it is compared or shown: an hour of traffic can make millions of records,
 * and a {@code contains} expect looks at a few of them.
 */
final class Produced extends AbstractList<Object> {
  private final List<?> raw;
  private final Object[] json;

  Produced(List<?> raw) {
    this.raw = raw;
    this.json = new Object[raw.size()];
  }

  @Override
  public Object get(int i) {
    Object j = json[i];
    if (j == null) {
      j = json[i] = of(raw.get(i));
    }
    return j;
  }

  @Override
  public int size() {
    return raw.size();
  }

  /** The record's {@code key} as the pipeline made it, without turning the record into JSON. */
  Object key(int i) {
    return raw.get(i) instanceof Map<?, ?> m ? m.get("key") : null;
  }

  /** A value as JSON reads it back: instants as text, CEL values as JSON. */
  static Object of(Object value) {
    if (value == null) {
      return dev.transom.expr.CelValues.NULL;
    }
    try {
      return JsonValues.parse(JsonValues.toJson(value));
    } catch (JsonValues.Invalid e) {
      throw new IllegalStateException("a record that is not JSON: " + e.getMessage(), e);
    }
  }
}
