package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka source → tumbling windows → exactly-once Kafka sink, with {@code kill -9}s of the server at
 * random moments while the input arrives, on a machine kept busy: a {@code read_committed} reader of the output topic sees
 * every window exactly once, with the value a run without crashes gives (worked out here from the
 * input, not by the server).
 */
class KafkaExactlyOnceIT extends KafkaTests {
  @TempDir
  Path tmp;

  private static final java.util.concurrent.atomic.AtomicInteger RUN = new java.util.concurrent.atomic.AtomicInteger();
  private String events;
  private String sums;

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final int USERS = 5;
  private static final int SECONDS = 60;

  /** A crash right before a transaction's commit, and right after it (the checkpoint still owing its records). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kafka-before-commit", "kafka-after-commit"})
  void aCrashAroundACommitWritesEveryWindowOnce(String point) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    Path dir = setUp();
    Map<String, Long> expected = new TreeMap<>();
    List<String> input = input(random, expected);
    produce(input);
    ServerProcess s = new ServerProcess(dir);
    s.env.put("TRANSOM_FAULT", point);
    s.spawn();
    s.awaitHalt(point);
    s.env.clear();
    s.start();
    check(s, expected, point);
  }

  /**
   * A graceful stop right after the last windows closed: their records are in Kafka when the server
   * has exited, not only after its next start (the sender is a daemon thread the exit would cut short).
   */
  @Test
  void aStoppedServerLeavesItsLastWindowsInKafka() throws Exception {
    Path dir = setUp();
    Map<String, Long> expected = new TreeMap<>();
    List<String> input = input(new SplittableRandom(11), expected);
    ServerProcess s = new ServerProcess(dir).start();
    produce(input);
    ServerProcess.await("every window closed", () ->
        s.json("/api/pipelines/sums").get("counters").get("out").asLong() >= expected.size());
    s.stop();
    check(null, expected, "after a graceful stop, with no restart");
  }

  @Test
  void everyWindowOnceAcrossKills() throws Exception {
    long seed = Long.getLong("transom.kafka.seed", System.nanoTime());
    int kills = Integer.getInteger("transom.kafka.kills", 10); // 0: the same without a crash
    System.out.println("KafkaExactlyOnceIT: seed " + seed + ", " + kills + " kills (-Dtransom.kafka.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = setUp();
    Map<String, Long> expected = new TreeMap<>();
    List<String> input = input(random, expected);
    ServerProcess s = new ServerProcess(dir).start();
    int chunk = (input.size() + kills) / (kills + 1);
    List<Process> spinners = CrashIT.busyCores(1); // the broker, the server and this test share the rest
    try {
      for (int from = 0, k = 0; from < input.size(); from += chunk, k++) {
        produce(input.subList(from, Math.min(input.size(), from + chunk)));
        if (k < kills) {
          // a kill at a random moment of the reading, the windows' closing and the commits
          Thread.sleep(random.nextInt(700));
          s.kill();
          s = new ServerProcess(dir).start();
        }
      }
    } finally {
      spinners.forEach(Process::destroyForcibly);
    }
    dashboardShowsTheKafkaParts(s, input.size());
    check(s, expected, "seed " + seed);
  }

  /**
   * The shape API and the pipeline page in a browser: the source's partition read to its end with
   * no lag, the sink's transactions committed and nothing owed (once everything was read and written).
   */
  private void dashboardShowsTheKafkaParts(ServerProcess s, int records) throws Exception {
    ServerProcess.await("the source at the end of its topic and every epoch committed", () -> {
      com.fasterxml.jackson.databind.JsonNode shape = s.json("/api/pipelines/sums/shape");
      // (right after a restart the partition is not assigned yet: none listed)
      com.fasterxml.jackson.databind.JsonNode p = shape.path("source_partitions").path(0);
      com.fasterxml.jackson.databind.JsonNode t = shape.path("sinks").path(0).path("transactions");
      return p.path("offset").asLong() == records && p.path("lag").isNumber() && p.path("lag").asLong() == 0
          && t.path("committed").asLong() > 0 && t.path("pending_epochs").isNumber() && t.path("pending_epochs").asLong() == 0;
    });
    com.fasterxml.jackson.databind.JsonNode shape = s.json("/api/pipelines/sums/shape");
    assertEquals(1, shape.get("source_partitions").size(), shape.toString());
    assertEquals(events, shape.get("source_partitions").get(0).get("topic").asText());
    NodeScript.run("dashboard-kafka.mjs", "playwright-core", Map.of("TRANSOM_BASE", s.base(), "PIPELINE", "sums",
        "PARTITION", events + "/0", "OFFSET", String.valueOf(records)), 2);
  }

  /** The broker, its topics and the pipeline's definition; the server's directory. */
  private Path setUp() throws Exception {
    int run = RUN.incrementAndGet();
    events = "events-" + run;
    sums = "sums-" + run;
    broker.createTopic(events, 1); // read in time order
    broker.createTopic(sums, 3);
    Path dir = tmp.resolve("server");
    ServerProcess.define(dir, "sums.yaml", String.join("\n",
        "name: sums",
        "source: {kind: kafka, bootstrap: '" + broker.bootstrap() + "', topic: " + events + "}",
        "key: event.user",
        "value: event.n",
        // A minute of slack: the time a kill and a restart take moves the watermark on too (system time
        // spent down counts), and no event may be late for that, or the run would differ from one
        // without crashes for a reason that is not the sink's.
        "clock: {kind: event, timestamp: event.ts, wait: 60s, scope: pipeline}",
        "window: {kind: tumbling, length: 10s}",
        "aggregate: {sum: true}",
        "sinks:",
        "  - {kind: kafka, bootstrap: '" + broker.bootstrap() + "', topic: " + sums + "}",
        "checkpoint: {interval: 200ms}",
        ""));
    return dir;
  }

  /** Each second one event per user, the last one far ahead (it closes every window); {@code expected} gets their sums. */
  private static List<String> input(SplittableRandom random, Map<String, Long> expected) {
    List<String> input = new ArrayList<>();
    for (int s = 0; s < SECONDS; s++) {
      for (int u = 0; u < USERS; u++) {
        long n = 1 + random.nextInt(100);
        input.add("{\"user\":\"u" + u + "\",\"n\":" + n + ",\"ts\":\"" + T0.plusSeconds(s) + "\"}");
        expected.merge("u" + u + " " + T0.plusSeconds(s / 10 * 10), n, Long::sum);
      }
    }
    input.add("{\"user\":\"end\",\"n\":0,\"ts\":\"" + T0.plusSeconds(3600) + "\"}");
    return input;
  }

  private void produce(List<String> lines) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String line : lines) {
        p.send(new ProducerRecord<>(events, line.getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }

  /** Reads the output topic as a {@code read_committed} consumer: every window once, with its sum. */
  private void check(ServerProcess s, Map<String, Long> expected, String what) throws Exception {
    Map<String, Long> got = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + sums);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(sums));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      // then anything committed late (a duplicate would be) arrives within 3 s more
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          var out = json.readTree(r.value());
          String k = out.get("key").asText() + " " + out.get("window").get("open_time").asText();
          if (k.startsWith("end ")) {
            continue; // closed by the time the server spends afterwards: not one of the input's windows
          }
          if (got.put(k, out.get("value").asLong()) != null) {
            duplicates.add(k);
          }
        }
        if (got.size() >= expected.size() && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        }
      }
    }
    if (s == null) { // the server has stopped: the topic alone must hold every window
      assertEquals(List.of(), duplicates, "windows written twice (" + what + ")");
      assertEquals(expected, got, what);
      return;
    }
    // the meters say it too: the source's lag is known and nothing; transactions were committed
    String scrape = s.get("/metrics").body();
    org.junit.jupiter.api.Assertions.assertTrue(scrape.contains("transom_kafka_consumer_lag{partition=\"0\",pipeline=\"sums\",topic=\""
        + events + "\"} 0.0"), scrape.lines().filter(l -> l.startsWith("transom_kafka")).toList().toString());
    // (after a crash right after a commit, the restart may have nothing left to commit: then 0)
    org.junit.jupiter.api.Assertions.assertTrue(scrape.lines().anyMatch(l -> l.startsWith("transom_kafka_transactions_total{")
        && l.contains("outcome=\"committed\"") && (what.equals("kafka-after-commit") || !l.endsWith(" 0.0"))), scrape);
    String state = s.json("/api/pipelines/sums").toString() + "\n" + s.logTail(30);
    s.stop();
    assertEquals(List.of(), duplicates, "windows written twice (" + what + ")");
    assertEquals(expected, got, what + "; the pipeline: " + state);
  }
}
