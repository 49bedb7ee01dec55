package dev.transom.windowing;

import java.util.List;

/**
 * All state of a {@link WindowOperator} as plain values: enough to rebuild it exactly
 * (docs/semantics.md: clocks, windower state and accumulators).
 */
public record OperatorSnapshot(long nextSeq, long[] sharedClock, List<KeySnapshot> keys) {
  /** One key: its clock (absent when shared) and its open windows. */
  public record KeySnapshot(String key, long[] clock, List<WindowSnapshot> windows) {}
}
