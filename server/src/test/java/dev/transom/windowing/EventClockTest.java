package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventClockTest {
  private static final long S = 1_000_000L;

  @Test
  void watermarkIsMinusInfinityBeforeAnyItem() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    assertEquals(Micros.NEG_INFINITY, c.watermark(100 * S));
    assertEquals(Micros.POS_INFINITY, c.systemTimeWhenWatermarkReaches(0));
  }

  @Test
  void watermarkTrailsBaseByWaitAndAdvancesWithSystemTime() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    assertEquals(95 * S, c.watermark(1_000 * S));
    assertEquals(97 * S, c.watermark(1_002 * S));
  }

  @Test
  void olderItemDoesNotBecomeBaseAndWatermarkNeverGoesBack() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    c.observe(90 * S, 1_001 * S);
    assertEquals(96 * S, c.watermark(1_001 * S));
  }

  @Test
  void newItemBecomesBaseOnlyWhenItsTimeMinusWaitPassesTheWatermark() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    // 10 s of system time later the old base gives 105; an item at 109 gives 104: not a new base.
    c.observe(109 * S, 1_010 * S);
    assertEquals(105 * S, c.watermark(1_010 * S));
    c.observe(111 * S, 1_010 * S);
    assertEquals(106 * S, c.watermark(1_010 * S));
  }

  @Test
  void systemTimeStepBackDoesNotRegressWatermark() {
    ClockLogic c = new EventClock(0, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    assertEquals(100 * S, c.watermark(900 * S));
  }

  @Test
  void wakeUpTimeIsWhenWatermarkReachesTheDeadline() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    assertEquals(1_015 * S, c.systemTimeWhenWatermarkReaches(110 * S));
    assertEquals(1_000 * S, c.systemTimeWhenWatermarkReaches(90 * S));
  }

  @Test
  void endOfInputMakesWatermarkInfinite() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    c.endOfInput();
    assertEquals(Micros.POS_INFINITY, c.watermark(1_000 * S));
  }

  @Test
  void snapshotRestoresExactly() {
    ClockLogic c = new EventClock(5 * S, false).newLogic();
    c.observe(100 * S, 1_000 * S);
    ClockLogic d = new EventClock(5 * S, false).newLogic();
    d.restore(c.snapshot());
    assertEquals(c.watermark(1_003 * S), d.watermark(1_003 * S));
  }
}
