package dev.transom.runtime;

import dev.transom.definition.DefinitionParts;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's recent past, for a dashboard that opens onto the last minutes and not only onto what
 * comes after: one sample a second of the counters it keeps anyway (taken by {@link HistorySampler},
 * so no event pays for it), its last checkpoints and its last deployments, reloads and refused
 * edits. All in memory and bounded; a restart starts it again.
 *
 * <p>Samples hold what happened during their second (events in, outputs, late, item errors) and
 * what was there at its end (queued events, open windows, watermark lag, memory, webhook backlog),
 * so a reader never has to difference counters that restart when a failed version is replaced.
 */
public final class PipelineHistory {
  /** Fifteen minutes at one sample a second. */
  public static final int SAMPLES = 900;
  static final int CHECKPOINTS = 100;
  static final int RELOADS = 50;
  /** What a sample stores for "no checkpoint ended in this second". */
  private static final int NO_CHECKPOINT = -1;

  /** The counters as they are at a sample's time (totals since the pipeline's host started). */
  record Reading(long in, long out, long late, long errors, long pending, int openWindows, double lagSeconds,
      long heldBytes, long deliveriesPending) {}

  /**
   * Samples, oldest first, as columns (one list per measure, the same length): compact to send and
   * what a chart library draws from. {@code lagSeconds} holds {@code null} where there was no lag;
   * {@code checkpointMs} where no checkpoint ended in that second.
   */
  public record Samples(List<Long> timeMs, List<Long> in, List<Long> out, List<Long> late, List<Long> errors,
      List<Long> pending, List<Long> openWindows, List<Double> lagSeconds, List<Long> heldBytes,
      List<Long> deliveriesPending, List<Long> checkpointMs) {}

  /** One checkpoint: stored (with how much state it wrote, all of it or the changed part) or failed and why. */
  public record CheckpointEntry(long epoch, Instant time, long durationMs, String outcome, Long stateBytes,
      Boolean full, String error) {}

  /**
   * One deployment ({@code deployed}), reload ({@code kept} or {@code flushed} its open windows),
   * refused edit ({@code rejected}) or close on request ({@code closed}): the version running after
   * it, the parts of the definition that changed, how many windows were open, and the problems of a
   * refused edit.
   */
  public record ReloadEntry(Instant time, String outcome, int version, List<String> changed, int openWindows,
      List<String> problems, String detail) {}

  /**
   * The history after a time, as {@code GET /api/pipelines/{id}/history} answers it. {@code untilMs}:
   * everything stamped up to then is in it, anything added later is stamped after it, so it is the
   * {@code since} of the next question.
   */
  public record View(String pipeline, int intervalSeconds, int capacity, long queueCapacity, long untilMs,
      Samples samples, List<CheckpointEntry> checkpoints, List<ReloadEntry> reloads) {}

  private final long[] timeMs = new long[SAMPLES];
  private final int[] in = new int[SAMPLES];
  private final int[] out = new int[SAMPLES];
  private final int[] late = new int[SAMPLES];
  private final int[] errors = new int[SAMPLES];
  private final int[] pending = new int[SAMPLES];
  private final int[] openWindows = new int[SAMPLES];
  private final float[] lagSeconds = new float[SAMPLES];
  private final long[] heldBytes = new long[SAMPLES];
  private final int[] deliveriesPending = new int[SAMPLES];
  private final int[] checkpointMs = new int[SAMPLES];
  /** Index of the next sample to write; {@link #count} samples end just before it. */
  private int next;
  private int count;
  /** The totals of the previous sample, from which the next one's deltas are taken. */
  private Reading last = new Reading(0, 0, 0, 0, 0, 0, Double.NaN, 0, 0);
  /** The longest checkpoint that ended since the last sample, or {@link #NO_CHECKPOINT}. */
  private int checkpointSinceSample = NO_CHECKPOINT;
  private final ArrayDeque<CheckpointEntry> checkpoints = new ArrayDeque<>();
  private final ArrayDeque<ReloadEntry> reloads = new ArrayDeque<>();
  /** The latest stamp given or promised (a view's {@code untilMs}): every next one is later. */
  private long lastStampMs;

  /** Takes the sample of the second ending at {@code nowMs}. */
  synchronized void sample(long nowMs, Reading r) {
    timeMs[next] = stamp(nowMs);
    in[next] = delta(r.in(), last.in());
    out[next] = delta(r.out(), last.out());
    late[next] = delta(r.late(), last.late());
    errors[next] = delta(r.errors(), last.errors());
    pending[next] = clamp(r.pending());
    openWindows[next] = r.openWindows();
    lagSeconds[next] = (float) r.lagSeconds();
    heldBytes[next] = r.heldBytes();
    deliveriesPending[next] = clamp(r.deliveriesPending());
    checkpointMs[next] = checkpointSinceSample;
    checkpointSinceSample = NO_CHECKPOINT;
    last = r;
    next = (next + 1) % SAMPLES;
    count = Math.min(SAMPLES, count + 1);
  }

  private long stamp(long nowMs) {
    lastStampMs = Math.max(nowMs, lastStampMs + 1);
    return lastStampMs;
  }

  private Instant stampAt(long nowMs) {
    return Instant.ofEpochMilli(stamp(nowMs));
  }

  /** A total that went down started again (a replaced host): all of it is new. */
  private static int delta(long now, long before) {
    return clamp(now >= before ? now - before : now);
  }

  private static int clamp(long n) {
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
  }

  // Entries are stamped with the time their caller read from the server's clock (epoch ms).

  synchronized void checkpointStored(long nowMs, long epoch, long nanos, long stateBytes, boolean full) {
    long ms = nanos / 1_000_000;
    checkpointSinceSample = Math.max(checkpointSinceSample, clamp(ms));
    add(checkpoints, new CheckpointEntry(epoch, stampAt(nowMs), ms, "stored", stateBytes, full, null), CHECKPOINTS);
  }

  synchronized void checkpointFailed(long nowMs, long epoch, long nanos, String why) {
    add(checkpoints, new CheckpointEntry(epoch, stampAt(nowMs), nanos / 1_000_000, "failed", null, null, why), CHECKPOINTS);
  }

  /** A first deployment (or the replacement of a failed version), with what it recovered in words. */
  synchronized void deployed(long nowMs, int version, String recovery, int windows) {
    add(reloads, new ReloadEntry(stampAt(nowMs), "deployed", version, List.of(), windows, List.of(),
        recovery == null ? "no checkpoint: started empty" : recovery), RELOADS);
  }

  /** A new version from {@code before}: its windows kept, or flushed because the windowing changed. */
  synchronized void reloaded(long nowMs, PipelineDef before, PipelineDef after, int version, boolean kept, int windows) {
    add(reloads, new ReloadEntry(stampAt(nowMs), kept ? "kept" : "flushed", version,
        DefinitionParts.changed(before.text(), after.text()), windows, List.of(), null), RELOADS);
  }

  /** Open windows closed on request: of {@code key}, or of every key when it is null. */
  synchronized void closed(long nowMs, int version, String key, int closed, int windows) {
    add(reloads, new ReloadEntry(stampAt(nowMs), "closed", version, List.of(), windows, List.of(),
        closed + " window(s) closed on request" + (key == null ? ", of every key" : ", of key '" + key + "'")), RELOADS);
  }

  /** An edit refused as invalid; {@code version} keeps running. */
  synchronized void rejected(long nowMs, int version, List<Problem> problems, int windows) {
    add(reloads, new ReloadEntry(stampAt(nowMs), "rejected", version, List.of(), windows,
        problems.stream().map(Problem::format).toList(), null), RELOADS);
  }

  private static <T> void add(ArrayDeque<T> ring, T entry, int limit) {
    ring.addLast(entry);
    if (ring.size() > limit) {
      ring.removeFirst();
    }
  }

  /** The newest {@code last} samples after {@code sinceMs}, all those up to {@code untilMs}, and the newest reload entry. */
  record Recent(long untilMs, Samples samples, ReloadEntry lastReload) {}

  synchronized Recent recent(long sinceMs, int last, long nowMs) {
    return new Recent(until(nowMs), samples(sinceMs, last), reloads.peekLast());
  }

  /**
   * The samples taken after {@code sinceMs}, at most the newest {@code last} of them (one a second):
   * {@code since} lets a page that has the rest ask for what is new.
   */
  synchronized Samples samples(long sinceMs, int last) {
    int newest = Math.min(count, Math.max(0, last));
    int first = (next - newest + SAMPLES) % SAMPLES;
    List<Long> t = new ArrayList<>();
    List<Long> i = new ArrayList<>();
    List<Long> o = new ArrayList<>();
    List<Long> l = new ArrayList<>();
    List<Long> e = new ArrayList<>();
    List<Long> p = new ArrayList<>();
    List<Long> w = new ArrayList<>();
    List<Double> lag = new ArrayList<>();
    List<Long> held = new ArrayList<>();
    List<Long> d = new ArrayList<>();
    List<Long> cp = new ArrayList<>();
    for (int k = 0; k < newest; k++) {
      int at = (first + k) % SAMPLES;
      if (timeMs[at] <= sinceMs) {
        continue;
      }
      t.add(timeMs[at]);
      i.add((long) in[at]);
      o.add((long) out[at]);
      l.add((long) late[at]);
      e.add((long) errors[at]);
      p.add((long) pending[at]);
      w.add((long) openWindows[at]);
      // to the millisecond: a float's own digits beyond it are noise
      lag.add(Float.isNaN(lagSeconds[at]) ? null : Math.round(lagSeconds[at] * 1000.0) / 1000.0);
      held.add(heldBytes[at]);
      d.add((long) deliveriesPending[at]);
      cp.add(checkpointMs[at] == NO_CHECKPOINT ? null : (long) checkpointMs[at]);
    }
    return new Samples(t, i, o, l, e, p, w, lag, held, d, cp);
  }

  /** The {@code untilMs} of a view taken at {@code nowMs}: no later stamp can be at or before it. */
  synchronized long until(long nowMs) {
    lastStampMs = Math.max(nowMs, lastStampMs);
    return lastStampMs;
  }

  public synchronized View view(String pipeline, long queueCapacity, long sinceMs, long nowMs) {
    Instant since = Instant.ofEpochMilli(sinceMs);
    return new View(pipeline, 1, SAMPLES, queueCapacity, until(nowMs), samples(sinceMs, SAMPLES),
        checkpoints.stream().filter(c -> c.time().isAfter(since)).toList(),
        reloads.stream().filter(r -> r.time().isAfter(since)).toList());
  }
}
