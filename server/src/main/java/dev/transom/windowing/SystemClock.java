package dev.transom.windowing;

/**
 * bytewax's {@code SystemClockConfig} (SEMANTICS §2.2): item time = watermark = the system time
 * when the item is processed, so nothing is ever late.
 */
public record SystemClock() implements ClockConfig {
  @Override
  public ClockLogic newLogic() {
    return new Logic();
  }

  /** A system clock is the same for every key; sharing one logic saves a clock per key. */
  @Override
  public boolean sharedAcrossKeys() {
    return true;
  }

  static final class Logic implements ClockLogic {
    private long lastNowMicros = Micros.NEG_INFINITY;
    private boolean ended;

    @Override
    public long itemTime(long eventTimeMicros, long nowMicros) {
      return Math.max(nowMicros, lastNowMicros);
    }

    @Override
    public void observe(long itemTimeMicros, long nowMicros) {
      lastNowMicros = Math.max(lastNowMicros, nowMicros);
    }

    @Override
    public long watermark(long nowMicros) {
      if (ended) {
        return Micros.POS_INFINITY;
      }
      lastNowMicros = Math.max(lastNowMicros, nowMicros);
      return lastNowMicros;
    }

    @Override
    public long systemTimeWhenWatermarkReaches(long watermarkMicros) {
      return ended ? Micros.NEG_INFINITY : watermarkMicros;
    }

    @Override
    public void endOfInput() {
      ended = true;
    }

    @Override
    public long[] snapshot() {
      return new long[] {lastNowMicros, ended ? 1 : 0};
    }

    @Override
    public void restore(long[] s) {
      lastNowMicros = s[0];
      ended = s[1] != 0;
    }
  }
}
