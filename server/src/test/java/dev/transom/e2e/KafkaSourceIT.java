package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} reading a topic of a real broker: every record's value counted once, a record that
 * is not JSON an item error naming its topic, partition and offset, and a {@code kill -9} of the
 * server (with and without a checkpoint since) reads nothing twice and loses nothing.
 */
class KafkaSourceIT extends KafkaTests {
  @TempDir
  Path tmp;

  private static final int USERS = 7;

  /** The records' own timestamps (not their values' {@code ts}): {@code T0 + i} ms, in the 10:00 hour. */
  private static final long T0 = java.time.Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

  /** Events {@code from .. to-1}: user {@code i % USERS}, keyed by it, all in one hour's window. */
  private static void produce(KafkaProducer<byte[], byte[]> p, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      String user = "u" + (i % USERS);
      String value = "{\"user\":\"" + user + "\",\n \"n\":" + i + ",\"ts\":\"2024-05-01T10:00:00Z\"}";
      p.send(new ProducerRecord<>("clicks", null, T0 + i, user.getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8)));
    }
    p.flush();
  }

  /** Count per user of the open windows. */
  private static Map<String, Integer> counts(ServerProcess s) throws Exception {
    return counts(s, "clicks");
  }

  /**
   * Count per key of pipeline {@code name}'s open windows; each must be the 10:00 hour (the meta
   * pipeline's windows come from the records' timestamps).
   */
  private static Map<String, Integer> counts(ServerProcess s, String name) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (JsonNode w : s.json("/api/pipelines/" + name + "/windows?limit=1000").get("windows")) {
      assertEquals("2024-05-01T10:00:00Z", w.get("open_time").asText(), w.toString());
      out.merge(w.get("key").asText(), w.get("count").asInt(), Integer::sum);
    }
    return out;
  }

  /**
   * The meta pipeline's counts by user (its keys are {@code USER/PARTITION}), after checking that
   * each user's records came from one partition, as keyed records do.
   */
  private static Map<String, Integer> metaCounts(ServerProcess s) throws Exception {
    Map<String, Integer> byUser = new TreeMap<>();
    Map<String, String> partitionOf = new TreeMap<>();
    counts(s, "by-record").forEach((key, n) -> {
      String[] userAndPartition = key.split("/");
      assertEquals(2, userAndPartition.length, key);
      String before = partitionOf.put(userAndPartition[0], userAndPartition[1]);
      assertTrue(before == null || before.equals(userAndPartition[1]), "one user's records in two partitions: " + key);
      byUser.merge(userAndPartition[0], n, Integer::sum);
    });
    return byUser;
  }

  /** A pipeline counting the topic's records per key in hour windows. */
  private static String hourlyCounts(String name, String key, String timestamp) {
    return String.join("\n",
        "name: " + name,
        "source: {kind: kafka, bootstrap: '" + broker.bootstrap() + "', topic: clicks}",
        "key: " + key,
        "clock: {kind: event, timestamp: " + timestamp + ", wait: 1h}",
        "window: {kind: tumbling, length: 1h}",
        "aggregate: {count: true}",
        "checkpoint: {interval: 1s}",
        "");
  }

  private static Map<String, Integer> expected(int events) {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < events; i++) {
      out.merge("u" + (i % USERS), 1, Integer::sum);
    }
    return out;
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void recordsAreCountedOnceAcrossKillsAndABadRecordNamesItsPlace() throws Exception {
    broker.createTopic("clicks", 3);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      produce(p, 0, 300);
      // partition 1 gets one record that is not JSON, and one with no value
      p.send(new ProducerRecord<>("clicks", 1, null, "{\"user\": oops}".getBytes(StandardCharsets.UTF_8)));
      p.send(new ProducerRecord<>("clicks", 1, null, null));
      p.flush();

      Path dir = tmp.resolve("server");
      ServerProcess.define(dir, "clicks.yaml", hourlyCounts("clicks", "event.user", "event.ts"));
      // The same records by what Kafka says of them: the record's key and partition, its timestamp.
      ServerProcess.define(dir, "by-record.yaml",
          hourlyCounts("by-record", "meta.key + '/' + string(meta.partition)", "meta.timestamp"));
      ServerProcess s = new ServerProcess(dir).start();
      ServerProcess.await("300 records counted", () -> total(counts(s)) == 300 && total(metaCounts(s)) == 300);
      assertEquals(expected(300), counts(s));
      assertEquals(expected(300), metaCounts(s));
      JsonNode pipeline = s.json("/api/pipelines/clicks");
      assertEquals(2, pipeline.get("counters").get("errors").asInt(), pipeline.toString());
      List<String> messages = new ArrayList<>();
      pipeline.get("recent_errors").forEach(e -> messages.add(e.get("message").asText()));
      assertTrue(messages.stream().anyMatch(m -> m.matches("clicks/1@\\d+: byte \\d+: .*")), messages.toString());
      assertTrue(messages.stream().anyMatch(m -> m.matches("clicks/1@\\d+: the record has no value")), messages.toString());

      // A kill right after more records: some are in the log only, some not read yet.
      produce(p, 300, 600);
      ServerProcess.await("reading on", () -> total(counts(s)) > 300);
      s.kill();
      produce(p, 600, 700);
      ServerProcess s2 = new ServerProcess(dir).start();
      ServerProcess.await("all 700 counted", () -> total(counts(s2)) >= 700 && total(metaCounts(s2)) >= 700);
      assertEquals(expected(700), counts(s2), "after a kill: nothing twice, nothing lost");
      assertEquals(expected(700), metaCounts(s2), "after a kill, replayed with each record's meta");

      // A kill after a checkpoint covered everything: the restart reads on from its offsets.
      long epoch = s2.json("/api/pipelines/clicks").get("epoch").asLong();
      ServerProcess.await("a checkpoint after the reading", () ->
          s2.json("/api/pipelines/clicks").get("epoch").asLong() > epoch + 1);
      s2.kill();
      produce(p, 700, 750);
      ServerProcess s3 = new ServerProcess(dir).start();
      ServerProcess.await("all 750 counted", () -> total(counts(s3)) >= 750 && total(metaCounts(s3)) >= 750);
      assertEquals(expected(750), counts(s3), "after a checkpoint and a kill");
      assertEquals(expected(750), metaCounts(s3), "meta after a checkpoint and a kill");
      // The checkpoints' offsets reach the group, for lag tools: every record read, the two bad ones too.
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        ServerProcess.await("the group's committed offsets at the end of the topic", () -> admin
            .listConsumerGroupOffsets("transom-clicks").partitionsToOffsetAndMetadata().get().values().stream()
            .mapToLong(o -> o.offset()).sum() == 752);
      }
      s3.stop();
    }
  }

  /** From a topic through tumbling windows to a topic (at-least-once: at once): one record per closed window, keyed by its key. */
  @Test
  void closedWindowsAreWrittenToATopicKeyedByTheirKey() throws Exception {
    broker.createTopic("taps", 1); // one partition: the events in their order, so none is late at wait 0s
    broker.createTopic("per-user", 2);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      // a and b click in the first 10 s; one late-enough event of c closes that window
      for (String[] e : new String[][] {{"a", "01"}, {"b", "02"}, {"a", "03"}, {"a", "09"}, {"c", "15"}}) {
        p.send(new ProducerRecord<>("taps", e[0].getBytes(StandardCharsets.UTF_8),
            ("{\"user\":\"" + e[0] + "\",\"ts\":\"2024-05-01T10:00:" + e[1] + "Z\"}").getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
    Path dir = tmp.resolve("server");
    ServerProcess.define(dir, "per-user.yaml", String.join("\n",
        "name: per-user",
        "source: {kind: kafka, bootstrap: '" + broker.bootstrap() + "', topic: taps}",
        "key: event.user",
        "clock: {kind: event, timestamp: event.ts, wait: 0s, scope: pipeline}",
        "window: {kind: tumbling, length: 10s}",
        "aggregate: {count: true}",
        "sinks:",
        "  - {kind: kafka, bootstrap: '" + broker.bootstrap() + "', topic: per-user, guarantee: at-least-once}",
        ""));
    ServerProcess s = new ServerProcess(dir).start();
    Map<String, String> got = new TreeMap<>();
    Properties c = new Properties();
    c.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    c.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "reader");
    c.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
        c, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of("per-user"));
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (got.size() < 2 && System.nanoTime() < deadline) {
        for (var r : consumer.poll(java.time.Duration.ofMillis(200))) {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (!key.equals("c")) { // c's window closes too, once the server's own time has moved on 10 s
            got.put(key, new String(r.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    assertEquals(Map.of(
        "a", "{\"pipeline\":\"per-user\",\"key\":\"a\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
            + "\"close_time\":\"2024-05-01T10:00:10Z\"},\"value\":3}",
        "b", "{\"pipeline\":\"per-user\",\"key\":\"b\",\"window\":{\"open_time\":\"2024-05-01T10:00:00Z\","
            + "\"close_time\":\"2024-05-01T10:00:10Z\"},\"value\":1}"), got, () -> {
              try {
                return s.json("/api/pipelines/per-user").toString();
              } catch (Exception e) {
                return e.toString();
              }
            });
    JsonNode sinks = s.json("/api/pipelines/per-user");
    assertTrue(sinks.toString().contains("kafka per-user at"), sinks.toString());
    s.stop();
  }
}
