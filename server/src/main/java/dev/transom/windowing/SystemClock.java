package dev.transom.windowing;

/**
 * bytewax's {@code SystemClockConfig} (docs/semantics.md): item time = watermark = the system time
 * when the item is processed, so nothing is ever late.
 */
public record SystemClock() implements ClockConfig {
  @Override
  public ClockLogic logic() {
    return new Logic();
  }

  /** A system clock is the same for every key; sharing one state saves a clock per key. */
  @Override
  public boolean sharedAcrossKeys() {
    return true;
  }

  /** The latest system time seen in {@link ClockState#clockTimeMicros}. */
  static final class Logic implements ClockLogic {
    @Override
    public long itemTime(ClockState s, long eventTimeMicros, long nowMicros) {
      return Math.max(nowMicros, s.clockTimeMicros);
    }

    @Override
    public void observe(ClockState s, long itemTimeMicros, long nowMicros) {
      s.clockTimeMicros = Math.max(s.clockTimeMicros, nowMicros);
    }

    /**
     * Reads, never moves, the clock: a look at the watermark (the API, the dashboard, a wake-up)
     * must not change the time the next item gets, or a replay of the same items at the same times
     * could put them in other windows. Only items move it ({@link #observe}).
     */
    @Override
    public long watermark(ClockState s, long nowMicros) {
      if (s.clockEnded) {
        return Micros.POS_INFINITY;
      }
      return Math.max(s.clockTimeMicros, nowMicros);
    }

    /** The watermark is the system time: moving it would put the next items in later windows. */
    @Override
    public boolean advanceTo(ClockState s, long watermarkMicros, long nowMicros) {
      return false;
    }

    @Override
    public boolean canAdvance() {
      return false;
    }

    @Override
    public long systemTimeWhenWatermarkReaches(ClockState s, long watermarkMicros) {
      return s.clockEnded ? Micros.NEG_INFINITY : watermarkMicros;
    }

    @Override
    public long[] snapshot(ClockState s) {
      return new long[] {s.clockTimeMicros, s.clockEnded ? 1 : 0};
    }

    @Override
    public void restore(ClockState s, long[] snapshot) {
      s.clockTimeMicros = snapshot[0];
      s.clockEnded = snapshot[1] != 0;
    }
  }
}
