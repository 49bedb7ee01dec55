package dev.transom.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the dashboard reads beyond a pipeline's own view: its history, its shape, its item errors by
 * group, and for the overview a glance at every pipeline. Each a typed record the API renders.
 */
public final class DashboardViews {
  private DashboardViews() {}

  /**
   * One pipeline at a glance for the overview: its recent samples (all of those stamped up to
   * {@code untilMs}), its sinks' health and its last deployment, reload or refused edit.
   */
  public record Glance(String pipeline, long queueCapacity, long untilMs, PipelineHistory.Samples samples,
      List<SinkHealth> sinks, PipelineHistory.ReloadEntry lastReload) {}

  /**
   * {@code GET /api/overview}: every pipeline's glance. {@code untilMs}, the earliest of theirs, is the
   * next question's {@code since}: nothing is missed, and a sample sent twice (one of a pipeline
   * whose own {@code untilMs} is later) has the same time both times.
   */
  public record Overview(int intervalSeconds, long untilMs, List<Glance> pipelines) {}

  public static PipelineHistory.View history(PipelineHost h, long sinceMs) {
    return h.history().view(h.id(), h.queueLimit(), sinceMs, h.time().nowMillis());
  }

  public static PipelineShape shape(PipelineHost h) {
    long[] windows = h.windowCounts();
    return PipelineShape.of(h.definition(), h.version(), h.inCount(), h.outCount(), h.lateCount(), h.errorCount(),
        windows[0], windows[1], sinks(h), h.sourcePartitions());
  }

  public static ItemErrorGroups.View errors(PipelineHost h) {
    return h.errorGroups().view(h.id());
  }

  /** Every pipeline's newest {@code seconds} samples (one a second) after {@code sinceMs}, by id. */
  public static Overview overview(Pipelines pipelines, long sinceMs, int seconds) {
    long nowMs = pipelines.time().nowMillis();
    List<Glance> out = new ArrayList<>();
    long until = Long.MAX_VALUE;
    for (PipelineHost h : pipelines.hosts()) {
      PipelineHistory.Recent r = h.history().recent(sinceMs, seconds, nowMs);
      until = Math.min(until, r.untilMs());
      out.add(new Glance(h.id(), h.queueLimit(), r.untilMs(), r.samples(), sinks(h), r.lastReload()));
    }
    out.sort(Comparator.comparing(Glance::pipeline));
    return new Overview(1, out.isEmpty() ? nowMs : until, out);
  }

  private static List<SinkHealth> sinks(PipelineHost h) {
    return SinkHealth.of(h.sinkCounts(), h.deliveries(), h.topics(), h.status());
  }
}
