package dev.transom.compile;

import java.util.Map;

/** What a running pipeline produces, in the order it produces it. */
public interface Outputs {
  /** A window output record (docs/reference.md), after the {@code then} steps. */
  void output(Map<String, Object> record);

  /** A late-item record (one per item and missed window). */
  void late(Map<String, Object> record);

  void error(ItemError error);

  /**
   * A window output as the operator made it, before the {@code then} steps (only when the pipeline
   * has some): what a preview of a changed {@code then} runs the new steps on.
   */
  default void beforeThen(Map<String, Object> record) {}
}
