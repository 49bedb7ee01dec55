package dev.transom.windowing;

/**
 * Receives keys' state one value at a time: a checkpoint written from the operator
 * ({@link WindowOperator#writeGroup}), or a stored one read back into it
 * ({@link OperatorSnapshot.KeySource}). The same values as an {@link OperatorSnapshot}, without
 * building one. Called synchronously; {@code clock} is valid during the call only, {@code acc}
 * may be kept.
 */
public interface StateWriter {
  /** A key, its clock ({@code null} when the pipeline shares one) and how many windows follow. */
  void key(String key, long[] clock, int windows);

  /** One of the key's open windows, in open-time order; {@code acc} is the window's own snapshot. */
  void window(long openMicros, long closeMicros, long count, Object acc);
}
