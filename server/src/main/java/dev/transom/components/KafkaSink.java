package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import dev.transom.expr.Expr;
import dev.transom.expr.ExprFailure;
import dev.transom.expr.ExprScope;
import dev.transom.io.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code kind: kafka} as a sink: each record becomes one Kafka record, its value the record's JSON,
 * its key the {@code key} expression's value (by default the window's key). Delivered from a queue
 * of its own by an idempotent producer ({@code acks=all}), in order, retried with backoff while the
 * brokers do not take it: at-least-once like {@code webhook}, what is not delivered yet is stored
 * with each checkpoint ({@link DeliveryQueue}), and the pipeline stops taking input while
 * {@code queue} records wait.
 *
 * <p>The queue, its sender and the backoff are {@link QueuedSink}'s; with {@code guarantee:
 * exactly-once} (the default) none of this runs: {@link KafkaTransactions} writes the records.
 */
public final class KafkaSink extends QueuedSink<KafkaSink.Pending> {
  static final long DEFAULT_QUEUE = 100_000;
  private static final int BATCH = 1_000;

  public static final ObjectSpec SPEC = ObjectSpec.of("kafka",
          "Writes each record to a Kafka (or Redpanda) topic, its JSON as the value (at-least-once: records not "
              + "yet acknowledged by the brokers are kept with each checkpoint).")
      .required("bootstrap", new FieldType.Text(KafkaSource.BOOTSTRAP, "host:port, comma-separated"),
          "the brokers to connect to first (`bootstrap.servers`)", "localhost:9092")
      .required("topic", new FieldType.Text(KafkaSource.TOPIC, "a topic name"), "the topic to write", "clicks-per-user")
      .optional("key", new FieldType.Expression(ExprScope.RESULT, Set.of(), "the record's key"), "result.key",
          "the Kafka record's key (variable: result): a string as it is, anything else as its JSON; records of one "
              + "key go to one partition, in order",
          "result.value.user")
      .optional("guarantee", new FieldType.OneWord(List.of("exactly-once", "at-least-once")), "exactly-once",
          "exactly-once: an epoch's records are written in one Kafka transaction once its checkpoint is stored, so "
              + "a `read_committed` consumer sees each once, even across crashes (the brokers must allow "
              + "transactions); at-least-once: written as they are produced, without transactions, and maybe again "
              + "after a crash", "at-least-once")
      .optional("queue", new FieldType.Int(1, 10_000_000), DEFAULT_QUEUE,
          "at-least-once: records waiting for the brokers at which the pipeline stops taking input (ingest "
              + "answers 503, sources wait) until they catch up", "10000")
      .example("kind: kafka\nbootstrap: localhost:9092\ntopic: clicks-per-user")
      .build();

  /** Its options, as read; {@code key} null for the window's key. */
  public record Config(String bootstrap, String topic, Expr key, long queue, boolean exactlyOnce) {
    /** How checkpoints and the dashboard name it. */
    public String name() {
      return "kafka " + topic + " at " + bootstrap;
    }
  }

  public static final SinkKind KIND = new SinkKind(SPEC, Guarantee.AT_LEAST_ONCE) {
    @Override
    public Config config(ComponentDef def) {
      return new Config(def.text("bootstrap", null), def.text("topic", null),
          def.options().has("key") ? def.options().expr("key") : null, SPEC.number(def.options(), "queue"),
          !"at-least-once".equals(def.text("guarantee", "exactly-once")));
    }

    @Override
    public Guarantee guarantee(ComponentDef def) {
      return ((Config) config(def)).exactlyOnce() ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE;
    }

    @Override
    public String notInRun() {
      return "kind kafka is written by `transom serve`";
    }

    @Override
    public String describe(ComponentDef def) {
      return "kafka " + def.text("topic", null) + " at " + def.text("bootstrap", null);
    }

    @Override
    public RecordSink open(ComponentDef def, boolean append) throws java.io.IOException {
      try {
        return new KafkaSink(config(def));
      } catch (org.apache.kafka.common.KafkaException e) {
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        throw new java.io.IOException("cannot open the kafka sink for topic " + def.text("topic", null) + ": "
            + root.getMessage(), e);
      }
    }
  };

  private final Config config;
  private final KafkaProducer<byte[], byte[]> producer;

  /** A record waiting: its JSON (what a checkpoint stores) and its key (null: none). */
  record Pending(byte[] json, byte[] key) {}

  KafkaSink(Config config) {
    super("transom-kafka-sink-" + config.topic(), BATCH, config.queue());
    this.config = config;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // a send that cannot be delivered fails within this (at least linger + request timeout), and the
    // batch is tried again from the queue
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    start();
  }

  @Override
  public void write(Map<String, Object> record) {
    enqueue(new Pending(JsonValues.toJsonBytes(record), keyOf(record)));
  }

  private byte[] keyOf(Map<String, Object> record) {
    return keyOf(config, record);
  }

  /** The record's key as UTF-8: a string as it is, another value as its JSON; null when there is none. */
  static byte[] keyOf(Config config, Map<String, Object> record) {
    Object k;
    if (config.key() == null) {
      k = record.get("key");
    } else {
      try {
        k = config.key().eval1(record);
      } catch (ExprFailure e) {
        k = null; // a record without the field it names goes to a partition of the producer's choosing
      }
    }
    return k == null ? null : (k instanceof String s ? s : JsonValues.toJson(k)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected byte[] stored(Pending item) {
    return item.json();
  }

  /** A stored record (its JSON) waiting again, with its key worked out again. */
  @Override
  @SuppressWarnings("unchecked")
  protected Pending restored(byte[] json) {
    try {
      Object record = JsonValues.parse(json, 0, json.length);
      return new Pending(json, record instanceof Map<?, ?> m ? keyOf((Map<String, Object>) m) : null);
    } catch (JsonValues.Invalid e) {
      return new Pending(json, null);
    }
  }

  /** Sends a batch and waits for every acknowledgement: null when all arrived, else why not (the batch is sent again). */
  @Override
  protected String attempt(List<Pending> batch) {
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
      for (Pending e : batch) {
        acks.add(producer.send(new ProducerRecord<>(config.topic(), e.key(), e.json())));
      }
      producer.flush();
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return "kafka " + config.topic() + ": " + (e.getCause() == null ? e : e.getCause()).getMessage();
    } catch (org.apache.kafka.common.KafkaException e) {
      return "kafka " + config.topic() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      return "interrupted";
    }
  }

  @Override
  protected void senderStopped() {
    producer.close(Duration.ofSeconds(5));
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public String kind() {
    return SPEC.name();
  }

  @Override
  public String describe() {
    return config.topic() + " at " + config.bootstrap();
  }
}
