package dev.transom.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.io.JsonValues;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  public record Inner(long stateBytes, Double lagSeconds) {}

  public record Outer(String pipeline, Instant lastTime, List<Inner> entries, Inner missing) {}

  @Test
  void recordsBecomeObjectsWithSnakeCaseNames() {
    Outer o = new Outer("p", Instant.parse("2026-12-02T10:00:00Z"),
        Arrays.asList(new Inner(5, 0.25), new Inner(6, Double.NaN)), null);
    assertEquals("{\"pipeline\":\"p\",\"last_time\":\"2026-12-02T10:00:00Z\",\"entries\":[{\"state_bytes\":5,"
        + "\"lag_seconds\":0.25},{\"state_bytes\":6,\"lag_seconds\":null}],\"missing\":null}",
        JsonValues.toJson(RecordJson.of(o)));
  }

  @Test
  void snakeCase() {
    assertEquals("time_ms", RecordJson.snake("timeMs"));
    assertEquals("deliveries_pending", RecordJson.snake("deliveriesPending"));
    assertEquals("in", RecordJson.snake("in"));
  }
}
