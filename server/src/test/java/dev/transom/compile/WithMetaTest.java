package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code meta} in the event scope: what a source says of each event, read by steps, key, value and clock. */
class WithMetaTest {
  private static PipelineDef def(String key, String timestamp, String extra) {
    DefinitionLoader.Result r = DefinitionLoader.load("t.yaml", String.join("\n", "name: t", "source: {kind: http}",
        "key: " + key, "value: event.n", "clock: {kind: event, timestamp: " + timestamp + ", wait: 1s}",
        "window: {kind: tumbling, length: 1s}", "aggregate: {sum: true}", extra, ""));
    assertTrue(r.ok(), () -> r.problems().toString());
    return r.definition();
  }

  private static Map<String, Object> meta(String key, long partition, Instant ts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", "clicks");
    m.put("partition", partition);
    m.put("offset", 9L);
    m.put("timestamp", ts);
    if (key != null) {
      m.put("key", key);
    }
    return m;
  }

  @Test
  void keyClockAndStepsReadTheEventsMeta() {
    PipelineDef d = def("meta.key + '@' + string(meta.partition)", "meta.timestamp",
        "steps:\n  - filter: meta.offset > 3\n  - map: event.with('p', meta.partition)");
    ItemPreparer preparer = new ItemPreparer(d);
    List<String> failures = new ArrayList<>();
    Instant ts = Instant.parse("2024-05-01T10:00:00.250Z");
    ItemPreparer.Prepared p = preparer.prepare(new WithMeta(Map.of("n", 4L), meta("alice", 2, ts)),
        (field, message, item) -> failures.add(field + ": " + message + " " + item));
    assertEquals(List.of(), failures);
    assertEquals("alice@2", p.key());
    assertEquals(ts.toEpochMilli() * 1_000, p.timeMicros());
    assertEquals(4L, p.value());
    assertEquals(Map.of("n", 4L, "p", 2L), p.item(), "the item is the event, never its wrapper");
  }

  @Test
  void aMissingMetaFieldIsTheEventsItemErrorAndAnEventWithoutMetaHasAnEmptyOne() {
    ItemPreparer preparer = new ItemPreparer(def("meta.key", "event.ts", ""));
    List<String> failures = new ArrayList<>();
    StepChain.Failures collect = (field, message, item) -> failures.add(field + ": " + message + " on " + item);
    assertNull(preparer.prepare(new WithMeta(Map.of("n", 1L, "ts", 5L), meta(null, 0, Instant.EPOCH)), collect));
    assertNull(preparer.prepare(Map.of("n", 1L, "ts", 5L), collect));
    assertEquals(2, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("key: no such key: meta.key on {"), failures.get(0));
    assertFalse(failures.get(0).contains("WithMeta"), failures.get(0));
  }

  @Test
  void onlyDefinitionsThatNameMetaMakeTheirSourceSayIt() {
    assertTrue(WithMeta.readBy(def("meta.key", "event.ts", "")));
    assertTrue(WithMeta.readBy(def("event.user", "meta.timestamp", "")));
    assertTrue(WithMeta.readBy(def("event.user", "event.ts", "steps:\n  - filter: has(meta.key)")));
    assertFalse(WithMeta.readBy(def("event.user", "event.ts", "")));
    assertFalse(WithMeta.readBy(def("event.meta", "event.metadata.ts", "")), "fields named meta are the event's");
  }
}
