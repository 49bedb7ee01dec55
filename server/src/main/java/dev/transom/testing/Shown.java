package dev.transom.testing;

import dev.transom.io.JsonValues;

/** A value as a failure shows it: compact JSON, cut short in the middle when long. */
final class Shown {
  static final int MAX = 240;

  private Shown() {}

  /** A produced record without its {@code pipeline} field, which every record of the test has alike. */
  static String record(Object value) {
    if (value instanceof java.util.Map<?, ?> m && m.containsKey("pipeline")) {
      java.util.Map<Object, Object> shown = new java.util.LinkedHashMap<>(m);
      shown.remove("pipeline");
      return of(shown);
    }
    return of(value);
  }

  static String of(Object value) {
    String json = JsonValues.toJson(value);
    if (json.length() <= MAX) {
      return json;
    }
    return json.substring(0, MAX / 2 - 3) + " ... " + json.substring(json.length() - MAX / 2 + 3);
  }
}
