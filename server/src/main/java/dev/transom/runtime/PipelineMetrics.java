package dev.transom.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;

/**
 * One pipeline's meters (tag {@code pipeline}): events in, outputs, late items, item errors,
 * open windows, watermark lag and ingest latency. Removed when the pipeline goes away.
 */
final class PipelineMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  final Timer ingestLatency;
  final Timer checkpointDuration;

  PipelineMetrics(MeterRegistry registry, PipelineHost host, String id) {
    this.registry = registry;
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
    ingestLatency = Timer.builder("transom.ingest.latency").description("from an events request to its acknowledgement")
        .tag("pipeline", id).publishPercentiles(0.5, 0.99).register(registry);
    meters.add(ingestLatency);
    checkpointDuration = Timer.builder("transom.checkpoint.duration").description("time to cut, write and commit a checkpoint")
        .tag("pipeline", id).register(registry);
    meters.add(checkpointDuration);
  }

  void remove() {
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
