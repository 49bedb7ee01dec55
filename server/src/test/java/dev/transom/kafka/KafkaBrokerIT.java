package dev.transom.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test broker does what exactly-once tests need: transactions commit and abort, a {@code
 * read_committed} reader sees only what was committed, and all of it survives a {@code kill -9} and
 * a restart on the same log dir. A transaction left open by the kill must not hold readers back once
 * a producer with the same {@code transactional.id} comes back (what a restarted sink does).
 */
class KafkaBrokerIT {
  static final String TOPIC = "events";
  static final String TX_ID = "kafka-broker-it";
  @TempDir
  Path dir;

  @Test
  void transactionsCommitAbortAndSurviveAKill() throws Exception {
    long t0 = System.nanoTime();
    try (KafkaBroker broker = KafkaBroker.start(dir)) {
      long started = System.nanoTime();
      broker.createTopic(TOPIC, 3);
      List<String> committed = IntStream.range(0, 1000).mapToObj(i -> "committed-" + i).sorted().toList();

      try (KafkaProducer<String, String> producer = producer(broker)) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 1000; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "k" + i, "committed-" + i));
        }
        producer.commitTransaction();
        producer.beginTransaction();
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "k" + i, "aborted-" + i));
        }
        producer.flush(); // the aborted records reach the log, so the reader has something to skip
        producer.abortTransaction();
      }
      long produced = System.nanoTime();
      assertEquals(committed, readCommitted(broker), "read_committed before the kill");

      // A transaction open at the moment of the crash, its records already in the log.
      KafkaProducer<String, String> crashed = producer(broker);
      crashed.initTransactions();
      crashed.beginTransaction();
      for (int i = 0; i < 10; i++) {
        crashed.send(new ProducerRecord<>(TOPIC, "k" + i, "open-" + i));
      }
      crashed.flush();

      broker.kill();
      crashed.close(Duration.ZERO); // dies with the broker: no abort is ever sent
      long restartFrom = System.nanoTime();
      broker.restart();
      long restarted = System.nanoTime();
      assertEquals(committed, readCommitted(broker), "read_committed after kill -9 and restart");

      // The producer comes back: initTransactions fences the crashed one and aborts its transaction.
      try (KafkaProducer<String, String> back = producer(broker)) {
        back.initTransactions();
      }
      assertEquals(committed, readCommitted(broker), "read_committed once the open transaction is aborted");
      assertEquals(endOffsets(broker, "read_uncommitted"), endOffsets(broker, "read_committed"),
          "no transaction is left pending: the last stable offset is the log end on every partition");

      System.out.printf("KafkaBrokerIT: start (format + broker JVM + first answer) %d ms; topic + 1,010 records in "
          + "2 transactions %d ms; restart after kill -9 %d ms; whole test %d ms%n", ms(started - t0),
          ms(produced - started), ms(restarted - restartFrom), ms(System.nanoTime() - t0));
    }
  }

  static KafkaProducer<String, String> producer(KafkaBroker broker) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TX_ID);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static KafkaConsumer<String, String> consumer(KafkaBroker broker, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Every value a {@code read_committed} reader sees from the start up to the last stable offset of
   * each partition (its end offsets), sorted, duplicates kept so they would show.
   */
  static List<String> readCommitted(KafkaBroker broker) {
    try (KafkaConsumer<String, String> consumer = consumer(broker, "read_committed")) {
      List<TopicPartition> partitions = partitions(consumer);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("read_committed did not reach the end offsets " + end + " in 30 s; "
              + values.size() + " records read; broker log: " + broker.log());
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values.stream().sorted().collect(Collectors.toList());
    }
  }

  static Map<TopicPartition, Long> endOffsets(KafkaBroker broker, String isolation) {
    try (KafkaConsumer<String, String> consumer = consumer(broker, isolation)) {
      List<TopicPartition> partitions = partitions(consumer);
      consumer.assign(partitions); // unassigned, the answer is logged as a warning per partition
      return consumer.endOffsets(partitions);
    }
  }

  static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
    List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    assertEquals(3, partitions.size(), "partitions of " + TOPIC);
    return partitions;
  }

  static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
