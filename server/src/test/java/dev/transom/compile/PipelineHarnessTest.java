package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineHarnessTest {
  private static String pipeline(String key, String clock, String window, String aggregate, String extra) {
    return "name: t\nsource: {kind: http}\nkey: " + key + "\nclock: " + clock + "\nwindow: " + window
        + "\naggregate: " + aggregate + "\n" + extra;
  }

  private static final String EVENT_CLOCK = "{kind: event, timestamp: event.ts, wait: 0s}";
  private static final String TEN_SECONDS = "{kind: tumbling, length: 10s}";

  @Test
  void outputRecordHasPipelineKeyWindowAndValue() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{count: true}", ""));
    h.send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01Z\"}").finish();
    assertEquals(List.of("{\"pipeline\":\"t\",\"key\":\"a\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
        + "\"close_time\":\"2024-05-01T10:00:10Z\"},\"value\":1}"), h.outputs);
  }

  @Test
  void intAndBoolKeysBecomeTextAndDoubleKeysAreItemErrors() {
    PipelineHarness h = new PipelineHarness(pipeline("event.k", EVENT_CLOCK, TEN_SECONDS, "{count: true}", ""));
    h.send("{\"k\":42,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"k\":true,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"k\":1.5,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .finish();
    assertEquals(2, h.outputs.size());
    assertTrue(h.outputs.get(0).contains("\"key\":\"42\"") || h.outputs.get(1).contains("\"key\":\"42\""));
    assertEquals(1, h.errors.size());
    assertEquals("key", h.errors.get(0).field());
    assertTrue(h.errors.get(0).message().contains("double"), h.errors.get(0).message());
  }

  @Test
  void timestampWithoutOffsetIsAnItemErrorNotACrash() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{count: true}", ""));
    h.send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01\"}").send("{\"user\":\"a\"}").finish();
    assertEquals(0, h.outputs.size());
    assertEquals(2, h.errors.size());
    assertTrue(h.errors.get(0).message().contains("without offset"), h.errors.get(0).message());
    assertEquals("clock.timestamp", h.errors.get(1).field());
  }

  @Test
  void numericTimestampsFollowTheUnit() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user",
        "{kind: event, timestamp: event.ts, wait: 0s, unit: s}", TEN_SECONDS, "{count: true}", ""));
    h.send("{\"user\":\"a\",\"ts\":1714557601.5}").finish();
    assertTrue(h.outputs.get(0).contains("\"open_time\":\"2024-05-01T10:00:00Z\""), h.outputs.get(0));
  }

  @Test
  void numericTimestampsOutOfRangeAreItemErrorsNotWindowsIn1970() {
    for (String unit : new String[] {"s", "ms"}) {
      PipelineHarness h = new PipelineHarness(pipeline("event.user",
          "{kind: event, timestamp: event.ts, wait: 0s, unit: " + unit + "}", TEN_SECONDS, "{sum: true}", "value: event.n\n"));
      h.sendLine("{\"user\":\"a\",\"n\":1,\"ts\":-9223372036854775808}") // taken directly, if at all
          .send("{\"user\":\"a\",\"n\":2,\"ts\":-9223372036854775808}")
          .sendLine("{\"user\":\"a\",\"n\":4,\"ts\":9223372036854775807}")
          .sendLine("{\"user\":\"a\",\"n\":8,\"ts\":1e300}")
          .sendLine("{\"user\":\"a\",\"n\":16,\"ts\":\"+99999-01-01T00:00:00Z\"}")
          .finish();
      assertEquals(List.of(), h.outputs, unit);
      assertEquals(5, h.errors.size(), unit);
      for (ItemError e : h.errors) {
        assertEquals("clock.timestamp", e.field());
        assertTrue(e.message().contains("out of range"), e.message());
      }
    }
  }

  @Test
  void celTimestampResultIsAccepted() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user",
        "{kind: event, timestamp: 'timestamp(event.ts) + duration(\"10s\")', wait: 0s}", TEN_SECONDS, "{count: true}", ""));
    h.send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01Z\"}").finish();
    assertTrue(h.outputs.get(0).contains("\"open_time\":\"2024-05-01T10:00:10Z\""), h.outputs.get(0));
  }

  @Test
  void stepsFilterAndMapBeforeWindowing() {
    PipelineHarness h = new PipelineHarness(pipeline("event.u", EVENT_CLOCK, TEN_SECONDS, "{sum: true}",
        "value: event.n\nsteps:\n  - filter: event.clicks > 0\n  - map: '{\"u\": event.user, \"n\": event.clicks * 10, \"ts\": event.ts}'\n"));
    h.send("{\"user\":\"a\",\"clicks\":0,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T10:00:02Z\"}")
        .finish();
    assertEquals(1, h.outputs.size());
    assertTrue(h.outputs.get(0).endsWith("\"value\":20}"), h.outputs.get(0));
    assertEquals(1, h.execution().filteredCount());
  }

  @Test
  void thenStepsFilterAndReshapeOutputs() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{count: true}",
        "then:\n  - filter: result.value > 1\n  - map: '{\"who\": result.key, \"n\": result.value}'\n"));
    h.send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:02Z\"}")
        .send("{\"user\":\"b\",\"ts\":\"2024-05-01T10:00:02Z\"}")
        .finish();
    assertEquals(List.of("{\"pipeline\":\"t\",\"who\":\"a\",\"n\":2}"), h.outputs);
  }

  @Test
  void foldWithMapFunctionsCountsPerType() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS,
        "{fold: {init: '{}', step: 'acc.with(value, acc.get(value, 0) + 1)'}}", "value: event.type\n"));
    h.send("{\"user\":\"a\",\"type\":\"view\",\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"user\":\"a\",\"type\":\"buy\",\"ts\":\"2024-05-01T10:00:02Z\"}")
        .send("{\"user\":\"a\",\"type\":\"view\",\"ts\":\"2024-05-01T10:00:03Z\"}")
        .finish();
    assertTrue(h.outputs.get(0).endsWith("\"value\":{\"view\":2,\"buy\":1}}"), h.outputs.get(0));
  }

  @Test
  void minByKeepsTheWholeValue() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{min: {by: value.price}}", ""));
    h.send("{\"user\":\"a\",\"price\":5,\"id\":1,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"user\":\"a\",\"price\":3,\"id\":2,\"ts\":\"2024-05-01T10:00:02Z\"}")
        .send("{\"user\":\"a\",\"price\":3,\"id\":3,\"ts\":\"2024-05-01T10:00:03Z\"}")
        .finish();
    assertTrue(h.outputs.get(0).contains("\"id\":2"), "ties keep the first arrival: " + h.outputs.get(0));
  }

  @Test
  void failingReduceSkipsTheItemInThatWindowOnly() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{reduce: acc + value}",
        "value: event.n\n"));
    h.send("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}")
        .send("{\"user\":\"a\",\"n\":\"x\",\"ts\":\"2024-05-01T10:00:02Z\"}")
        .send("{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:03Z\"}")
        .finish();
    assertTrue(h.outputs.get(0).endsWith("\"value\":3}"), h.outputs.get(0));
    assertEquals(1, h.errors.size());
    assertTrue(h.errors.get(0).message().startsWith("aggregate.reduce:"), h.errors.get(0).message());
  }

  @Test
  void eventClockWindowClosesOnAWakeUpWithoutFurtherInput() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user",
        "{kind: event, timestamp: event.ts, wait: 2s}", TEN_SECONDS, "{count: true}", ""));
    h.send("{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:05Z\"}");
    h.advanceSeconds(6.999);
    assertEquals(0, h.outputs.size());
    h.advanceSeconds(0.001);
    assertEquals(1, h.outputs.size());
  }

  @Test
  void lateRecordCarriesTimeWatermarkValueAndWindow() {
    PipelineHarness h = new PipelineHarness(pipeline("event.user", EVENT_CLOCK, TEN_SECONDS, "{count: true}",
        "value: event.n\n"));
    h.send("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:15Z\"}")
        .send("{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:05Z\"}");
    assertEquals(List.of("{\"pipeline\":\"t\",\"key\":\"a\",\"time\":\"2024-05-01T10:00:05Z\",\"watermark\":"
        + "\"2024-05-01T10:00:15Z\",\"value\":2,\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
        + "\"close_time\":\"2024-05-01T10:00:10Z\"}}"), h.late);
  }

  @Test
  void restartFromSnapshotMidWindowContinuesTheSameWindows() {
    String yaml = pipeline("event.user", "{kind: event, timestamp: event.ts, wait: 1m}",
        "{kind: session, gap: 10s}", "{collect: true}", "value: event.n\n");
    PipelineHarness straight = new PipelineHarness(yaml);
    PipelineHarness restarted = new PipelineHarness(yaml);
    String[] events = {
        "{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:00Z\"}",
        "{\"user\":\"a\",\"n\":3,\"ts\":\"2024-05-01T10:00:15Z\"}",
        "{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:07Z\"}",
        "{\"user\":\"b\",\"n\":9,\"ts\":\"2024-05-01T10:00:07Z\"}"};
    for (int i = 0; i < events.length; i++) {
      straight.send(events[i]);
      if (i == 2) {
        restarted.restart();
      }
      restarted.send(events[i]);
    }
    straight.finish();
    restarted.finish();
    assertEquals(straight.outputs, restarted.outputs);
    assertTrue(straight.outputs.get(0).endsWith("\"value\":[1,2,3]}"), straight.outputs.get(0));
  }
}
