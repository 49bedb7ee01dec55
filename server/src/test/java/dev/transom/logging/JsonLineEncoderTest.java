package dev.transom.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLineEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String encode(LoggingEvent e) {
    JsonLineEncoder enc = new JsonLineEncoder();
    enc.setContext(new LoggerContext());
    enc.start();
    return new String(enc.encode(e), StandardCharsets.UTF_8);
  }

  private static LoggingEvent event(String message, Throwable t, Object... args) {
    LoggerContext ctx = new LoggerContext();
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("transom.pipelines"), Level.WARN, message, t, args);
    e.setTimeStamp(1_700_000_000_123L);
    return e;
  }

  @Test
  void oneFlatObjectPerLineWithItsPairsAsFields() throws Exception {
    LoggingEvent e = event("edit of {} rejected", null, "defs/a \"quoted\"\nname.yaml");
    e.setKeyValuePairs(List.of(new KeyValuePair("event", "rejected"), new KeyValuePair("pipeline", "a"),
        new KeyValuePair("problems", 3), new KeyValuePair("kept", true), new KeyValuePair("message", "clash")));
    String line = encode(e);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonNode n = JSON.readTree(line);
    assertEquals("2023-11-14T22:13:20.123Z", n.get("time").asText());
    assertEquals("WARN", n.get("level").asText());
    assertEquals("transom.pipelines", n.get("logger").asText());
    assertEquals("edit of defs/a \"quoted\"\nname.yaml rejected", n.get("message").asText(), "a pair cannot replace it");
    assertEquals("rejected", n.get("event").asText());
    assertEquals(3, n.get("problems").asInt());
    assertTrue(n.get("problems").isNumber() && n.get("kept").isBoolean());
  }

  @Test
  void anExceptionIsItsClassMessageAndSomeFrames() throws Exception {
    Exception cause = new IllegalStateException("broke");
    JsonNode n = JSON.readTree(encode(event("pipeline failed", cause)));
    assertEquals("java.lang.IllegalStateException: broke", n.get("error").asText());
    assertTrue(n.get("stack").size() > 0 && n.get("stack").size() <= 12, n.toString());
    assertTrue(n.get("stack").get(0).asText().contains("JsonLineEncoderTest"), n.toString());
  }
}
