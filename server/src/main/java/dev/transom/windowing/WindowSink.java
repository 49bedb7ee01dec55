package dev.transom.windowing;

/**
 * Where the core puts what it emits. Called synchronously from {@link WindowOperator}; the
 * arguments are plain values the receiver may keep.
 */
public interface WindowSink {
  /** A window closed: emitted once, never reopened. */
  void window(String key, long openMicros, long closeMicros, Object value);

  /**
   * An item arrived after one of its windows had closed. For sessions there is no window:
   * {@code openMicros == closeMicros == }{@link #NO_WINDOW}.
   */
  void late(String key, long itemTimeMicros, long watermarkMicros, Object value, long openMicros, long closeMicros);

  /** The item could not be taken (whole item, or one window of it); counted and shown, not fatal. */
  void itemError(String key, String message);

  /** Marks "no window" in {@link #late} for sessions. */
  long NO_WINDOW = Micros.NEG_INFINITY;
}
