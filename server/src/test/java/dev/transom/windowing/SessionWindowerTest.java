package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.windowing.aggregate.CollectAggregate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionWindowerTest {
  private static final long S = 1_000_000L;

  private static WindowOperator op(long waitSeconds) {
    return new WindowOperator(new EventClock(waitSeconds * S, false), new SessionWindower(5 * S), new CollectAggregate(1L << 20));
  }

  @Test
  void itemExactlyGapAfterStartsNewSession() {
    WindowOperator op = op(100);
    Recorder r = new Recorder();
    op.process("k", 0, "a", null, 0, r);
    op.process("k", 5 * S, "b", null, 0, r);
    op.finish(r);
    assertEquals(2, r.outputs.size());
  }

  @Test
  void itemJustInsideGapJoins() {
    WindowOperator op = op(100);
    Recorder r = new Recorder();
    op.process("k", 0, "a", null, 0, r);
    op.process("k", 5 * S - 1, "b", null, 0, r);
    op.finish(r);
    assertEquals(List.of(new Recorder.Out("k", 0, 5 * S - 1, List.of("a", "b"))), r.outputs);
  }

  @Test
  void bridgingItemMergesTwoSessionsKeepingAllValuesInTimeOrder() {
    WindowOperator op = op(100);
    Recorder r = new Recorder();
    op.process("k", 0, "a", null, 0, r);
    op.process("k", 8 * S, "c", null, 0, r);
    op.process("k", 4 * S, "b", null, 0, r);
    op.finish(r);
    assertEquals(List.of(new Recorder.Out("k", 0, 8 * S, List.of("a", "b", "c"))), r.outputs);
  }

  @Test
  void sessionClosesWhenCloseTimePlusGapReachesWatermark() {
    WindowOperator op = op(0);
    Recorder r = new Recorder();
    op.process("k", 0, "a", null, 0, r);
    op.process("k", 5 * S - 1, "b", null, 0, r);
    assertEquals(0, r.outputs.size());
    op.process("k", 10 * S - 1, "c", null, 0, r);
    assertEquals(1, r.outputs.size());
  }

  @Test
  void itemThatWouldFormAClosedSessionIsLateWithoutWindow() {
    WindowOperator op = op(0);
    Recorder r = new Recorder();
    op.process("k", 20 * S, "a", null, 0, r);
    op.process("k", 10 * S, "old", null, 0, r);
    assertEquals(1, r.late.size());
    assertEquals(WindowSink.NO_WINDOW, r.late.get(0).open());
  }

  @Test
  void quietKeyHoldsNoWindowStateAfterClosing() {
    WindowOperator op = op(0);
    Recorder r = new Recorder();
    op.process("k", 0, "a", null, 0, r);
    op.advance(10 * S, r);
    assertEquals(1, r.outputs.size());
    assertEquals(0, op.openKeyCount());
    assertEquals(1, op.snapshot().keys().size(), "the key's clock is kept");
    assertEquals(0, op.snapshot().keys().get(0).windows().size());
  }
}
