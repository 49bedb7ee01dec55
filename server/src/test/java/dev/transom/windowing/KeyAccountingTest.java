package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.windowing.aggregate.CountAggregate;
import org.junit.jupiter.api.Test;

/** The key counts the server's memory estimate reads follow keys as they come, go and are restored. */
class KeyAccountingTest {
  private static final long S = 1_000_000;
  private static final long NOW = 1_000_000 * S;

  @Test
  void aSharedClockForgetsKeysWhoseWindowsClosed() {
    WindowOperator op = new WindowOperator(new EventClock(0, true), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    op.process("ab", NOW + S, 1L, null, NOW, r);
    op.process("cde", NOW + S, 1L, null, NOW, r);
    op.process("ab", NOW + 2 * S, 1L, null, NOW, r);
    assertEquals(2, op.keyCount());
    assertEquals(5, op.keyChars());
    op.process("f", NOW + 30 * S, 1L, null, NOW, r); // the shared watermark passes both windows
    assertEquals(2, r.outputs.size());
    assertEquals(1, op.keyCount());
    assertEquals(1, op.keyChars());
  }

  @Test
  void perKeyClocksKeepTheirKeysAndARestoreCountsThemAgain() {
    WindowOperator op = new WindowOperator(new EventClock(0, false), new TumblingWindower(10 * S, 0), new CountAggregate());
    Recorder r = new Recorder();
    op.process("key-1", NOW + S, 1L, null, NOW, r);
    op.process("key-22", NOW + S, 1L, null, NOW, r);
    op.process("key-1", NOW + 30 * S, 1L, null, NOW, r); // key-1's window closes, its clock stays
    assertEquals(2, op.keyCount());
    assertEquals(11, op.keyChars());
    WindowOperator again = new WindowOperator(new EventClock(0, false), new TumblingWindower(10 * S, 0),
        new CountAggregate());
    again.restore(op.snapshot());
    assertEquals(2, again.keyCount());
    assertEquals(11, again.keyChars());
    assertEquals(op.openWindowCount(), again.openWindowCount());
  }
}
