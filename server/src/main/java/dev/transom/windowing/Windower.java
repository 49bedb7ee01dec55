package dev.transom.windowing;

/** An immutable windower definition (tumbling, sliding, session) and the logic that runs it. */
public interface Windower {
  WindowerLogic logic();

  /**
   * How far past a window's close time the watermark must be before the window closes: 0 for
   * tumbling and sliding ({@code close_time <= wm}), the gap for sessions.
   */
  long closeDelayMicros();
}
