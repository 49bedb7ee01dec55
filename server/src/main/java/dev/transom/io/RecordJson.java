package dev.transom.io;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Java records as the API's JSON: each component under its name in snake_case ({@code timeMs} →
 * {@code time_ms}), in the order the record declares them, nested records and lists likewise, a
 * non-finite number as {@code null}. Views are declared once, as records, and their JSON cannot
 * drift from them.
 *
 * <p>A component that may be absent is an {@link Optional}: left out when empty. A null component is
 * written as {@code null}. A component declared {@code Object} holds the user's data (a window's
 * value) and maps are built elsewhere: both are handed to {@link JsonValues} as they are, so they
 * read as everywhere else they are shown.
 */
public final class RecordJson {
  private RecordJson() {}

  /** {@code value} as the plain maps, lists and values {@link JsonValues} writes. */
  public static Object of(Object value) {
    if (value instanceof Record r) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object v = read(c, r);
        if (v instanceof Optional<?> o) {
          if (o.isEmpty()) {
            continue;
          }
          v = o.get();
        }
        m.put(snake(c.getName()), c.getType() == Object.class ? v : of(v));
      }
      return m;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(of(o));
      }
      return out;
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    return value;
  }

  private static Object read(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
    }
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char ch = camel.charAt(i);
      if (Character.isUpperCase(ch)) {
        sb.append('_').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
