package dev.transom.compile;

import dev.transom.windowing.Micros;
import dev.transom.windowing.OpenWindow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One open window as tests, previews and cluster lookups show it: {@code key}, {@code open_time},
 * {@code close_time}, the {@code value} it would emit now and its item {@code count}.
 */
public final class OpenWindowRow {
  private OpenWindowRow() {}

  public static Map<String, Object> of(String key, OpenWindow w) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("key", key);
    row.put("open_time", Micros.toInstant(w.openMicros()));
    row.put("close_time", Micros.toInstant(w.closeMicros()));
    row.put("value", w.currentValue());
    row.put("count", w.count());
    return row;
  }
}
