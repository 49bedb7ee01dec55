package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.spec.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineHistoryTest {
  private static PipelineHistory.Reading reading(long in, long out, long pending, double lag) {
    return new PipelineHistory.Reading(in, out, 0, 0, pending, 3, lag, 100, 0);
  }

  private static PipelineHistory.Samples all(PipelineHistory h) {
    return h.samples(0, PipelineHistory.SAMPLES);
  }

  @Test
  void samplesHoldWhatHappenedInTheirSecondAndWhatWasThereAtItsEnd() {
    PipelineHistory h = new PipelineHistory();
    h.sample(1_000, reading(10, 0, 4, 0.5));
    h.sample(2_000, reading(25, 2, 0, Double.NaN));
    PipelineHistory.Samples s = all(h);
    assertEquals(List.of(1_000L, 2_000L), s.timeMs());
    assertEquals(List.of(10L, 15L), s.in());
    assertEquals(List.of(0L, 2L), s.out());
    assertEquals(List.of(4L, 0L), s.pending());
    assertEquals(List.of(3L, 3L), s.openWindows());
    assertEquals(0.5, s.lagSeconds().get(0));
    assertNull(s.lagSeconds().get(1), "no lag is null, not NaN");
  }

  @Test
  void aTotalThatStartsAgainCountsFromZeroInsteadOfGoingNegative() {
    PipelineHistory h = new PipelineHistory();
    h.sample(1_000, reading(500, 0, 0, 0));
    h.sample(2_000, reading(7, 0, 0, 0)); // a replacement host: its counters began at 0
    assertEquals(List.of(500L, 7L), all(h).in());
  }

  @Test
  void theRingKeepsTheNewestFifteenMinutes() {
    PipelineHistory h = new PipelineHistory();
    int n = PipelineHistory.SAMPLES + 50;
    for (int i = 1; i <= n; i++) {
      h.sample(i * 1_000L, reading(i, 0, 0, 0));
    }
    PipelineHistory.Samples s = all(h);
    assertEquals(900, s.timeMs().size());
    assertEquals(51_000L, s.timeMs().get(0));
    assertEquals(n * 1_000L, s.timeMs().get(899));
    assertEquals(List.of(1L, 1L), s.in().subList(0, 2));
    assertEquals(10, h.samples(0, 10).timeMs().size(), "the last 10");
    assertEquals(4, h.samples((n - 4) * 1_000L, 900).timeMs().size(), "after a time");
    assertEquals(5, h.samples((n - 10) * 1_000L, 5).timeMs().size(), "whichever are fewer");
  }

  @Test
  void askingSinceAViewsUntilGivesExactlyWhatCameAfterIt() {
    PipelineHistory h = new PipelineHistory();
    h.sample(1_000, reading(1, 0, 0, 0));
    PipelineHistory.View first = h.view("p", 10, 0, 1_500);
    assertEquals(1_500, first.untilMs());
    assertEquals(1, first.samples().timeMs().size());
    // a sample whose clock reading is older than the view (taken just before, stored just after)
    h.sample(1_400, reading(2, 0, 0, 0));
    h.checkpointStored(1_450, 1, 3_000_000, 10, true);
    PipelineHistory.View next = h.view("p", 10, first.untilMs(), 1_600);
    assertEquals(1, next.samples().timeMs().size(), "stamped after the view it missed");
    assertTrue(next.samples().timeMs().get(0) > first.untilMs());
    assertEquals(1, next.checkpoints().size());
    assertEquals(0, h.view("p", 10, next.untilMs(), 1_700).samples().timeMs().size());
  }

  @Test
  void checkpointsAreListedAndTheLongestOfASecondGoesIntoItsSample() {
    PipelineHistory h = new PipelineHistory();
    h.checkpointStored(500, 4, 12_000_000, 2_048, false);
    h.checkpointStored(600, 5, 30_000_000, 4_096, true);
    h.checkpointFailed(700, 6, 1_000_000, "disk full");
    h.sample(1_000, reading(0, 0, 0, 0));
    h.sample(2_000, reading(0, 0, 0, 0));
    PipelineHistory.View v = h.view("p", 10, 0, 3_000);
    assertEquals(java.util.Arrays.asList(30L, null), v.samples().checkpointMs());
    List<PipelineHistory.CheckpointEntry> c = v.checkpoints();
    assertEquals(List.of(4L, 5L, 6L), c.stream().map(PipelineHistory.CheckpointEntry::epoch).toList());
    assertEquals(List.of("stored", "stored", "failed"), c.stream().map(PipelineHistory.CheckpointEntry::outcome).toList());
    assertEquals(false, c.get(0).full());
    assertEquals(4_096L, c.get(1).stateBytes());
    assertEquals("disk full", c.get(2).error());
  }

  @Test
  void reloadsSayWhatChangedAndWhatBecameOfTheWindows() {
    PipelineHistory h = new PipelineHistory();
    h.deployed(1_000, 1, null, 0);
    h.rejected(2_000, 1, List.of(new Problem("defs/p.yaml", 5, 3, "window.lenght: unknown field")), 2);
    PipelineHistory.ReloadEntry last = h.recent(0, 900, 3_000).lastReload();
    assertEquals("rejected", last.outcome());
    assertEquals(List.of("defs/p.yaml:5:3: window.lenght: unknown field"), last.problems());
    List<PipelineHistory.ReloadEntry> all = h.view("p", 10, 0, 3_000).reloads();
    assertEquals(java.time.Instant.ofEpochMilli(2_000), last.time(), "stamped with the time its caller read");
    assertEquals(List.of("deployed", "rejected"), all.stream().map(PipelineHistory.ReloadEntry::outcome).toList());
    assertEquals("no checkpoint: started empty", all.get(0).detail());
  }
}
