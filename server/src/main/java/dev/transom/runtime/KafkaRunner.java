package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.compile.WithMeta;
import dev.transom.components.KafkaSource;
import dev.transom.io.JsonValues;
import dev.transom.state.IngestLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a pipeline's topics in {@code serve}. Each poll's records become one batch, logged with the
 * offsets after it (the mark's state, {@link #encode}) and then fed, as a file source's lines are
 * with their byte offset: after a crash the logged batches are replayed at the times they were
 * first read, and reading goes on from the offsets after the last of them. The consumer group's
 * own committed offsets play no part in that; a partition this pipeline has not read before starts
 * where {@code start} says. The runner takes every partition itself ({@link #assign}): one server
 * reads the whole topic, as its checkpoint holds every partition's offset.
 *
 * <p>A record whose value is not JSON (or has none) is an item error naming its topic, partition
 * and offset, and is left out of the batch; the batch's text holds the good values only, each on a
 * line (a value's raw line breaks, only ever whitespace between JSON tokens, become spaces).
 */
final class KafkaRunner extends SourceRunner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.pipelines");
  /**
   * Records per poll, so per logged batch (each waits for its sync in the ingest log). 20,000 against
   * 5,000 was 297-308k against 284-303k records/s in the Kafka benchmark: not worth four times the
   * memory per batch.
   */
  private static final int MAX_BATCH = 5_000;
  private static final long REFRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
  private static final long MISSING_REFRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
  private static final String META_MARK_KEY = "$meta";
  /** How a state of a batch read with {@code meta} begins ({@link #encode}). */
  private static final String META_MARK = "{\"" + META_MARK_KEY + "\":";

  /** Each assigned partition's lag as the consumer last knew it, for the meters (read by other threads). */
  private final Map<TopicPartition, Long> lag = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each assigned partition's next offset to read, as of the last batch handed over (read by other threads). */
  private final Map<TopicPartition, Long> positions = new java.util.concurrent.ConcurrentHashMap<>();
  private final Thread thread;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean stopped;
  /** Whether the brokers did not answer the last time they were asked (to say so once, not per retry). */
  private boolean unreachable;

  KafkaRunner(PipelineHost host, KafkaSource.Config config, String startState) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupOf(host.id()));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "transom-" + host.id());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // records of transactions not (yet) committed are never read: an exactly-once producer's aborts stay out
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(MAX_BATCH));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.fromEarliest() ? "earliest" : "latest");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<TopicPartition, Long> next = decode(startState);
    thread = new Thread(() -> run(host, config, next), "transom-kafka-" + host.id());
    thread.setDaemon(true);
    thread.start();
  }

  private void run(PipelineHost host, KafkaSource.Config config, Map<TopicPartition, Long> next) {
    Set<TopicPartition> assigned = new HashSet<>();
    Set<String> missing = new HashSet<>();
    long refreshAt = 0;
    String committed = null;
    try {
      while (!stopped) {
        String checkpointed = host.checkpointedSourceState();
        if (checkpointed != null && !checkpointed.equals(committed)) {
          commit(host, checkpointed);
          committed = checkpointed;
        }
        if (System.nanoTime() - refreshAt >= 0) {
          assign(host, config, next, assigned, missing);
          // new partitions of a topic are found within this; a topic that does not exist yet, sooner
          refreshAt = System.nanoTime() + (missing.isEmpty() && !unreachable ? REFRESH_NANOS : MISSING_REFRESH_NANOS);
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (TopicPartition tp : assigned) {
          consumer.currentLag(tp).ifPresent(l -> lag.put(tp, l)); // from the last fetch: no request
        }
        if (records.isEmpty()) {
          continue;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<Object> events = new ArrayList<>(records.count());
        List<ItemError> bad = new ArrayList<>();
        boolean withMeta = host.readsMeta(); // per batch: a reload may change it
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
          for (ConsumerRecord<byte[], byte[]> r : rs) {
            take(r, text, events, bad, withMeta);
          }
          next.put(tp, rs.get(rs.size() - 1).offset() + 1); // once per partition, not per record
        }
        byte[] batch = text.toByteArray();
        IngestLog.SourceMark mark = new IngestLog.SourceMark(0, 0, encode(next, withMeta));
        // (assigned partitions, no group: waiting here for a pipeline that pushes back costs nothing)
        if (!handOver(() -> host.ingestRead(batch, events, mark, bad), () -> stopped)) {
          return;
        }
        for (TopicPartition tp : records.partitions()) {
          positions.put(tp, next.get(tp));
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // stopped
    } catch (KafkaException | IllegalStateException e) {
      if (!stopped) {
        LOG.error("pipeline '{}': the kafka source stopped: {}", host.id(), e.getMessage());
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Takes every partition of the topics (no group membership: a restarted server reads at once,
   * instead of waiting for the group to give up on the one that crashed); a partition new to the
   * pipeline starts where {@code start} says, one it has read where it left off.
   */
  private void assign(PipelineHost host, KafkaSource.Config config, Map<TopicPartition, Long> next,
      Set<TopicPartition> assigned, Set<String> missing) {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : config.topics()) {
      List<PartitionInfo> parts;
      try {
        parts = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        parts = null; // the brokers do not answer: keep what is assigned, ask again later
        if (!unreachable) {
          unreachable = true;
          LOG.warn("pipeline '{}': the kafka brokers at {} do not answer; trying again", host.id(), config.bootstrap());
        }
      }
      if (parts != null && unreachable) {
        unreachable = false;
        LOG.info("pipeline '{}': the kafka brokers at {} answer again", host.id(), config.bootstrap());
      }
      if (parts == null || parts.isEmpty()) {
        if (parts != null && missing.add(topic)) {
          LOG.warn("pipeline '{}': topic '{}' does not exist at {}; it is read once it does", host.id(), topic,
              config.bootstrap());
        }
        assigned.stream().filter(tp -> tp.topic().equals(topic)).forEach(all::add);
        continue;
      }
      if (missing.remove(topic)) {
        LOG.info("pipeline '{}': topic '{}' exists now; reading it", host.id(), topic);
      }
      parts.forEach(pi -> all.add(new TopicPartition(pi.topic(), pi.partition())));
    }
    if (new HashSet<>(all).equals(assigned)) {
      return;
    }
    consumer.assign(all);
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : all) {
      if (assigned.contains(tp)) {
        continue;
      }
      Long at = next.get(tp);
      if (at != null) {
        consumer.seek(tp, at);
      } else {
        fresh.add(tp);
      }
    }
    // Not the group's committed offsets: they only say what was checkpointed, for monitoring.
    // (An empty list would mean every assigned partition to seekToBeginning and seekToEnd.)
    if (!fresh.isEmpty()) {
      if (config.fromEarliest()) {
        consumer.seekToBeginning(fresh);
      } else {
        consumer.seekToEnd(fresh);
      }
    }
    assigned.clear();
    assigned.addAll(all);
    positions.keySet().retainAll(all);
    for (TopicPartition tp : all) {
      Long at = next.get(tp);
      if (at != null) {
        positions.putIfAbsent(tp, at);
      }
    }
    for (TopicPartition tp : all) {
      host.consumerLag(tp.topic(), tp.partition(), () -> lag.containsKey(tp) ? lag.get(tp) : Double.NaN);
    }
  }

  /**
   * Commits a checkpoint's offsets to the consumer group, so that lag tools see how far the pipeline
   * got; nothing reads them back (a failed commit is only a stale figure there).
   */
  private void commit(PipelineHost host, String state) {
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
    decode(state).forEach((tp, o) -> offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(o)));
    consumer.commitAsync(offsets, (done, e) -> {
      if (e != null) {
        LOG.debug("pipeline '{}': committing the checkpoint's offsets to the group failed: {}", host.id(), e.toString());
      }
    });
  }

  /**
   * Adds a record's value to the batch, or its item error when it is not one JSON value. With
   * {@code withMeta} the event carries the record's {@link #meta}, and its logged line is {@code
   * [META, VALUE]} so that a replay gives the same ({@link #replayed}).
   */
  private static void take(ConsumerRecord<byte[], byte[]> r, ByteArrayOutputStream text, List<Object> events,
      List<ItemError> bad, boolean withMeta) {
    byte[] v = r.value();
    if (v == null || dev.transom.io.LineReader.isBlank(v, 0, v.length)) {
      bad.add(new ItemError("source", where(r) + ": the record has no value", null));
      return;
    }
    Object event;
    try {
      event = JsonValues.parse(v, 0, v.length);
    } catch (JsonValues.Invalid e) {
      bad.add(new ItemError("source", where(r) + ": byte " + e.column() + ": " + e.getMessage(),
          new String(v, StandardCharsets.UTF_8)));
      return;
    }
    byte[] line = v;
    for (int i = 0; i < v.length; i++) {
      if (v[i] == '\n' || v[i] == '\r') {
        if (line == v) {
          line = v.clone(); // copied only for a value that has line breaks (pretty-printed JSON)
        }
        line[i] = ' ';
      }
    }
    if (withMeta) {
      String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
      Map<String, Object> meta = meta(r.topic(), r.partition(), r.offset(), r.timestamp(), key);
      meta.put("timestamp", r.timestamp()); // logged in epoch milliseconds: JSON has no timestamps
      text.write('[');
      text.writeBytes(JsonValues.toJson(meta).getBytes(StandardCharsets.UTF_8));
      text.write(',');
      text.write(line, 0, line.length);
      text.write(']');
      meta.put("timestamp", java.time.Instant.ofEpochMilli(r.timestamp())); // same place in the map: as replayed
      event = new WithMeta(event, meta);
    } else {
      text.write(line, 0, line.length);
    }
    text.write('\n');
    events.add(event);
  }

  /** A record's place, as its item errors name it: {@code topic/partition@offset}. */
  private static String where(ConsumerRecord<byte[], byte[]> r) {
    return r.topic() + "/" + r.partition() + "@" + r.offset();
  }

  /** A record's {@code meta}, as expressions read it: the timestamp as a timestamp, no key when it has none. */
  static Map<String, Object> meta(String topic, long partition, long offset, long timestampMillis, String key) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(8);
    m.put("topic", topic);
    m.put("partition", partition);
    m.put("offset", offset);
    m.put("timestamp", java.time.Instant.ofEpochMilli(timestampMillis));
    if (key != null) {
      m.put("key", key);
    }
    return m;
  }

  /**
   * The events of a logged batch of this source, as they were fed when it was read: each line a
   * value, or {@code [META, VALUE]} when the state says the batch was read with {@code meta}.
   */
  @SuppressWarnings("unchecked")
  static List<Object> replayed(byte[] text, String state) {
    List<Object> lines = dev.transom.engine.LineDecoder.events(text, 1, line -> {});
    if (!state.startsWith(META_MARK)) {
      return lines;
    }
    List<Object> events = new ArrayList<>(lines.size());
    for (Object line : lines) {
      List<Object> pair = (List<Object>) line;
      Map<String, Object> m = (Map<String, Object>) pair.get(0);
      events.add(new WithMeta(pair.get(1), meta((String) m.get("topic"), (Long) m.get("partition"),
          (Long) m.get("offset"), (Long) m.get("timestamp"), (String) m.get("key"))));
    }
    return events;
  }

  /**
   * The offsets as the mark's state: {@code {"topic": {"partition": next offset}}}, topics and
   * partitions in order; first {@code "$meta": 1} when the batch's lines hold each record's meta
   * (no topic has that name: {@code $} is not allowed in one).
   */
  static String encode(Map<TopicPartition, Long> next, boolean withMeta) {
    Map<String, TreeMap<Integer, Long>> sorted = new TreeMap<>();
    next.forEach((tp, o) -> sorted.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), o));
    Map<String, Object> byTopic = new java.util.LinkedHashMap<>();
    if (withMeta) {
      byTopic.put(META_MARK_KEY, 1L);
    }
    sorted.forEach((topic, parts) -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      parts.forEach((partition, offset) -> m.put(String.valueOf(partition), offset));
      byTopic.put(topic, m);
    });
    return JsonValues.toJson(byTopic);
  }

  /** The offsets of a mark's state ({@link #encode}); none for {@code null}. */
  @SuppressWarnings("unchecked")
  static Map<TopicPartition, Long> decode(String state) {
    Map<TopicPartition, Long> next = new HashMap<>();
    if (state == null) {
      return next;
    }
    try {
      Object parsed = JsonValues.parse(state);
      for (Map.Entry<String, Object> t : ((Map<String, Object>) parsed).entrySet()) {
        if (t.getKey().equals(META_MARK_KEY)) {
          continue;
        }
        for (Map.Entry<String, Object> p : ((Map<String, Object>) t.getValue()).entrySet()) {
          next.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), ((Number) p.getValue()).longValue());
        }
      }
    } catch (JsonValues.Invalid | ClassCastException | NumberFormatException e) {
      throw new IllegalStateException("a kafka source position that does not read: " + state, e);
    }
    return next;
  }

  @Override
  List<PipelineShape.SourcePartition> partitions() {
    List<PipelineShape.SourcePartition> out = new ArrayList<>();
    Set<TopicPartition> known = new HashSet<>(positions.keySet());
    known.addAll(lag.keySet());
    for (TopicPartition tp : known) {
      out.add(new PipelineShape.SourcePartition(tp.topic(), tp.partition(), positions.get(tp), lag.get(tp)));
    }
    out.sort(java.util.Comparator.comparing(PipelineShape.SourcePartition::topic)
        .thenComparingInt(PipelineShape.SourcePartition::partition));
    return out;
  }

  @Override
  void stop() {
    stopped = true;
    consumer.wakeup();
    try {
      // a batch it is logging right now must be handed over before the next reader starts
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
