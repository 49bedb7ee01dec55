package dev.transom.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pipeline's meters (tag {@code pipeline}): events in, outputs, late items, item errors,
 * open windows, watermark and its lag, queue, status, reloads, checkpoints and ingest latency; per
 * queued at-least-once sink (tag {@code sink}), records pending, delivered and failed delivery
 * attempts; per sink of any kind, the records it took. Every meter reads a counter the pipeline
 * keeps or is registered here once, so no event looks anything up in the registry. Removed when
 * the pipeline goes away. docs/metrics.md lists them all.
 */
final class PipelineMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final String id;
  /** Per queued sink, by name: its meters, replaced only when the sink goes away. */
  private final Map<String, List<Meter>> deliveryMeters = new HashMap<>();
  /** Per sink of any kind, by name: its records counter. */
  private final Map<String, Meter> sinkMeters = new HashMap<>();
  /**
   * What {@link PipelineHost#status()} can answer ({@code finished}: a file pipeline at the end of
   * its input, once the runtime reports it), each its own series as Prometheus state sets go.
   */
  static final List<String> STATUSES = List.of("running", "paused", "failed", "stopped", "finished");
  /**
   * Bucket bounds for ingest latency (a sync to disk: about a millisecond here, far more on a busy
   * disk) and checkpoint duration (a commit and sync, longer with much state): from 1 ms to 10 s.
   */
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  final Timer ingestLatency;
  final Timer checkpointDuration;

  PipelineMetrics(MeterRegistry registry, PipelineHost host, String id) {
    this.registry = registry;
    this.id = id;
    meters.add(FunctionCounter.builder("transom.events.in", host, PipelineHost::inCount)
        .description("events received").tag("pipeline", id).register(registry));
    meters.add(FunctionCounter.builder("transom.outputs", host, PipelineHost::outCount)
        .description("window outputs emitted").tag("pipeline", id).register(registry));
    meters.add(FunctionCounter.builder("transom.late", host, PipelineHost::lateCount)
        .description("late (item, window) pairs").tag("pipeline", id).register(registry));
    meters.add(FunctionCounter.builder("transom.item.errors", host, PipelineHost::errorCount)
        .description("items that could not be processed").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.open.windows", host, PipelineHost::openWindows)
        .description("windows open now").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.watermark.lag.seconds", host, PipelineHost::watermarkLagSeconds)
        .description("system time minus the watermark when the watermark last advanced; NaN before the first "
            + "watermark and once a file source has read all its input").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.watermark.timestamp.seconds", host, PipelineHost::watermarkSeconds)
        .description("the pipeline's watermark, seconds since the epoch; NaN while it has none").tag("pipeline", id)
        .register(registry));
    meters.add(Gauge.builder("transom.pending.events", host, PipelineHost::pendingEvents)
        .description("events accepted and not yet processed").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.queue.capacity.events", host, PipelineHost::queueLimit)
        .description("events the pipeline may hold unprocessed before it answers 503 (--queue)").tag("pipeline", id)
        .register(registry));
    for (String s : STATUSES) {
      meters.add(Gauge.builder("transom.pipeline.status", host, h -> h.statusIs(s))
          .description("1 for the pipeline's current status, 0 for the others").tags("pipeline", id, "status", s)
          .register(registry));
    }
    meters.add(FunctionCounter.builder("transom.pipeline.reloads", host, PipelineHost::reloads)
        .description("reloads that changed the definition (an edit of the file or a PUT)").tag("pipeline", id).register(registry));
    meters.add(FunctionCounter.builder("transom.pipeline.rejected.edits", host, PipelineHost::rejectedEdits)
        .description("edits refused as invalid (file or PUT); the running version kept").tag("pipeline", id)
        .register(registry));
    meters.add(FunctionCounter.builder("transom.checkpoint.failures", host, PipelineHost::checkpointFailures)
        .description("checkpoints that could not be stored").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.checkpoint.last.success.timestamp.seconds", host,
        PipelineHost::lastCheckpointSuccessSeconds)
        .description("when the last checkpoint was stored, seconds since the epoch; NaN before the first")
        .tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.memory.held.bytes", host, PipelineHost::heldBytes)
        .description("estimated heap held by window state and queued input (the memory budget's measure)").tag("pipeline", id).register(registry));
    ingestLatency = Timer.builder("transom.ingest.latency").description("from an events request to its acknowledgement")
        .tag("pipeline", id).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    meters.add(ingestLatency);
    checkpointDuration = Timer.builder("transom.checkpoint.duration").description("time to cut, write and commit a checkpoint")
        .tag("pipeline", id).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    meters.add(checkpointDuration);
  }

  /**
   * Brings the meters of the pipeline's queued at-least-once sinks (tags {@code pipeline} and
   * {@code sink}) in line with {@code d} after a (re)deploy: meters for new sinks, none for gone ones.
   */
  void deliveries(Deliveries d) {
    Map<String, List<Meter>> next = new HashMap<>();
    for (Deliveries.Track t : d.tracks()) {
      List<Meter> kept = deliveryMeters.remove(t.sink);
      next.put(t.sink, kept != null ? kept : List.of(
          Gauge.builder("transom.deliveries.pending", t, Deliveries.Track::pending)
              .description("records waiting for delivery (the batch in flight included)")
              .tags("pipeline", id, "sink", t.sink).strongReference(true).register(registry),
          FunctionCounter.builder("transom.deliveries.delivered", t, Deliveries.Track::delivered)
              .description("records delivered").tags("pipeline", id, "sink", t.sink).register(registry),
          FunctionCounter.builder("transom.deliveries.failed.attempts", t, Deliveries.Track::failedAttempts)
              .description("delivery requests that failed and will be retried").tags("pipeline", id, "sink", t.sink)
              .register(registry)));
    }
    deliveryMeters.values().forEach(ms -> ms.forEach(registry::remove));
    deliveryMeters.clear();
    deliveryMeters.putAll(next);
  }

  /**
   * Brings the per-sink record counters in line with a (re)deployed version: file, h2 and stdout
   * sinks from {@code counts}, webhooks from their deliveries.
   */
  void sinks(SinkCounts counts, Deliveries d) {
    Map<String, Meter> next = new HashMap<>();
    for (SinkCounts.Sink s : counts.current()) {
      Meter kept = sinkMeters.remove(s.name());
      next.put(s.name(), kept != null ? kept : FunctionCounter.builder("transom.sink.records", s.records(), AtomicLong::get)
          .description("records the sink took: file and h2 at the checkpoint that stores them, stdout as written, "
              + "webhook once delivered").tags("pipeline", id, "sink", s.name(), "kind", s.kind()).register(registry));
    }
    for (Deliveries.Track t : d.tracks()) {
      Meter kept = sinkMeters.remove(t.sink);
      next.put(t.sink, kept != null ? kept : FunctionCounter.builder("transom.sink.records", t, Deliveries.Track::delivered)
          .description("records the sink took: file and h2 at the checkpoint that stores them, stdout as written, "
              + "webhook once delivered").tags("pipeline", id, "sink", t.sink, "kind", t.kind()).register(registry));
    }
    sinkMeters.values().forEach(registry::remove);
    sinkMeters.clear();
    sinkMeters.putAll(next);
  }

  /** Per partition a kafka source reads (tags {@code topic}, {@code partition}): its lag, registered once assigned. */
  private final Map<String, Meter> lagMeters = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per exactly-once kafka sink, by name: its transaction meters. */
  private final Map<String, List<Meter>> transactionMeters = new HashMap<>();

  /** Called by a kafka source's thread when it is assigned a partition; {@code lag} reads its lag (NaN: unknown). */
  void consumerLag(String topic, int partition, java.util.function.Supplier<Number> lag) {
    lagMeters.computeIfAbsent(topic + "/" + partition, k -> Gauge.builder("transom.kafka.consumer.lag", lag)
        .description("records in the partition after the last one read (Kafka's own lag; NaN until known)")
        .tags("pipeline", id, "topic", topic, "partition", String.valueOf(partition)).strongReference(true)
        .register(registry));
  }

  /** Brings the exactly-once kafka sinks' meters in line with a (re)deployed version's {@code topics}. */
  void transactions(CommittedTopics topics) {
    Map<String, List<Meter>> next = new HashMap<>();
    for (dev.transom.components.KafkaTransactions t : topics.sinks()) {
      List<Meter> old = transactionMeters.remove(t.name());
      if (old != null) {
        old.forEach(registry::remove); // bound to the sink the version before had
      }
      next.put(t.name(), List.of(
          FunctionCounter.builder("transom.kafka.transactions", t, dev.transom.components.KafkaTransactions::commits)
              .description("Kafka transactions of an exactly-once kafka sink, by outcome")
              .tags("pipeline", id, "sink", t.name(), "outcome", "committed").register(registry),
          FunctionCounter.builder("transom.kafka.transactions", t, dev.transom.components.KafkaTransactions::aborts)
              .description("Kafka transactions of an exactly-once kafka sink, by outcome")
              .tags("pipeline", id, "sink", t.name(), "outcome", "aborted").register(registry),
          Gauge.builder("transom.kafka.pending.epochs", t, dev.transom.components.KafkaTransactions::pendingEpochs)
              .description("checkpointed epochs whose records are not committed to Kafka yet")
              .tags("pipeline", id, "sink", t.name()).strongReference(true).register(registry)));
    }
    transactionMeters.values().forEach(ms -> ms.forEach(registry::remove));
    transactionMeters.clear();
    transactionMeters.putAll(next);
  }

  void remove() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    lagMeters.values().forEach(registry::remove);
    lagMeters.clear();
    transactionMeters.values().forEach(ms -> ms.forEach(registry::remove));
    transactionMeters.clear();
    deliveryMeters.values().forEach(ms -> ms.forEach(registry::remove));
    deliveryMeters.clear();
    sinkMeters.values().forEach(registry::remove);
    sinkMeters.clear();
  }
}
