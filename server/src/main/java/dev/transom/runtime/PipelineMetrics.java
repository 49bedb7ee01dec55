package dev.transom.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pipeline's meters (tag {@code pipeline}): events in, outputs, late items, item errors,
 * open windows, watermark lag and ingest latency; and per queued at-least-once sink (tag
 * {@code sink}), records pending, delivered and failed delivery attempts. Removed when the
 * pipeline goes away.
 */
final class PipelineMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final String id;
  /** Per queued sink, by name: its meters, replaced only when the sink goes away. */
  private final Map<String, List<Meter>> deliveryMeters = new HashMap<>();
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
        .description("system time minus the pipeline's watermark").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.pending.events", host, PipelineHost::pendingEvents)
        .description("events accepted and not yet processed").tag("pipeline", id).register(registry));
    meters.add(Gauge.builder("transom.memory.held.bytes", host, PipelineHost::heldBytes)
        .description("estimated heap held by window state and queued input (the memory budget's measure)").tag("pipeline", id).register(registry));
    ingestLatency = Timer.builder("transom.ingest.latency").description("from an events request to its acknowledgement")
        .tag("pipeline", id).publishPercentiles(0.5, 0.99).register(registry);
    meters.add(ingestLatency);
    checkpointDuration = Timer.builder("transom.checkpoint.duration").description("time to cut, write and commit a checkpoint")
        .tag("pipeline", id).register(registry);
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

  void remove() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    deliveryMeters.values().forEach(ms -> ms.forEach(registry::remove));
    deliveryMeters.clear();
  }
}
