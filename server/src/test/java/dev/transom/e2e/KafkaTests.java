package dev.transom.e2e;

import dev.transom.kafka.KafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real broker for a test class (its start is most of a short test's time); each test uses topics of its own. */
abstract class KafkaTests {
  @TempDir
  static Path shared;

  static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(shared.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
