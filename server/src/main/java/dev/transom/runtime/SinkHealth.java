package dev.transom.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Each sink of a pipeline's running version and how it is doing, for the dashboard: the records it
 * took (file and h2 at the checkpoint that stores them, stdout as written, webhook once delivered),
 * and for webhooks what waits, the failed attempts and the last error. Read from the counts the
 * pipeline keeps for its metrics.
 *
 * @param role {@code output} or {@code late}
 * @param pending records waiting for delivery (webhooks); {@code null} for sinks written directly
 * @param health {@code ok}; {@code retrying} (a webhook whose last request failed, with records
 *     waiting); {@code full} (its backlog is at its limit: the pipeline takes no input until it
 *     drains); {@code paused} (file and h2 sinks while the pipeline's storage fails)
 * @param transactions an exactly-once kafka sink's transactions; {@code null} for the others
 */
public record SinkHealth(String name, String kind, String role, long records, Long pending, Long limit,
    Long failedAttempts, String lastError, String health, Transactions transactions) {

  /**
   * @param committed Kafka transactions committed (one per checkpoint that had records)
   * @param aborted transactions aborted (a failed commit; its records are sent again)
   * @param pendingEpochs stored checkpoints whose records Kafka does not have yet
   */
  public record Transactions(long committed, long aborted, long pendingEpochs) {}

  static List<SinkHealth> of(SinkCounts counts, Deliveries deliveries, CommittedTopics topics, String status) {
    List<SinkHealth> out = new ArrayList<>();
    List<SinkHealth> late = new ArrayList<>();
    for (SinkCounts.Sink s : counts.current()) {
      // written with the checkpoints, so waiting while storage fails
      boolean stored = s.guarantee() == dev.transom.components.Guarantee.EXACTLY_ONCE;
      String health = stored && status.equals("paused") ? "paused" : "ok";
      Transactions txns = null;
      for (dev.transom.components.KafkaTransactions t : topics.sinks()) {
        if (s.config() instanceof dev.transom.components.KafkaSink.Config c && t.config().topic().equals(c.topic())
            && t.config().bootstrap().equals(c.bootstrap())) {
          txns = new Transactions(t.commits(), t.aborts(), t.pendingEpochs());
        }
      }
      SinkHealth h = new SinkHealth(s.name(), s.kind(), roleOf(s.name()), s.records().get(), null, null, null, null,
          health, txns);
      (h.role().equals("late") ? late : out).add(h);
    }
    for (Deliveries.Track t : deliveries.tracks()) { // the queued ones: webhooks and at-least-once kafka sinks
      long pending = t.pending();
      String error = t.lastError();
      String health = pending >= t.limit() ? "full" : error != null && pending > 0 ? "retrying" : "ok";
      SinkHealth h = new SinkHealth(t.sink, t.kind(), roleOf(t.sink), t.delivered(), pending, t.limit(),
          t.failedAttempts(), error, health, null);
      (h.role().equals("late") ? late : out).add(h);
    }
    out.addAll(late);
    return out;
  }

  /** Both {@link SinkCounts} and {@link Deliveries} name the late sink {@code late ...}. */
  private static String roleOf(String name) {
    return name.startsWith("late ") ? "late" : "output";
  }
}
