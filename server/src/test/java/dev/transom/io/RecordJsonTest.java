package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

  public record Partial(Optional<String> failure, String recovery, Optional<Inner> last, Object value) {}

  @Test
  void anEmptyOptionalIsLeftOutAndANullIsWrittenAsNull() {
    assertEquals("{\"recovery\":null,\"value\":1}",
        JsonValues.toJson(RecordJson.of(new Partial(Optional.empty(), null, Optional.empty(), 1L))));
    assertEquals("{\"failure\":\"disk full\",\"recovery\":\"resumed\",\"last\":{\"state_bytes\":7,"
        + "\"lag_seconds\":null},\"value\":2}",
        JsonValues.toJson(RecordJson.of(new Partial(Optional.of("disk full"), "resumed",
            Optional.of(new Inner(7, Double.NaN)), 2L))));
  }

  @Test
  void aComponentDeclaredObjectIsTheUsersDataAndIsWrittenAsEverywhereElse() {
    // JsonValues writes a non-finite number as its text (only an old checkpoint can hold one)
    assertEquals("{\"recovery\":\"r\",\"value\":\"NaN\"}",
        JsonValues.toJson(RecordJson.of(new Partial(Optional.empty(), "r", Optional.empty(), Double.NaN))));
  }

  @Test
  void snakeCase() {
    assertEquals("time_ms", RecordJson.snake("timeMs"));
    assertEquals("deliveries_pending", RecordJson.snake("deliveriesPending"));
    assertEquals("in", RecordJson.snake("in"));
  }
}
