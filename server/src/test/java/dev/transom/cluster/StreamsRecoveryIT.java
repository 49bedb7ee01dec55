package dev.transom.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.kafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline topology on real Kafka Streams and a real broker, exactly-once v2: a second
 * instance of the application, with no local state of its own, takes over the tasks and rebuilds
 * the open windows from the store's changelog; a {@code read_committed} reader then sees every
 * window once, with every event counted.
 */
class StreamsRecoveryIT {
  @TempDir
  Path tmp;

  static final String COUNTS = "name: counts\nsource: {kind: http}\nkey: event.user\n"
      + "clock: {kind: event, timestamp: event.ts, wait: 2s}\nwindow: {kind: tumbling, length: 1m}\naggregate: {count: true}\n";
  static final int USERS = 6;
  /** What this instance tells the others it answers at (nothing listens: the lookups here stay local). */
  static final org.apache.kafka.streams.state.HostInfo SELF = new org.apache.kafka.streams.state.HostInfo("127.0.0.1", 7070);
  static final int PER_USER = 20;

  private Properties streams(KafkaBroker broker, String stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "transom-counts");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(stateDir).toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, SELF.host() + ":" + SELF.port());
    return p;
  }

  private static KafkaStreams startAndAwaitRunning(Properties props) throws Exception {
    KafkaStreams s = new KafkaStreams(PipelineTopology.build(PipelineTopologyTest.def(COUNTS), "in", "out"), props);
    s.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (s.state() != KafkaStreams.State.RUNNING) {
      assertTrue(System.nanoTime() < deadline, "the application did not reach RUNNING: " + s.state());
      Thread.sleep(100);
    }
    return s;
  }

  private static void send(KafkaBroker broker, List<String> events) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (String e : events) {
        producer.send(new ProducerRecord<>("in", e)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNewInstanceRebuildsTheWindowsFromTheChangelogAndEveryWindowIsWrittenOnce() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("broker"))) {
      broker.createTopic("in", 3);
      broker.createTopic("out", 3);
      List<String> first = new ArrayList<>();
      for (int i = 0; i < PER_USER; i++) {
        for (int u = 0; u < USERS; u++) {
          first.add("{\"user\":\"u" + u + "\",\"ts\":\"2024-01-01T00:00:" + String.format("%02d", i + 1) + "Z\"}");
        }
      }
      KafkaStreams a = startAndAwaitRunning(streams(broker, "state-a"));
      send(broker, first);
      // every event in the store (and so in its changelog) before the first instance goes
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (storedCount(a) < USERS * PER_USER) {
        assertTrue(System.nanoTime() < deadline, "the first instance did not take every event: " + storedCount(a));
        Thread.sleep(100);
      }
      a.close(Duration.ofSeconds(30));

      // another instance, with an empty state directory: its windows can only come from the changelog
      KafkaStreams b = startAndAwaitRunning(streams(broker, "state-b"));
      try {
        // a key's open windows, looked up where the cluster keeps them (here: the only instance)
        dev.transom.compile.Plan plan = dev.transom.compile.Plan.of(PipelineTopologyTest.def(COUNTS));
        KeyWindows.Answer u3 = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (u3 == null || u3.windows() == null) {
          assertTrue(System.nanoTime() < until, "no answer for u3's windows: " + u3);
          u3 = KeyWindows.of(b, plan, "u3", SELF);
          assertEquals(null, u3.owner(), "one instance owns every key");
          Thread.sleep(u3.windows() == null ? 100 : 0);
        }
        assertEquals(1, u3.windows().size(), u3.toString());
        assertEquals("2024-01-01T00:00:00Z", u3.windows().get(0).get("open_time").toString());
        assertEquals((long) PER_USER, u3.windows().get(0).get("count"), u3.toString());
        assertEquals((long) PER_USER, u3.windows().get(0).get("value"), "count: true's value is its count");
        List<String> closing = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
          closing.add("{\"user\":\"u" + u + "\",\"ts\":\"2024-01-01T00:02:00Z\"}"); // its watermark passes 01:00
        }
        send(broker, closing);
        Map<String, List<Integer>> counts = readCommitted(broker, USERS, Duration.ofSeconds(60));
        Map<String, List<Integer>> expected = new TreeMap<>();
        for (int u = 0; u < USERS; u++) {
          expected.put("u" + u, List.of(PER_USER));
        }
        assertEquals(expected, counts, "each user's first minute once, with all of its events");
      } finally {
        b.close(Duration.ofSeconds(30));
      }
    }
  }

  /** The items held in the open windows of the first instance's store (all tasks on this instance). */
  private static long storedCount(KafkaStreams s) {
    try {
      var store = s.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
          PipelineTopology.storeName(PipelineTopologyTest.def(COUNTS)),
          org.apache.kafka.streams.state.QueryableStoreTypes.<String, byte[]>keyValueStore()));
      long n = 0;
      try (var all = store.all()) {
        while (all.hasNext()) {
          var e = all.next();
          if (!e.key.equals(WindowProcessor.META_KEY)) {
            for (var k : PipelineTopologyTest.decode(e.value).keys()) {
              for (var w : k.windows()) {
                n += w.count();
              }
            }
          }
        }
      }
      return n;
    } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      return -1; // not queryable yet (a rebalance)
    }
  }

  /** Window values per key from the output topic, as a read_committed reader sees them, until {@code n} keys had one and a second passed. */
  private static Map<String, List<Integer>> readCommitted(KafkaBroker broker, int n, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, List<Integer>> out = new TreeMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of("out"));
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          int value = Integer.parseInt(r.value().replaceAll(".*\"value\":([0-9]+)\\}$", "$1"));
          out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(value);
        }
        if (out.size() >= n && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // a repeat would come now, if any
        }
      }
    }
    return out;
  }
}
