package dev.transom.windowing;

/**
 * bytewax's {@code EventClockConfig(dt_getter, wait_for_system_duration)} (docs/semantics.md).
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
  public ClockLogic logic() {
    return new Logic(waitMicros);
  }

  /** Base time in {@link ClockState#clockTimeMicros}, base system time in {@link ClockState#clockNowMicros}. */
  static final class Logic implements ClockLogic {
    private static final long NO_BASE = Micros.NEG_INFINITY;
    private final long waitMicros;

    Logic(long waitMicros) {
      this.waitMicros = waitMicros;
    }

    @Override
    public long itemTime(ClockState s, long eventTimeMicros, long nowMicros) {
      return eventTimeMicros;
    }

    /** "A new item t becomes the base only when t - wait is greater than the current watermark." */
    @Override
    public void observe(ClockState s, long itemTimeMicros, long nowMicros) {
      if (s.clockEnded) {
        return;
      }
      long candidate = itemTimeMicros - waitMicros;
      if (s.clockTimeMicros == NO_BASE || candidate > watermark(s, nowMicros)) {
        s.clockTimeMicros = itemTimeMicros;
        s.clockNowMicros = nowMicros;
      }
    }

    /**
     * {@code wm = base_t - wait + (now - base_now)}. A {@code now} earlier than the base's (a
     * stepped-back system clock) counts as the base's own, so the watermark cannot regress.
     */
    @Override
    public long watermark(ClockState s, long nowMicros) {
      if (s.clockEnded) {
        return Micros.POS_INFINITY;
      }
      if (s.clockTimeMicros == NO_BASE) {
        return Micros.NEG_INFINITY;
      }
      long elapsed = Math.max(0, nowMicros - s.clockNowMicros);
      return s.clockTimeMicros - waitMicros + elapsed;
    }

    /** The base becomes {@code watermarkMicros + wait} seen now: the watermark it gives is {@code watermarkMicros}. */
    @Override
    public boolean advanceTo(ClockState s, long watermarkMicros, long nowMicros) {
      if (!s.clockEnded && (s.clockTimeMicros == NO_BASE || watermark(s, nowMicros) < watermarkMicros)) {
        s.clockTimeMicros = watermarkMicros + waitMicros;
        s.clockNowMicros = nowMicros;
      }
      return true;
    }

    @Override
    public long systemTimeWhenWatermarkReaches(ClockState s, long watermarkMicros) {
      if (s.clockEnded) {
        return Micros.NEG_INFINITY;
      }
      if (s.clockTimeMicros == NO_BASE) {
        return Micros.POS_INFINITY;
      }
      long lag = watermarkMicros - (s.clockTimeMicros - waitMicros);
      return lag <= 0 ? s.clockNowMicros : s.clockNowMicros + lag;
    }

    @Override
    public long[] snapshot(ClockState s) {
      return new long[] {s.clockTimeMicros, s.clockNowMicros, s.clockEnded ? 1 : 0};
    }

    @Override
    public void restore(ClockState s, long[] snapshot) {
      s.clockTimeMicros = snapshot[0];
      s.clockNowMicros = snapshot[1];
      s.clockEnded = snapshot[2] != 0;
    }
  }
}
