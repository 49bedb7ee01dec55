package dev.transom.windowing.aggregate;

import java.util.List;
import java.util.Map;

/** Names of value kinds for messages. */
final class Values {
  private Values() {}

  static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Long || v instanceof Integer) {
      return "int";
    }
    if (v instanceof Double) {
      return "double";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "map";
    }
    String simple = v.getClass().getSimpleName();
    return simple.equals("NullValue") ? "null" : simple.toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Integer;
  }
}
