package dev.transom.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The Kafka comparison end to end on a small input, once: a real broker, Transom and Kafka Streams
 * each reading the topic and writing their windows exactly once, the harness checking both outputs
 * against the sums it works out from the input (it fails otherwise), then the latency run. Nothing
 * here is timed.
 */
class KafkaHarnessSmokeIT {
  @Test
  void bothContendersWriteEveryWindowOnceAndTheComparisonIsPrinted() throws Exception {
    String out = Stdout.of(() -> KafkaHarness.main(new String[] {"30000", "1", "2", "500", "2", "2000"}));
    assertTrue(out.matches("(?s).*transom / kafka streams: [0-9.]+x events/s.*"), out);
    assertTrue(out.matches("(?s).*\\ntransom +[1-9][0-9,]* windows: p50 -?\\d+ ms, p99 -?\\d+ ms.*"), out);
    assertTrue(out.matches("(?s).*\\nkafka streams +[1-9][0-9,]* windows: p50 -?\\d+ ms, p99 -?\\d+ ms.*"), out);
  }
}
