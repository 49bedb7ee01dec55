package dev.transom.windowing;

import java.util.List;

/**
 * All state of a {@link WindowOperator} as plain values: enough to rebuild it exactly
 * (docs/semantics.md: clocks, windower state and accumulators).
 */
public record OperatorSnapshot(long nextSeq, long[] sharedClock, List<KeySnapshot> keys) {
  /** One key: its clock (absent when shared) and its open windows. */
  public record KeySnapshot(String key, long[] clock, List<WindowSnapshot> windows) {}

  /**
   * Implemented by a {@link #keys()} list that can name its i-th key without building the key's
   * snapshot (a checkpoint read back decodes a key's windows only when they are asked for).
   */
  public interface KeyNames {
    String keyAt(int i);
  }

  /**
   * Implemented by a {@link #keys()} list that can hand its keys to a {@link StateWriter} as it
   * decodes them, so that restoring a million keys builds no snapshot object per key. Its keys are
   * distinct.
   */
  public interface KeySource {
    void writeTo(StateWriter out);
  }
}
