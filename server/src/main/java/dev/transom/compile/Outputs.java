package dev.transom.compile;

import java.util.Map;

/** What a running pipeline produces, in the order it produces it. */
public interface Outputs {
  /** A window output record (docs/reference.md), after the {@code then} steps. */
  void output(Map<String, Object> record);

  /** A late-item record (one per item and missed window). */
  void late(Map<String, Object> record);

  void error(ItemError error);
}
