package dev.transom.runtime;

import dev.transom.components.DeliveryQueue;
import dev.transom.components.RecordSink;
import dev.transom.components.SinkSet;
import dev.transom.state.Checkpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pipeline's at-least-once sinks that deliver from a queue ({@code webhook}), followed by name
 * ({@link SinkSet#queues()}) across reloads and restarts:
 * <ul>
 *   <li>a checkpoint stores what they have not delivered ({@link #collect}); it is called after
 *       every partition's cut, so a record emitted in between is both stored and produced again by
 *       the replay after that checkpoint: a duplicate, which at-least-once allows, never a loss;
 *   <li>recovery puts the stored records back at the front of the sink of the same name
 *       ({@link #restore}, then {@link #attach}), ahead of anything new;
 *   <li>a reload hands an old sink's queue to the new sink of the same name. A sink the reload
 *       removed keeps delivering what it holds in the background, but no checkpoint stores it any
 *       more; stored records whose sink is gone at a restart are dropped, and stderr says so.
 * </ul>
 * The other immediate sinks ({@code stdout}) are flushed before a checkpoint is stored.
 */
public final class Deliveries {
  /** One sink by name; outlives the sink objects a reload replaces, so its counts only grow. */
  static final class Track {
    final String sink;
    private volatile DeliveryQueue queue;
    private volatile long deliveredBefore;
    private volatile long failedBefore;

    private Track(String sink, DeliveryQueue queue) {
      this.sink = sink;
      this.queue = queue;
    }

    long pending() {
      return queue.backlog();
    }

    long delivered() {
      return deliveredBefore + queue.delivered();
    }

    long failedAttempts() {
      return failedBefore + queue.failedAttempts();
    }

    long limit() {
      return queue.backlogLimit();
    }

    String lastError() {
      return queue.lastError();
    }

    String kind() {
      return queue.kind();
    }
  }

  private final Map<String, Track> tracks = new LinkedHashMap<>();
  /** Records a checkpoint stored, by sink, until the sinks they belong to are attached. */
  private Map<String, List<byte[]>> restored = new LinkedHashMap<>();
  private volatile SinkSet sinks = SinkSet.none();

  /** The records {@code stored} with the checkpoint being recovered, for the next {@link #attach}. */
  synchronized void restore(List<Checkpoint.Delivery> stored) {
    for (Checkpoint.Delivery d : stored) {
      restored.computeIfAbsent(d.sink(), k -> new ArrayList<>()).addAll(d.records());
    }
  }

  /**
   * The immediate sinks of a version just opened, before anything is written to them: each queued
   * sink starts with what was restored for its name, then what its predecessor of that name had
   * not delivered.
   */
  synchronized void attach(String pipeline, SinkSet opened) {
    Map<String, Track> next = new LinkedHashMap<>();
    opened.queues().forEach((name, queue) -> {
      queue.logAs(pipeline);
      List<byte[]> first = new ArrayList<>();
      List<byte[]> stored = restored.remove(name);
      if (stored != null) {
        first.addAll(stored);
      }
      Track t = tracks.get(name);
      if (t == null) {
        t = new Track(name, queue);
      } else {
        DeliveryQueue old = t.queue;
        first.addAll(old.detach());
        t.deliveredBefore += old.delivered();
        t.failedBefore += old.failedAttempts();
        t.queue = queue;
      }
      queue.requeue(first);
      next.put(name, t);
    });
    restored.forEach((name, records) -> LifecycleLog.warn(LifecycleLog.SINK_FAILED, pipeline).addKeyValue("sink", name)
        .log("pipeline '{}': {} undelivered records of sink '{}' dropped: the definition no longer has that sink",
            pipeline, records.size(), name));
    restored = new LinkedHashMap<>();
    tracks.clear();
    tracks.putAll(next);
    sinks = opened;
  }

  /**
   * What a checkpoint stores of the immediate sinks: stdout is flushed (a failure fails the
   * checkpoint, which is tried again at the next epoch), and the queued sinks' undelivered records
   * are taken, the batches in flight included. Callable from any thread.
   */
  List<Checkpoint.Delivery> collect() throws IOException {
    sinks.flush();
    List<Checkpoint.Delivery> out = new ArrayList<>();
    for (Track t : tracks()) {
      List<byte[]> records = t.queue.undelivered();
      if (!records.isEmpty()) {
        out.add(new Checkpoint.Delivery(t.sink, records));
      }
    }
    return out;
  }

  /** Why the pipeline takes no input now (a sink's backlog is at its limit), or {@code null}. */
  String backpressure() {
    RecordSink full = sinks.backlogged();
    if (full == null) {
      return null;
    }
    return "its sink " + full.describe() + " has " + full.backlog() + " records waiting for delivery (limit "
        + full.backlogLimit() + ")";
  }

  synchronized List<Track> tracks() {
    return new ArrayList<>(tracks.values());
  }

  /** A queued sink as the API shows it; {@code lastError} is null while deliveries work. */
  public record Queue(String sink, long pending, long limit, long delivered, long failedAttempts, String lastError) {}

  /** The API's view: one entry per queued sink. */
  List<Queue> describe() {
    List<Queue> out = new ArrayList<>();
    for (Track t : tracks()) {
      out.add(new Queue(t.sink, t.pending(), t.limit(), t.delivered(), t.failedAttempts(), t.lastError()));
    }
    return out;
  }
}
