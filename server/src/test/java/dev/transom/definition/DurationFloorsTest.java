package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transom.definition.spec.JsonSchemaWriter;
import dev.transom.definition.spec.ReferenceDocWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Durations that drive a timer have a floor, declared once in the spec: the validator refuses
 * what is below it in every notation, and the schema and the reference doc both state it.
 */
class DurationFloorsTest {
  private static final String BASE = "source: {kind: http}\nkey: event.user\nclock: {kind: system}\n"
      + "window: {kind: tumbling, length: 1m}\naggregate: {count: true}\n";

  private static List<String> problems(String extra) {
    return DefinitionLoader.load("p.yaml", BASE + extra).problems().stream().map(Problem::format).toList();
  }

  @Test
  void checkpointIntervalsBelow100msAreRefusedNamingTheFloor() {
    for (String v : List.of("1us", "99ms", "99ms999us", "PT0.099S", "0s")) {
      assertEquals(List.of("p.yaml:6:24: checkpoint.interval: must be at least 100ms (got " + v + ")"),
          problems("checkpoint: {interval: " + v + "}"), v);
    }
    for (String v : List.of("100ms", "99ms1000us", "PT0.1S", "1s")) {
      assertEquals(List.of(), problems("checkpoint: {interval: " + v + "}"), v);
    }
  }

  @Test
  void webhookTimeoutsBelow10msAreRefused() {
    assertEquals(List.of("p.yaml:6:53: sinks[0].timeout: must be at least 10ms (got 9ms)"),
        problems("sinks: [{kind: webhook, url: 'http://x/h', timeout: 9ms}]"));
    assertEquals(List.of(), problems("sinks: [{kind: webhook, url: 'http://x/h', timeout: 10ms}]"));
  }

  @Test
  void theSchemaAndTheReferenceStateTheFloors() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(JsonSchemaWriter.write(PipelineSpec.SPEC));
    String interval = schema.at("/properties/checkpoint/properties/interval/description").asText();
    assertTrue(interval.endsWith("(at least 100ms)"), interval);
    String reference = ReferenceDocWriter.write(PipelineSpec.SPEC);
    assertTrue(reference.contains("| `interval` | duration ≥ 100ms |"), reference);
    assertTrue(reference.contains("| `timeout` | duration ≥ 10ms |"), reference);
  }
}
