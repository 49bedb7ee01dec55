package dev.transom.windowing;

import java.util.List;
import java.util.Map;

/** Names of value kinds, for messages ("sum takes numbers, got a string"). One vocabulary everywhere. */
public final class ValueKinds {
  private ValueKinds() {}

  /** {@code int}, {@code double}, {@code string}, {@code bool}, {@code list}, {@code map}, {@code null}, ... */
  public static String name(Object v) {
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
    if (v instanceof java.time.Instant) {
      return "timestamp";
    }
    if (v instanceof java.time.Duration) {
      return "duration";
    }
    // JSON null is CEL's NullValue, which the core knows only by name
    String simple = v.getClass().getSimpleName();
    return simple.equals("NullValue") ? "null" : simple.toLowerCase(java.util.Locale.ROOT);
  }

  /** The name with its article: {@code an int}, {@code a string}, {@code null}. */
  public static String withArticle(Object v) {
    String n = name(v);
    if (n.equals("null")) {
      return n;
    }
    return ("aeiou".indexOf(n.charAt(0)) >= 0 ? "an " : "a ") + n;
  }

  public static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Integer;
  }
}
