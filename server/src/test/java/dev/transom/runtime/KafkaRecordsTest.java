package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.compile.WithMeta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How a Kafka batch is logged and read back: offsets in the mark's state, each record's meta in its line. */
class KafkaRecordsTest {
  @Test
  void offsetsReadBackWithOrWithoutTheMetaMark() {
    Map<TopicPartition, Long> next = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
    next.put(new TopicPartition("views", 0), 7L);
    next.put(new TopicPartition("clicks", 2), 12L);
    next.put(new TopicPartition("clicks", 10), 3L);
    String plain = KafkaRunner.encode(next, false);
    assertEquals("{\"clicks\":{\"2\":12,\"10\":3},\"views\":{\"0\":7}}", plain);
    String marked = KafkaRunner.encode(next, true);
    assertEquals("{\"$meta\":1,\"clicks\":{\"2\":12,\"10\":3},\"views\":{\"0\":7}}", marked);
    assertEquals(Map.copyOf(next), Map.copyOf(KafkaRunner.decode(plain)));
    assertEquals(Map.copyOf(next), Map.copyOf(KafkaRunner.decode(marked)));
  }

  @Test
  void aBatchReadWithMetaReplaysAsTheSameEvents() {
    // what take() logs: [META, VALUE] per line, the meta's timestamp in epoch milliseconds
    byte[] text = ("[{\"topic\":\"clicks\",\"partition\":2,\"offset\":41,\"timestamp\":1714557600123,\"key\":\"u1\"},"
        + "{\"user\":\"u1\",\"n\":1}]\n"
        + "[{\"topic\":\"clicks\",\"partition\":0,\"offset\":5,\"timestamp\":1714557600000},[1,2]]\n")
        .getBytes(StandardCharsets.UTF_8);
    List<Object> events = KafkaRunner.replayed(text, "{\"$meta\":1,\"clicks\":{\"0\":6,\"2\":42}}");
    assertEquals(2, events.size());
    WithMeta first = (WithMeta) events.get(0);
    assertEquals(Map.of("user", "u1", "n", 1L), first.event());
    assertEquals(KafkaRunner.meta("clicks", 2, 41, 1714557600123L, "u1"), first.meta());
    assertEquals(Instant.parse("2024-05-01T10:00:00.123Z"), first.meta().get("timestamp"));
    WithMeta second = (WithMeta) events.get(1);
    assertEquals(List.of(1L, 2L), second.event()); // a value that is itself an array stays one
    assertFalse(second.meta().containsKey("key"), "a record without a key has no meta.key");
    assertEquals(List.of("topic", "partition", "offset", "timestamp", "key"), List.copyOf(first.meta().keySet()));
  }

  @Test
  void aBatchReadWithoutMetaReplaysAsItsValues() {
    byte[] text = "{\"a\":1}\n[{\"topic\":\"x\"},2]\n".getBytes(StandardCharsets.UTF_8);
    List<Object> events = KafkaRunner.replayed(text, "{\"clicks\":{\"0\":2}}");
    assertEquals(List.of(Map.of("a", 1L), List.of(Map.of("topic", "x"), 2L)), events);
    assertTrue(events.stream().noneMatch(e -> e instanceof WithMeta));
  }
}
