package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlidingWindowerTest {
  private static final long S = 1_000_000L;

  @Test
  void itemAtOpenBelongsToTheWindowAndItemAtCloseToTheNext() {
    SlidingWindower w = new TumblingWindower(10 * S, 0).asSliding();
    assertEquals(1, w.firstIndex(10 * S));
    assertEquals(1, w.lastIndex(10 * S));
    assertEquals(0, w.firstIndex(10 * S - 1));
    assertEquals(0, w.lastIndex(10 * S - 1));
  }

  @Test
  void negativeTimesUseFloorDivision() {
    SlidingWindower w = new TumblingWindower(10 * S, 0).asSliding();
    assertEquals(-1, w.lastIndex(-1));
    assertEquals(-1, w.firstIndex(-1));
    assertEquals(-10 * S, w.openOf(-1));
  }

  @Test
  void overlappingWindowsContainEachItemLengthOverOffsetTimes() {
    SlidingWindower w = new SlidingWindower(10 * S, 3 * S, 0);
    // 7 s lies in [0,10), [3,13), [6,16) and not in [-3,7) (half-open).
    assertEquals(0, w.firstIndex(7 * S));
    assertEquals(2, w.lastIndex(7 * S));
  }

  @Test
  void gapItemsBelongToNoWindow() {
    SlidingWindower w = new SlidingWindower(5 * S, 10 * S, 0);
    long t = 7 * S;
    assertEquals(1, w.firstIndex(t));
    assertEquals(0, w.lastIndex(t));
  }

  @Test
  void farFromAlignToStaysExact() {
    long align = Micros.MAX_ABS_TIME / 2;
    SlidingWindower w = new SlidingWindower(3 * S, 3 * S, align);
    long t = -Micros.MAX_ABS_TIME / 2 + 1;
    long i = w.lastIndex(t);
    long open = w.openOf(i);
    assertEquals(true, open <= t && t < open + 3 * S);
  }

  @Test
  void windowClosesExactlyWhenWatermarkReachesItsEnd() {
    WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(10 * S, 0),
        new dev.transom.windowing.aggregate.CountAggregate());
    Recorder r = new Recorder();
    op.process("k", 5 * S, 1L, null, 0, r);
    op.process("k", 10 * S - 1, 1L, null, 0, r);
    assertEquals(0, r.outputs.size());
    op.process("k", 10 * S, 1L, null, 0, r);
    assertEquals(1, r.outputs.size());
    assertEquals(2L, r.outputs.get(0).value());
  }
}
