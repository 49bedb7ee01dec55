package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventClockTest {
  private static final long S = 1_000_000L;

  @Test
  void watermarkIsMinusInfinityBeforeAnyItem() {
    Clock c = new Clock(new EventClock(5 * S, false));
    assertEquals(Micros.NEG_INFINITY, c.watermark(100 * S));
    assertEquals(Micros.POS_INFINITY, c.systemTimeWhenWatermarkReaches(0));
  }

  @Test
  void watermarkTrailsBaseByWaitAndAdvancesWithSystemTime() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    assertEquals(95 * S, c.watermark(1_000 * S));
    assertEquals(97 * S, c.watermark(1_002 * S));
  }

  @Test
  void olderItemDoesNotBecomeBaseAndWatermarkNeverGoesBack() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    c.observe(90 * S, 1_001 * S);
    assertEquals(96 * S, c.watermark(1_001 * S));
  }

  @Test
  void newItemBecomesBaseOnlyWhenItsTimeMinusWaitPassesTheWatermark() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    // 10 s of system time later the old base gives 105; an item at 109 gives 104: not a new base.
    c.observe(109 * S, 1_010 * S);
    assertEquals(105 * S, c.watermark(1_010 * S));
    c.observe(111 * S, 1_010 * S);
    assertEquals(106 * S, c.watermark(1_010 * S));
  }

  @Test
  void systemTimeStepBackDoesNotRegressWatermark() {
    Clock c = new Clock(new EventClock(0, false));
    c.observe(100 * S, 1_000 * S);
    assertEquals(100 * S, c.watermark(900 * S));
  }

  @Test
  void wakeUpTimeIsWhenWatermarkReachesTheDeadline() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    assertEquals(1_015 * S, c.systemTimeWhenWatermarkReaches(110 * S));
    assertEquals(1_000 * S, c.systemTimeWhenWatermarkReaches(90 * S));
  }

  @Test
  void endOfInputMakesWatermarkInfinite() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    c.endOfInput();
    assertEquals(Micros.POS_INFINITY, c.watermark(1_000 * S));
  }

  @Test
  void snapshotRestoresExactly() {
    Clock c = new Clock(new EventClock(5 * S, false));
    c.observe(100 * S, 1_000 * S);
    Clock d = new Clock(new EventClock(5 * S, false));
    d.restore(c.snapshot());
    assertEquals(c.watermark(1_003 * S), d.watermark(1_003 * S));
  }

  /** A clock's logic and its own state, as the operator pairs them for one key. */
  private static final class Clock {
    private final ClockLogic logic;
    private final ClockState state = new ClockState();

    Clock(ClockConfig config) {
      logic = config.logic();
    }

    void observe(long t, long now) {
      logic.observe(state, t, now);
    }

    long watermark(long now) {
      return logic.watermark(state, now);
    }

    long systemTimeWhenWatermarkReaches(long wm) {
      return logic.systemTimeWhenWatermarkReaches(state, wm);
    }

    void endOfInput() {
      logic.endOfInput(state);
    }

    long[] snapshot() {
      return logic.snapshot(state);
    }

    void restore(long[] snapshot) {
      logic.restore(state, snapshot);
    }
  }
}
