package dev.transom.windowing;

/**
 * bytewax's {@code EventClockConfig(dt_getter, wait_for_system_duration)} (SEMANTICS §2.1).
 *
 * <p>{@code wm = base_t - wait + (now - base_now)}; before any item, {@code -inf}. An item {@code t}
 * becomes the base only when {@code t - wait} is greater than the current watermark, so the
 * watermark never goes backwards, and between items it keeps advancing with system time.
 */
public record EventClock(long waitMicros, boolean sharedAcrossKeys) implements ClockConfig {
  public EventClock {
    if (waitMicros < 0 || waitMicros > Micros.MAX_ABS_TIME) {
      throw new IllegalArgumentException("wait out of range: " + waitMicros);
    }
  }

  @Override
  public ClockLogic newLogic() {
    return new Logic(waitMicros);
  }

  static final class Logic implements ClockLogic {
    private static final long NO_BASE = Micros.NEG_INFINITY;
    private final long waitMicros;
    private long baseTimeMicros = NO_BASE;
    private long baseNowMicros;
    private boolean ended;

    Logic(long waitMicros) {
      this.waitMicros = waitMicros;
    }

    @Override
    public long itemTime(long eventTimeMicros, long nowMicros) {
      return eventTimeMicros;
    }

    /** "A new item t becomes the base only when t - wait is greater than the current watermark." */
    @Override
    public void observe(long itemTimeMicros, long nowMicros) {
      if (ended) {
        return;
      }
      long candidate = itemTimeMicros - waitMicros;
      if (baseTimeMicros == NO_BASE || candidate > watermark(nowMicros)) {
        baseTimeMicros = itemTimeMicros;
        baseNowMicros = nowMicros;
      }
    }

    /**
     * {@code wm = base_t - wait + (now - base_now)}. A {@code now} earlier than the base's (a
     * stepped-back system clock) counts as the base's own, so the watermark cannot regress.
     */
    @Override
    public long watermark(long nowMicros) {
      if (ended) {
        return Micros.POS_INFINITY;
      }
      if (baseTimeMicros == NO_BASE) {
        return Micros.NEG_INFINITY;
      }
      long elapsed = Math.max(0, nowMicros - baseNowMicros);
      return baseTimeMicros - waitMicros + elapsed;
    }

    @Override
    public long systemTimeWhenWatermarkReaches(long watermarkMicros) {
      if (ended) {
        return Micros.NEG_INFINITY;
      }
      if (baseTimeMicros == NO_BASE) {
        return Micros.POS_INFINITY;
      }
      long lag = watermarkMicros - (baseTimeMicros - waitMicros);
      return lag <= 0 ? baseNowMicros : baseNowMicros + lag;
    }

    @Override
    public void endOfInput() {
      ended = true;
    }

    @Override
    public long[] snapshot() {
      return new long[] {baseTimeMicros, baseNowMicros, ended ? 1 : 0};
    }

    @Override
    public void restore(long[] s) {
      baseTimeMicros = s[0];
      baseNowMicros = s[1];
      ended = s[2] != 0;
    }
  }
}
