package dev.transom.components;

import dev.transom.io.JsonValues;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An exactly-once kafka sink: the records of each epoch go to the topic in one Kafka transaction,
 * begun only once that epoch's checkpoint is stored, so a crash can never leave a committed record
 * the restart produces again, nor lose one.
 *
 * <ol>
 *   <li>At a cut, the epoch's records are {@link #stage}d; what is not committed to Kafka yet,
 *       this epoch's included, is stored with the checkpoint ({@link #owed}).
 *   <li>Once the checkpoint is stored ({@link #released}), the sender writes the epoch's records in
 *       a transaction that also commits the epoch's number as an offset of a consumer group of its
 *       own ({@code transom-epochs-ID}, never joined), atomically with them.
 *   <li>After a crash the stored records come back ({@link #restore}); the new producer's
 *       {@code initTransactions} aborts a transaction left open, and the group's offset says the
 *       last epoch committed: the stored epochs up to it are dropped, the others written again.
 * </ol>
 *
 * <p>The transactional id is the pipeline's and the topic's, so the server that restarts fences the
 * one that crashed. A checkpoint that was committed but not synced and then lost to a power cut
 * could leave Kafka one epoch ahead of the restored state; that case is not handled here.
 */
public final class KafkaTransactions implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.sinks");
  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  /** The end-to-end tests' crash points here, armed as the runtime's are ({@code TRANSOM_FAULT=NAME}, see its Faults). */
  private static final String FAULT = System.getenv("TRANSOM_FAULT");

  private final KafkaSink.Config config;
  private final String pipeline;
  private final String transactionalId;
  /** The epochs not yet committed to Kafka, by number: their records, and whether their checkpoint is stored. */
  private final TreeMap<Long, Epoch> epochs = new TreeMap<>();
  private final Thread sender;
  private boolean closing;
  private boolean detached;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong aborts = new AtomicLong();
  private volatile long committedEpoch = -1;
  private volatile String lastError;
  private KafkaProducer<byte[], byte[]> producer;

  private static final class Epoch {
    final List<byte[]> records = new ArrayList<>();
    boolean released;
  }

  public KafkaTransactions(String pipeline, KafkaSink.Config config) {
    this.pipeline = pipeline;
    this.config = config;
    this.transactionalId = "transom-" + pipeline + "-" + config.topic();
    this.sender = new Thread(this::sendLoop, "transom-kafka-txn-" + config.topic());
    sender.setDaemon(true);
    sender.start();
  }

  /** How a checkpoint names what it stores for this sink. */
  public String name() {
    return "kafka exactly-once " + config.topic() + " at " + config.bootstrap();
  }

  public KafkaSink.Config config() {
    return config;
  }

  /** Adds records (each one output's JSON) to epoch {@code epoch}, not to be written before it is released. */
  public synchronized void stage(long epoch, List<byte[]> records) {
    if (!records.isEmpty()) {
      epochs.computeIfAbsent(epoch, e -> new Epoch()).records.addAll(records);
    }
  }

  /**
   * Takes back the last {@code n} records staged for {@code epoch}: the checkpoint they were staged
   * for failed, and they come again with the next one. Records staged before them for the same
   * epoch (by a cut that was not stored, which leaves its records staged) stay.
   */
  public synchronized void unstage(long epoch, int n) {
    Epoch e = epochs.get(epoch);
    if (e == null || e.released || n == 0) {
      return;
    }
    e.records.subList(Math.max(0, e.records.size() - n), e.records.size()).clear();
    if (e.records.isEmpty()) {
      epochs.remove(epoch);
    }
  }

  /** The checkpoint of {@code epoch} is stored: its records, and every earlier epoch's, may be written. */
  public synchronized void released(long epoch) {
    for (Epoch e : epochs.headMap(epoch, true).values()) {
      e.released = true;
    }
    notifyAll();
  }

  /** Every record not yet committed to Kafka, oldest first, each as {@code [epoch:long][json]}. */
  public synchronized List<byte[]> owed() {
    List<byte[]> out = new ArrayList<>();
    epochs.forEach((n, e) -> e.records.forEach(r -> out.add(ByteBuffer.allocate(8 + r.length).putLong(n).put(r).array())));
    return out;
  }

  /** Records a stored checkpoint held ({@link #owed}): all of stored epochs, so released. */
  public synchronized void restore(List<byte[]> stored) {
    for (byte[] t : stored) {
      ByteBuffer b = ByteBuffer.wrap(t);
      long n = b.getLong();
      byte[] json = new byte[b.remaining()];
      b.get(json);
      Epoch e = epochs.computeIfAbsent(n, k -> new Epoch());
      e.records.add(json);
      e.released = true;
    }
    notifyAll();
  }

  /** Stops writing and returns what is not committed ({@link #owed}), for the sink that takes over. */
  public List<byte[]> detach() {
    List<byte[]> all;
    synchronized (this) {
      all = owed();
      detached = true;
      epochs.clear();
      notifyAll();
    }
    sender.interrupt();
    try {
      sender.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return all;
  }

  /** Counts on from {@code before}'s, the sink of the same name this one takes over from (meters only grow). */
  public void countOn(KafkaTransactions before) {
    commits.addAndGet(before.commits());
    aborts.addAndGet(before.aborts());
  }

  public long commits() {
    return commits.get();
  }

  public long aborts() {
    return aborts.get();
  }

  /** Epochs released and not committed yet. */
  public synchronized long pendingEpochs() {
    return epochs.values().stream().filter(e -> e.released).count();
  }

  public String lastError() {
    return lastError;
  }

  private void sendLoop() {
    long backoff = FIRST_BACKOFF_MILLIS;
    try {
      while (true) {
        long number;
        List<byte[]> records;
        synchronized (this) {
          while (!detached && (epochs.isEmpty() || !epochs.firstEntry().getValue().released)) {
            if (closing) {
              return;
            }
            wait(1_000);
          }
          if (detached) {
            return;
          }
          number = epochs.firstKey();
          records = List.copyOf(epochs.firstEntry().getValue().records);
        }
        boolean ok = commit(number, records);
        if (ok) {
          synchronized (this) {
            if (detached) {
              return;
            }
            epochs.remove(number);
            notifyAll();
          }
          backoff = FIRST_BACKOFF_MILLIS;
        } else {
          Thread.sleep(backoff);
          backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
      }
    } catch (InterruptedException e) {
      // detached or closed
    } finally {
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
    }
  }

  /** Writes one epoch in one transaction; true once it is committed, or when Kafka has it already. */
  private boolean commit(long number, List<byte[]> records) {
    try {
      if (producer == null) {
        open();
      }
      if (number <= committedEpoch) {
        return true; // committed before a crash: its records are there once
      }
      producer.beginTransaction();
      for (byte[] json : records) {
        producer.send(new ProducerRecord<>(config.topic(), keyOf(json), json));
      }
      producer.sendOffsetsToTransaction(Map.of(marker(), new OffsetAndMetadata(number, "transom epoch")),
          new ConsumerGroupMetadata(group()));
      fault("kafka-before-commit"); // sent, not committed: the restart's producer aborts it
      producer.commitTransaction();
      fault("kafka-after-commit"); // committed, the checkpoint still owes it: the restart must not write it again
      committedEpoch = number;
      commits.incrementAndGet();
      if (lastError != null) {
        LOG.info("sink '{}' of pipeline '{}' commits again", name(), pipeline);
      }
      lastError = null;
      return true;
    } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
        | AuthorizationException e) {
      fail(e, false); // this producer cannot go on: a new one (its initTransactions) will
      return false;
    } catch (KafkaException | InterruptedException | ExecutionException e) {
      fail(e, true);
      return false;
    }
  }

  private static void fault(String point) {
    if (point.equals(FAULT)) {
      System.err.println("transom: TRANSOM_FAULT=" + point + ": halting");
      Runtime.getRuntime().halt(137);
    }
  }

  private void fail(Exception e, boolean abortable) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause(); // "Failed to create new KafkaAdminClient" says nothing; its cause does
    }
    String why = "kafka " + config.topic() + ": " + (root.getMessage() == null ? root.toString() : root.getMessage());
    if (lastError == null) {
      LOG.atWarn().addKeyValue("event", "sink_failed").addKeyValue("pipeline", pipeline).addKeyValue("sink", name())
          .log("sink '{}' of pipeline '{}' cannot commit: {}; retrying", name(), pipeline, why);
    }
    lastError = why;
    if (producer != null) {
      if (abortable) {
        try {
          producer.abortTransaction();
          aborts.incrementAndGet();
          return;
        } catch (KafkaException | IllegalStateException ignored) {
          // no transaction, or none that can be aborted: start over with a new producer
        }
      }
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  /** A producer batch's size: half of a request's default limit ({@code max.request.size}, 1 MiB). */
  private static final int BATCH_BYTES = 512 * 1024;

  /** A new transactional producer: fences the one before it, and learns the last epoch committed. */
  private void open() throws ExecutionException, InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    // An epoch's records go out at once, so batches are full: 16 KiB ones (the default) made sending
    // 8,700 windows take 50-190 ms, five batches in flight at a time.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(BATCH_BYTES));
    KafkaProducer<byte[], byte[]> made = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      made.initTransactions(); // aborts a transaction the crashed producer left open
      committedEpoch = lastCommittedEpoch();
    } catch (KafkaException | ExecutionException | InterruptedException e) {
      made.close(Duration.ZERO);
      throw e;
    }
    producer = made;
  }

  /** The epoch the last committed transaction recorded (-1: none yet). */
  private long lastCommittedEpoch() throws ExecutionException, InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"); // at most the API timeout, or the client is refused
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(p)) {
      OffsetAndMetadata o = admin.listConsumerGroupOffsets(group()).partitionsToOffsetAndMetadata().get().get(marker());
      return o == null ? -1 : o.offset();
    }
  }

  private TopicPartition marker() {
    return new TopicPartition(config.topic(), 0);
  }

  private String group() {
    return "transom-epochs-" + transactionalId;
  }

  @SuppressWarnings("unchecked")
  private byte[] keyOf(byte[] json) {
    try {
      Object record = JsonValues.parse(json, 0, json.length);
      return record instanceof Map<?, ?> m ? KafkaSink.keyOf(config, (Map<String, Object>) m) : null;
    } catch (JsonValues.Invalid e) {
      return null;
    }
  }

  /** Stops once every released epoch is committed (in the background: the restart's dedup covers a shutdown first). */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
  }

  /**
   * After {@link #close}: waits up to {@code millis} for the released epochs to be committed, so
   * that a stopped server's last windows are in Kafka when it exits (the sender is a daemon thread).
   * False if some are not: they stay stored with the checkpoint, for the next start to write.
   */
  public boolean awaitClosed(long millis) throws InterruptedException {
    sender.join(millis);
    if (sender.isAlive()) {
      LOG.atWarn().addKeyValue("event", "sink_failed").addKeyValue("pipeline", pipeline).addKeyValue("sink", name())
          .log("sink '{}' of pipeline '{}': {} checkpoint(s) not committed to Kafka on stopping{}", name(), pipeline,
              pendingEpochs(), lastError == null ? "" : " (" + lastError + ")");
      return false;
    }
    return true;
  }
}
