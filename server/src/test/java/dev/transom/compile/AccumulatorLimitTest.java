package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.io.JsonValues;
import dev.transom.windowing.aggregate.FoldAggregate;
import dev.transom.windowing.aggregate.ReduceAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code aggregate.max_size} (a growing accumulator over its limit is an item error for its window,
 * never a crash) and the counting fold's entries set in place (no copy of the map per item).
 */
class AccumulatorLimitTest {
  private static String pipeline(String value, String window, String aggregate) {
    return "name: t\nsource: {kind: http}\nkey: event.k\nvalue: " + value
        + "\nclock: {kind: event, timestamp: event.ts, wait: 0s}\nwindow: " + window + "\naggregate: " + aggregate + "\n";
  }

  private static final String TEN_SECONDS = "{kind: tumbling, length: 10s}";

  private static String event(String k, String ts, String v) {
    return "{\"k\":\"" + k + "\",\"ts\":\"2024-05-01T10:00:0" + ts + "Z\",\"v\":" + v + "}";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> record(String json) throws Exception {
    return (Map<String, Object>) JsonValues.parse(json);
  }

  @Test
  void doublingReduceStopsAtTheDefaultLimitAsAnItemErrorAndOtherKeysGoOn() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS, "{reduce: 'acc + acc'}"));
    for (int i = 0; i < 40; i++) {
      h.send(event("a", "1", "\"ab\""));
      h.send(event("b", "2", "\"x\""));
    }
    h.send(event("a", "3", "\"ab\"")).finish();
    // 4 MiB: "ab" doubled 20 times is 2 MiB (written with its quotes, just over 2 MiB); once more would be 4 MiB + 2.
    long expected = 2L << 20;
    List<Long> lengths = new ArrayList<>();
    for (String o : h.outputs) {
      Map<String, Object> r = record(o);
      lengths.add((long) ((String) r.get("value")).length());
    }
    assertEquals(2, h.outputs.size(), h.errors.isEmpty() ? "" : h.errors.get(0).describe());
    assertTrue(lengths.contains(expected), "key a keeps its last accumulator under the limit: " + lengths);
    assertTrue(lengths.contains(1L << 21), "key b (one char doubled 39 times) stops at 2 MiB too: " + lengths);
    assertTrue(h.errors.size() >= 2 * 18, "every later step is an item error: " + h.errors.size());
    ItemError e = h.errors.get(0);
    assertEquals("aggregate", e.field());
    assertTrue(e.message().contains("aggregate.max_size (4.0 MiB)"), e.message());
    assertTrue(e.message().startsWith("reduce: the accumulator would take about 4.0 MiB"), e.message());
    assertTrue(e.message().endsWith("the item is left out of this window"), e.message());
  }

  @Test
  void aWindowOverItsLimitLeavesTheNextWindowOfTheSameKeyAlone() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{reduce: 'acc + acc', max_size: 1KiB}"));
    for (int i = 0; i < 12; i++) {
      h.send(event("a", "1", "\"ab\""));
    }
    h.send("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:11Z\",\"v\":\"cd\"}")
        .send("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:12Z\",\"v\":\"cd\"}").finish();
    assertEquals(2, h.outputs.size());
    assertEquals(512, ((String) record(h.outputs.get(0)).get("value")).length());
    assertEquals("cdcd", record(h.outputs.get(1)).get("value"));
    assertEquals(12 - 1 - 8, h.errors.size());
    assertTrue(h.errors.get(0).message().contains("aggregate.max_size (1 KiB)"), h.errors.get(0).message());
  }

  @Test
  void collectOverTheLimitIsAnItemErrorAndKeepsTheValuesBeforeIt() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS, "{collect: true, max_size: 1KiB}"));
    // Each "vvvvvvvv" takes 10 bytes and its comma 1: [] plus 93 of them is 1,025 > 1,024.
    for (int i = 0; i < 100; i++) {
      h.send(event("a", "1", "\"vvvvvvvv\""));
    }
    h.send(event("b", "1", "\"w\"")).finish();
    assertEquals(2, h.outputs.size());
    Map<String, Object> a = record(h.outputs.get(0).contains("\"key\":\"a\"") ? h.outputs.get(0) : h.outputs.get(1));
    assertEquals(92, ((List<?>) a.get("value")).size());
    assertEquals(8, h.errors.size());
    assertTrue(h.errors.get(0).message().startsWith("collect: the list would take about 1 KiB as JSON, more than "
        + "aggregate.max_size (1 KiB)"), h.errors.get(0).message());
  }

  @Test
  void collectReadStraightFromTheLineShowsARefusedItemWithItsKeyAndValue() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS, "{collect: true, max_size: 1KiB}"));
    for (int i = 0; i < 100; i++) {
      h.sendLine(event("a", "1", "\"vvvvvvvv\""));
    }
    h.finish();
    assertEquals(92, ((List<?>) record(h.outputs.get(0)).get("value")).size());
    assertEquals(8, h.errors.size());
    assertEquals(Map.of("key", "a", "value", "vvvvvvvv"), h.errors.get(0).item());
  }

  @Test
  void theCountingFoldOver100kDistinctValuesCopiesItsMapOnce() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}}"));
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      h.send(event("a", "1", "\"value-" + i + "\""));
    }
    h.send(event("a", "2", "\"value-7\""));
    FoldAggregate fold = (FoldAggregate) h.plan().aggregate();
    // The init's map is the fold's own only once copied; after that every entry is set in place.
    assertEquals(1, fold.mapCopies());
    h.finish();
    assertTrue(h.errors.isEmpty(), h.errors.isEmpty() ? "" : h.errors.get(0).describe());
    Map<?, ?> counts = (Map<?, ?>) record(h.outputs.get(0)).get("value");
    assertEquals(n, counts.size());
    assertEquals(2L, counts.get("value-7"));
    assertEquals(1L, counts.get("value-99999"));
  }

  @Test
  void aValueHandedOutIsNeverChangedAfterwardsTheNextStepCopiesOnce() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}}"));
    for (int i = 0; i < 1000; i++) {
      h.send(event("a", "1", "\"v" + i + "\""));
    }
    List<Object> shown = new ArrayList<>();
    h.execution().operator().forEachOpenWindow((k, w) -> shown.add(w.currentValue()));
    var checkpoint = h.execution().snapshot();
    for (int i = 0; i < 1000; i++) {
      h.send(event("a", "1", "\"w" + i + "\""));
    }
    FoldAggregate fold = (FoldAggregate) h.plan().aggregate();
    assertEquals(2, fold.mapCopies(), "one copy for the init's map, one after the hand-out");
    assertEquals(1000, ((Map<?, ?>) shown.get(0)).size());
    assertEquals(1000, ((Map<?, ?>) checkpoint.keys().get(0).windows().get(0).acc()).size());
    h.finish();
    assertEquals(2000, ((Map<?, ?>) record(h.outputs.get(0)).get("value")).size());
  }

  @Test
  void aRestoredWindowCopiesTheSnapshotsMapBeforeSettingEntries() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}}"));
    h.send(event("a", "1", "\"x\"")).restart().send(event("a", "1", "\"x\"")).restart()
        .send(event("a", "1", "\"y\"")).finish();
    assertEquals(Map.of("x", 2L, "y", 1L), record(h.outputs.get(0)).get("value"));
  }

  @Test
  void aReduceNeverChangesItsFirstValueWhichOtherWindowsHoldToo() throws Exception {
    // Sliding windows: the first event starts two windows; setting entries in one must not show in the other.
    PipelineHarness h = new PipelineHarness(pipeline("event", "{kind: sliding, length: 2s, offset: 1s}",
        "{reduce: 'acc.with(\"seen\", acc.get(\"seen\", 1) + 1)'}"));
    h.send("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:00.500Z\"}")
        .send("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:01.500Z\"}").finish();
    assertEquals(3, h.outputs.size());
    assertEquals("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:00.500Z\"}", JsonValues.toJson(record(h.outputs.get(0)).get("value")));
    Map<?, ?> both = (Map<?, ?>) record(h.outputs.get(1)).get("value");
    assertEquals(2L, both.get("seen"));
    assertEquals("2024-05-01T10:00:00.500Z", both.get("ts"));
    assertEquals("{\"k\":\"a\",\"ts\":\"2024-05-01T10:00:01.500Z\"}", JsonValues.toJson(record(h.outputs.get(2)).get("value")));
    assertEquals(1, ((ReduceAggregate) h.plan().aggregate()).mapCopies());
  }

  @Test
  void aChainReadsTheMapAsItWasAndItsLaterEntryWins() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{\"n\": 0}', step: 'acc.with(\"n\", acc.n + 1).with(\"n\", acc.n + 10).with(\"last\", value)'}}"));
    h.send(event("a", "1", "1")).send(event("a", "1", "2")).send(event("a", "1", "3")).finish();
    Map<?, ?> r = (Map<?, ?>) record(h.outputs.get(0)).get("value");
    assertEquals(Map.of("n", 30L, "last", 3L), r);
    assertEquals(List.of("n", "last"), List.copyOf(r.keySet()));
  }

  @Test
  void aFailingEntryStepLeavesTheMapAsItWas() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{\"s\": \"text\"}', step: 'acc.with(value, acc.get(value, 0) + 1)'}}"));
    h.send(event("a", "1", "\"x\"")).send(event("a", "1", "\"s\"")).send(event("a", "1", "\"x\"")).finish();
    assertEquals(1, h.errors.size());
    assertTrue(h.errors.get(0).message().startsWith("aggregate.fold.step: "), h.errors.get(0).message());
    assertEquals(Map.of("s", "text", "x", 2L), record(h.outputs.get(0)).get("value"));
  }

  @Test
  void aCountingFoldStopsAtItsLimitAndKeepsTheEntriesBeforeIt() throws Exception {
    PipelineHarness h = new PipelineHarness(pipeline("event.v", TEN_SECONDS,
        "{fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}, max_size: 1KiB}"));
    // Each entry "vNNN":1 takes 6 + 8 + 2 = 16 bytes: {} and 63 of them is 1,010, a 64th 1,026.
    for (int i = 100; i < 200; i++) {
      h.send(event("a", "1", "\"v" + i + "\""));
    }
    h.send(event("a", "1", "\"v100\"")).finish();
    Map<?, ?> r = (Map<?, ?>) record(h.outputs.get(0)).get("value");
    assertEquals(63, r.size());
    assertEquals(2L, r.get("v100"), "a key already there still counts: its entry does not grow");
    assertEquals(100 - 63, h.errors.size());
    assertTrue(h.errors.get(0).message().startsWith("fold: the accumulator would take about 1 KiB as JSON, more than "
        + "aggregate.max_size (1 KiB)"), h.errors.get(0).message());
  }
}
