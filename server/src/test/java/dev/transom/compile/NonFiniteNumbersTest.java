package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.DefinitionLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No infinity or NaN gets into a window or out of one: events holding one are refused by the
 * reader, expressions giving one fail, and sum/mean refuse the item that would overflow.
 */
class NonFiniteNumbersTest {
  private static String pipeline(String value, String window, String aggregate) {
    return "name: t\nsource: {kind: http}\nkey: event.user\nvalue: " + value
        + "\nclock: {kind: event, timestamp: event.ts, wait: 0s}\nwindow: " + window + "\naggregate: " + aggregate + "\n";
  }

  private static final String TUMBLING = "{kind: tumbling, length: 10s}";

  private static String event(String user, String n, String ts) {
    return "{\"user\":\"" + user + "\",\"n\":" + n + ",\"ts\":\"2024-05-01T10:00:" + ts + "Z\"}";
  }

  @Test
  void anEventWithAnInfiniteNumberIsRefusedAsALineError() {
    PipelineHarness h = new PipelineHarness(pipeline("event.n", TUMBLING, "{sum: true}"));
    h.sendLine(event("a", "1", "01")).sendLine(event("a", "1e999", "02")).sendLine(event("a", "2", "03")).finish();
    assertEquals(1, h.outputs.size());
    assertTrue(h.outputs.get(0).endsWith("\"value\":3}"), h.outputs.get(0));
    assertEquals(1, h.errors.size());
    assertTrue(h.errors.get(0).message().contains("number out of range: 1e999"), h.errors.get(0).message());
  }

  @Test
  void aSumThatWouldOverflowLeavesTheItemOutOfThatWindow() {
    for (String aggregate : new String[] {"{sum: true}", "{mean: true}"}) {
      PipelineHarness h = new PipelineHarness(pipeline("event.n", TUMBLING, aggregate));
      h.sendLine(event("a", "1.5e308", "01"))
          .sendLine(event("a", "1e308", "02")) // 2.5e308 is past the largest double
          .sendLine(event("a", "1e300", "03"))
          .sendLine(event("b", "-1.7e308", "01"))
          .sendLine(event("b", "-1.7e308", "02"))
          .finish();
      assertEquals(2, h.errors.size(), aggregate + " " + h.errors);
      for (ItemError e : h.errors) {
        assertEquals("aggregate", e.field());
        assertTrue(e.message().contains("would go past the largest finite number"), e.message());
        assertFalse(e.item() == null || e.item().toString().equals("NULL_VALUE"), "the error keeps its event: " + e);
      }
      for (String out : h.outputs) {
        assertFalse(out.contains("Infinity"), out);
      }
      String a = h.outputs.stream().filter(o -> o.contains("\"key\":\"a\"")).findFirst().orElseThrow();
      assertTrue(a.endsWith(aggregate.contains("sum") ? "\"value\":1.50000001E308}" : "\"value\":7.50000005E307}"),
          a);
    }
  }

  @Test
  void sessionsWhoseTotalsWouldOverflowKeepTheEarlierTotalWhenTheyMerge() {
    PipelineHarness h = new PipelineHarness(pipeline("event.n", "{kind: session, gap: 15s}", "{sum: true}")
        .replace("wait: 0s", "wait: 1m")); // the two sessions stay open until the item between them
    h.sendLine(event("a", "1e308", "00")).sendLine(event("a", "1e308", "20")).sendLine(event("a", "1", "10")).finish();
    assertEquals(1, h.outputs.size(), h.outputs.toString());
    assertTrue(h.outputs.get(0).endsWith("\"value\":1.0E308}"), h.outputs.get(0));
    assertEquals(1, h.errors.size());
    assertTrue(h.errors.get(0).message().startsWith("merging sessions: sum:"), h.errors.get(0).message());
  }

  @Test
  void expressionsGivingInfinityOrNaNFailLikeAnyOtherExpression() {
    PipelineHarness reduce = new PipelineHarness(pipeline("event.n", TUMBLING, "{reduce: 'acc * value'}"));
    reduce.send(event("a", "1e200", "01")).send(event("a", "1e200", "02")).send(event("a", "2.0", "03")).finish();
    assertEquals(1, reduce.errors.size());
    assertTrue(reduce.errors.get(0).message().contains("aggregate.reduce: gives Infinity"), reduce.errors.get(0).message());
    assertTrue(reduce.outputs.get(0).endsWith("\"value\":2.0E200}"), reduce.outputs.get(0));

    PipelineHarness value = new PipelineHarness(pipeline("event.n / 0.0", TUMBLING, "{count: true}"));
    value.send(event("a", "0.0", "01")).send(event("a", "1.0", "02")).finish();
    assertEquals(2, value.errors.size());
    assertEquals("value", value.errors.get(0).field());
    assertTrue(value.errors.get(0).message().contains("gives NaN"), value.errors.get(0).message());
    assertTrue(value.errors.get(1).message().contains("gives Infinity"), value.errors.get(1).message());

    // deep inside a map built by a fold, too
    PipelineHarness fold = new PipelineHarness(pipeline("event.n", TUMBLING,
        "{fold: {init: '{\"p\": 1.0}', step: 'acc.with(\"p\", acc.p * value)'}}"));
    fold.send(event("a", "1e300", "01")).send(event("a", "1e300", "02")).finish();
    assertEquals(1, fold.errors.size());
    assertTrue(fold.outputs.get(0).endsWith("\"value\":{\"p\":1.0E300}}"), fold.outputs.get(0));
  }

  @Test
  void theDirectPathLeavesValuesThatCouldOverflowToTheGeneralPath() {
    DefinitionLoader.Result r = DefinitionLoader.load("t.yaml", pipeline("event.n", TUMBLING, "{sum: true}"));
    DirectReader direct = DirectReader.forPlan(Plan.of(r.definition()));
    ItemPreparer.Prepared into = new ItemPreparer.Prepared();
    for (String n : List.of("1", "-9223372036854775808", "1.5", "1e291", "-1e291")) {
      byte[] line = event("a", n, "01").getBytes(StandardCharsets.UTF_8);
      assertTrue(direct.read(line, 0, line.length, into), n);
    }
    for (String n : List.of("1e292", "-1.7976931348623157e308", "1e999")) {
      byte[] line = event("a", n, "01").getBytes(StandardCharsets.UTF_8);
      assertFalse(direct.read(line, 0, line.length, into), n);
    }
  }
}
