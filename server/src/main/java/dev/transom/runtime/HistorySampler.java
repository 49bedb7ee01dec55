package dev.transom.runtime;

/**
 * Takes every pipeline's history sample once a second ({@link PipelineHistory}), on one timer for the
 * whole server. It reads only counters and gauges the pipelines keep anyway (volatile
 * fields), so the cost is a few reads per pipeline a second and nothing per event.
 */
public final class HistorySampler {
  static final long PERIOD_MILLIS = 1_000;

  private HistorySampler() {}

  /** Starts sampling the pipelines {@code pipelines} has at each tick, by their clock and timers. */
  public static long start(Pipelines pipelines) {
    ServerTime time = pipelines.time();
    return time.timers().periodic(PERIOD_MILLIS, () -> {
      long now = time.nowMillis();
      for (PipelineHost h : pipelines.hosts()) {
        h.history().sample(now, reading(h));
      }
    });
  }

  static PipelineHistory.Reading reading(PipelineHost h) {
    long deliveriesPending = 0;
    for (Deliveries.Track t : h.deliveries().tracks()) {
      deliveriesPending += t.pending();
    }
    return new PipelineHistory.Reading(h.inCount(), h.outCount(), h.lateCount(), h.errorCount(), h.pendingEvents(),
        h.openWindows(), h.watermarkLagSeconds(), h.heldBytes(), deliveriesPending);
  }
}
