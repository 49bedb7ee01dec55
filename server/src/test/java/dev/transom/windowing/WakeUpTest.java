package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.windowing.aggregate.CountAggregate;
import org.junit.jupiter.api.Test;

class WakeUpTest {
  private static final long S = 1_000_000L;

  @Test
  void eventClockWindowClosesAtTheAnnouncedSystemTimeWithoutInput() {
    WindowOperator op = new WindowOperator(new EventClock(2 * S, false), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    op.process("k", 3 * S, 1L, null, 1_000 * S, r);
    // wm = 3 - 2 + (now - 1000); the window [0,10) closes at wm = 10, now = 1009.
    assertEquals(1_009 * S, op.nextWakeMicros());
    op.advance(1_009 * S - 1, r);
    assertEquals(0, r.outputs.size());
    op.advance(1_009 * S, r);
    assertEquals(1, r.outputs.size());
    assertEquals(Micros.POS_INFINITY, op.nextWakeMicros());
  }

  /** Incremental checkpoints rewrite changed keys only: a wake-up that closes windows changes keys too. */
  @Test
  void keysChangedByItemsAndByWakeUpsAreReportedOnceEach() {
    WindowOperator op = new WindowOperator(new EventClock(2 * S, false), new TumblingWindower(10 * S, 0), new CountAggregate());
    op.trackChanges();
    Recorder r = new Recorder();
    op.process("a", 3 * S, 1L, null, 1_000 * S, r);
    op.process("b", 3 * S, 1L, null, 1_000 * S, r);
    assertEquals(java.util.Set.of("a", "b"), op.drainChangedKeys());
    assertEquals(java.util.Set.of(), op.drainChangedKeys());
    op.advance(1_009 * S, r);
    assertEquals(2, r.outputs.size());
    assertEquals(java.util.Set.of("a", "b"), op.drainChangedKeys(), "closing a window changes its key's state");
  }

  @Test
  void systemClockWindowClosesAtItsCloseTime() {
    WindowOperator op = new WindowOperator(new SystemClock(), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    op.process("k", 0, 1L, null, 1_003 * S, r);
    assertEquals(1_010 * S, op.nextWakeMicros());
    op.advance(1_010 * S, r);
    assertEquals(new Recorder.Out("k", 1_000 * S, 1_010 * S, 1L), r.outputs.get(0));
  }

  @Test
  void sharedClockClosesOtherKeysWindowsWhenOneKeyMovesTheWatermark() {
    WindowOperator op = new WindowOperator(new EventClock(0, true), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    op.process("a", 1 * S, 1L, null, 0, r);
    op.process("b", 12 * S, 1L, null, 0, r);
    assertEquals(1, r.outputs.size());
    assertEquals("a", r.outputs.get(0).key());
  }

  @Test
  void earliestKeyIsWokenFirstAmongMany() {
    WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    for (int k = 0; k < 100; k++) {
      op.process("k" + k, (k % 7) * 10 * S + 1, 1L, null, 0, r);
    }
    // key k's window closes at system time close - t = 10s - 1us after now=0 for all keys.
    assertEquals(10 * S - 1, op.nextWakeMicros());
    op.advance(10 * S - 1, r);
    assertEquals(100, r.outputs.size());
  }
}
