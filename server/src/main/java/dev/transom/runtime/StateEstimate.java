package dev.transom.runtime;

/**
 * What a pipeline's state costs on the heap, estimated from counts the runtime keeps anyway (keys,
 * their length, open windows, queued input) instead of measuring objects: the estimate is read on
 * every ingest request. The constants were taken from heap histograms of a server flooded with
 * distinct keys (docs/security.md, "Memory"), so the estimate tracks the retained heap to within
 * a few tens of percent for the built-in aggregates.
 */
final class StateEstimate {
  /**
   * Per key: its map entry and string, its clock state, its window array, its place in the wake-up
   * heap and in the set of keys changed since the last checkpoint.
   */
  static final long KEY_BYTES = 192;
  /** Per char of a key (Latin-1 strings use one byte; others two — take the larger). */
  static final long KEY_CHAR_BYTES = 2;
  /** Per open window: the window object with its accumulator fields. */
  static final long WINDOW_BYTES = 64;
  /** Per row staged for an h2 sink table until the next checkpoint cut. */
  static final long TABLE_ROW_BYTES = 256;
  /**
   * Per byte of a queued batch's text: the parsed events (maps, strings, boxed numbers) weigh a few
   * times their JSON.
   */
  static final long QUEUED_BYTE_BYTES = 4;

  private StateEstimate() {}

  static long windowState(long keys, long keyChars, long openWindows) {
    return keys * KEY_BYTES + keyChars * KEY_CHAR_BYTES + openWindows * WINDOW_BYTES;
  }

  static long queued(long textBytes) {
    return textBytes * QUEUED_BYTE_BYTES;
  }
}
