package dev.transom.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;

/**
 * The Kafka Streams peer of the Kafka benchmark: clicks per user in tumbling 1 s windows, read
 * from a topic and written to a topic, exactly once ({@code exactly_once_v2}), with final results
 * only ({@code suppress(untilWindowCloses)}, the documented way to get one output per window).
 * Written as a Kafka Streams user would: the DSL, default state stores (RocksDB), the input keyed by
 * user so no repartition is needed.
 *
 * <p>The value is parsed once, by the source's deserializer, into the clicks and the event time,
 * which the timestamp extractor then reads; {@code wallclock} uses processing time instead (the
 * latency run). The output line is the shape Transom writes ({@code key}, {@code window.open_time},
 * {@code window.close_time}, {@code value}) so one reader checks both.
 *
 * <p>Prints {@code running} on stdout once the application is RUNNING (partitions assigned), and
 * closes cleanly on SIGTERM.
 *
 * <p>Args: BOOTSTRAP INPUT OUTPUT APPLICATION_ID STATE_DIR THREADS COMMIT_MS GRACE_MS event|wallclock
 */
public final class KafkaStreamsJob {
  /** A click as the source deserializer leaves it: what the aggregation and the extractor need. */
  record Click(long clicks, long tsMillis) {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String input = args[1];
    String output = args[2];
    String applicationId = args[3];
    String stateDir = args[4];
    int threads = Integer.parseInt(args[5]);
    long commitMs = Long.parseLong(args[6]);
    long graceMs = Long.parseLong(args[7]);
    boolean wallclock = args[8].equals("wallclock");

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    StreamsBuilder builder = new StreamsBuilder();
    TimestampExtractor extractor = wallclock ? new WallclockTimestampExtractor() : KafkaStreamsJob::eventTime;
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.serdeFrom(KafkaStreamsJob::neverWritten, new ClickDeserializer()))
            .withTimestampExtractor(extractor))
        .mapValues(Click::clicks)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(1), Duration.ofMillis(graceMs)))
        .reduce(Long::sum)
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((window, sum) -> KeyValue.pair(window.key(), "{\"key\":\"" + window.key()
            + "\",\"window\":{\"open_time\":\"" + Instant.ofEpochMilli(window.window().start())
            + "\",\"close_time\":\"" + Instant.ofEpochMilli(window.window().end()) + "\"},\"value\":" + sum + "}"))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        System.out.println("running");
        System.out.flush();
      } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(30));
      stopped.countDown();
    }));
    streams.start();
    stopped.await();
  }

  /** Clicks are only read (the source topic's values); the serde wants a serializer all the same. */
  private static byte[] neverWritten(String topic, Click click) {
    throw new UnsupportedOperationException("clicks are never written");
  }

  private static long eventTime(ConsumerRecord<Object, Object> record, long partitionTime) {
    return record.value() instanceof Click click ? click.tsMillis() : partitionTime;
  }

  /** {@code {"user":…,"clicks":N,…,"ts":"RFC 3339"}} to a {@link Click}, with a streaming parser. */
  static final class ClickDeserializer implements Deserializer<Click> {
    private final JsonFactory json = new JsonFactory();

    @Override
    public Click deserialize(String topic, byte[] data) {
      long clicks = 0;
      long ts = 0;
      try (JsonParser p = json.createParser(data)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "clicks" -> clicks = p.getLongValue();
            case "ts" -> ts = Instant.parse(p.getText()).toEpochMilli();
            default -> p.skipChildren();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Click(clicks, ts);
    }
  }
}
