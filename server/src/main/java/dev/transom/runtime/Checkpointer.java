package dev.transom.runtime;

import dev.transom.state.Checkpoint;
import dev.transom.state.CheckpointStore;
import dev.transom.state.H2State;
import dev.transom.state.PartitionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one pipeline's checkpoints. A checkpoint is a barrier: its cuts are handed to every
 * partition at once, each taken after exactly the batches handed over before it, and the batches
 * after it go on while it is written. Writes follow one another in epoch order; each stores the
 * partitions' state, the ingest log entry and source position the cuts cover, the committed lengths
 * of the exactly-once files (whose records are written and synced first) and the h2 sinks' rows, in
 * one transaction (docs/durability.md).
 *
 * <p>A failed write loses nothing: its records are carried into the next epoch, and every
 * partition writes all of its state next time (the store missed the changes). A cut taken before
 * the failure ahead of it was known is stored only if it is full ({@link NotStored}).
 *
 * <p>A little over 300 lines because a write and its outcome (stored, stood though not synced,
 * failed for storage, failed otherwise) share the carry and the last-write facts; split, each
 * half would need the other's.
 */
final class Checkpointer {
  /** What a checkpoint needs of its pipeline beyond the cut itself. */
  interface Owner {
    /** Whether the pipeline has failed: then it stores nothing more (its last good checkpoint stays the last). */
    boolean failed();

    /** The pipeline's failure as the exception its callers get. */
    RuntimeException failedError();

    void fail(String reason, Throwable cause);

    PipelineHistory history();

    /** Its meters, or null while it has none. */
    PipelineMetrics metrics();
  }

  /**
   * One checkpoint to take: the partitions to cut, the log entry and source position every batch
   * handed over so far ends at, the files its records go to, and (for a reload or removal) the
   * definition it flushes, see {@link Checkpoint#flushDefinition()}.
   */
  record Request(Partition[] partitions, String pipeline, String fingerprint, CommittedFiles files,
      CommittedTopics topics, long seq, long sourcePosition, String sourceState, String flushDefinition) {}

  private final Vertx vertx;
  private final ServerTime time;
  /** See {@link #committedSourceState()}; read by a source's own thread. */
  private volatile String committedSourceState;
  /** The server's store, or null without one (then nothing is stored, the records are still written). */
  private final CheckpointStore state;
  private final Deliveries deliveries;
  private final SinkCounts sinkCounts;
  private final StorageHealth storage;
  private final Owner owner;

  /** Writes, one after the other in epoch order (their cuts were taken in that order). */
  private Future<Void> writes = Future.succeededFuture();
  private volatile boolean lastWriteFailed;
  private volatile long epoch;
  /** Files whose start is stored: records written to the others need their start stored first. */
  private volatile Set<String> committedMarks = Set.of();
  /** Records of cuts that were not stored: they go with the next checkpoint. */
  private final List<byte[]> carryOutputs = new ArrayList<>();
  private final List<byte[]> carryLate = new ArrayList<>();
  private final List<Checkpoint.TableRow> carryRows = new ArrayList<>();

  private final AtomicLong failures = new AtomicLong();
  private volatile String lastError;
  private volatile long lastMillis = -1;
  private volatile long lastBytes = -1;
  private volatile long lastSeq = -1;
  private volatile boolean lastFull;
  private volatile long lastSuccessEpochMillis = -1;

  Checkpointer(Vertx vertx, ServerTime time, CheckpointStore state, Deliveries deliveries, SinkCounts sinkCounts,
      StorageHealth storage, Owner owner) {
    this.vertx = vertx;
    this.time = time;
    this.state = state;
    this.deliveries = deliveries;
    this.sinkCounts = sinkCounts;
    this.storage = storage;
    this.owner = owner;
  }

  /** Resumes after {@code c}: its epoch, and the files whose start it stores. */
  void resumeFrom(Checkpoint c) {
    epoch = c.epoch();
    committedMarks = c.sinkMarks().keySet();
    committedSourceState = c.sourceState();
  }

  /** The source state of the last stored checkpoint (null: none, or a source without one). */
  String committedSourceState() {
    return committedSourceState;
  }

  /** The epoch of the last stored checkpoint (0 before the first). */
  long epoch() {
    return epoch;
  }

  /** Completes once every write begun so far has ended. */
  Future<Void> written() {
    return writes;
  }

  /** Records of cuts taken without a checkpoint (a swap's last ones): they go with the next one. */
  void carry(List<Partition.Cut> cuts) {
    synchronized (carryOutputs) {
      for (Partition.Cut c : cuts) {
        carryOutputs.addAll(c.outputs());
        carryLate.addAll(c.late());
        carryRows.addAll(c.rows());
      }
    }
  }

  /**
   * Takes the checkpoint: hands its cuts to the partitions now (the caller holds the chain, so they
   * come after exactly the batches handed over so far), and writes it after the one before it.
   * Fails when it was not stored; the next one tries again with what it held.
   */
  Future<Void> take(Request r) {
    if (owner.failed()) {
      return Future.failedFuture(owner.failedError()); // its last good checkpoint stays the last
    }
    long started = System.nanoTime();
    Partition[] ps = r.partitions();
    List<Future<Partition.Cut>> cuts = new ArrayList<>();
    for (Partition p : ps) {
      cuts.add(p.call(p::cut));
    }
    Future<Void> before = writes;
    // After the write before it, even when a cut failed: writes never run side by side.
    Future<Void> written = Future.all(cuts).transform(cutsTaken -> before.transform(ignored -> {
      if (cutsTaken.failed()) {
        return Future.<Void>failedFuture(cutsTaken.cause());
      }
      List<Partition.Cut> taken = cuts.stream().map(Future::result).toList();
      boolean allFull = taken.stream().allMatch(c -> c.state() == null || c.state().full());
      if (lastWriteFailed && !allFull) {
        // Cut before the failure was known, as changes since that failed one: it cannot be stored
        // (the store misses those changes); a cut that writes everything can.
        carry(taken);
        return Future.<Void>failedFuture(new NotStored());
      }
      return vertx.executeBlocking(() -> write(r, taken), true);
    })).<Void>mapEmpty().transform(result -> finished(result, ps, started));
    writes = written.transform(ignored -> Future.succeededFuture());
    return written;
  }

  /** Writes the records and stores the checkpoint (a worker thread). */
  private Void write(Request r, List<Partition.Cut> taken) throws Exception {
    int[] topicsStaged = {0, 0}; // what this write staged with the kafka sinks, to take back if it fails
    List<PartitionState> states = new ArrayList<>();
    List<byte[]> outs = new ArrayList<>();
    List<byte[]> lates = new ArrayList<>();
    List<Checkpoint.TableRow> rows = new ArrayList<>();
    synchronized (carryOutputs) {
      outs.addAll(carryOutputs);
      lates.addAll(carryLate);
      rows.addAll(carryRows);
      carryOutputs.clear();
      carryLate.clear();
      carryRows.clear();
    }
    boolean usable = true;
    for (Partition.Cut c : taken) {
      usable &= c.state() != null;
      states.add(c.state());
      outs.addAll(c.outputs());
      lates.addAll(c.late());
      rows.addAll(c.rows());
    }
    long stateBytes = states.stream().mapToLong(b -> b == null ? 0 : b.bytes()).sum();
    boolean full = states.stream().anyMatch(b -> b != null && b.full());
    CommittedFiles files = r.files();
    try {
      if (owner.failed()) {
        throw owner.failedError(); // failed while the cuts were taken: store nothing of it
      }
      if (state != null && (!outs.isEmpty() || !lates.isEmpty())) {
        Map<String, Long> starts = files.uncommitted(committedMarks);
        if (!starts.isEmpty()) {
          state.saveSinkStarts(r.pipeline(), starts).join(); // durable before the first records
          Faults.at("checkpoint-after-sink-starts");
        }
      }
      // staged before what is owed is collected: the checkpoint stores this epoch's kafka records too
      r.topics().stage(epoch + 1, outs, lates);
      topicsStaged[0] = outs.size();
      topicsStaged[1] = lates.size();
      List<Checkpoint.Delivery> queued = new ArrayList<>(deliveries.collect()); // after every cut: see Deliveries
      queued.addAll(r.topics().owed());
      Map<String, Long> marks = files.write(outs, lates);
      if (!outs.isEmpty() || !lates.isEmpty()) {
        Faults.at("checkpoint-after-records");
      }
      if (state != null && usable) {
        try {
          state.save(new Checkpoint(r.pipeline(), epoch + 1, r.fingerprint(), states, r.seq(), r.sourcePosition(), marks,
              rows, r.flushDefinition(), queued, r.sourceState())).join();
        } catch (RuntimeException e) {
          if (unwrap(e) instanceof H2State.CommittedNotSynced) {
            // It stands: count it, keep its records where they are, and report the failure so
            // storage is retried; the next checkpoint's sync covers this one too.
            epoch++;
            committedMarks = Set.copyOf(marks.keySet());
            r.topics().released(epoch);
            sinkCounts.committed(outs.size(), lates.size(), rows);
            throw new Stood(unwrap(e));
          }
          files.undoLastWrite();
          throw e;
        }
        if (r.seq() > Math.max(lastSeq, 0) || !outs.isEmpty() || !lates.isEmpty()) {
          Faults.at("checkpoint-after-commit"); // a checkpoint that stores something new
        }
        PipelineHost.trace(r.pipeline(), "checkpoint epoch=" + (epoch + 1) + " seq=" + r.seq() + " outputs="
            + outs.size() + " late=" + lates.size() + " marks=" + marks);
        epoch++;
        committedMarks = Set.copyOf(marks.keySet());
        committedSourceState = r.sourceState();
        r.topics().released(epoch); // stored: its kafka records may be committed now
      }
      // (not stored: its kafka records stay staged for this epoch number, which the next stored one takes)
      lastBytes = stateBytes;
      lastFull = full;
      lastSeq = r.seq();
      sinkCounts.committed(outs.size(), lates.size(), rows);
      return null;
    } catch (Stood e) {
      throw e; // committed: its records are stored, nothing to carry
    } catch (Exception e) {
      // Nothing is lost: the records wait for the next epoch, which tries again.
      r.topics().unstage(epoch + 1, topicsStaged[0], topicsStaged[1]);
      synchronized (carryOutputs) {
        carryOutputs.addAll(0, outs);
        carryLate.addAll(0, lates);
        carryRows.addAll(0, rows);
      }
      throw e;
    }
  }

  /** After a write, stored or not: the health, history and meters it changes. */
  private Future<Void> finished(io.vertx.core.AsyncResult<Void> r, Partition[] ps, long started) {
    lastWriteFailed = r.failed();
    if (r.succeeded()) {
      lastError = null;
      storage.checkpointSucceeded();
      lastMillis = (System.nanoTime() - started) / 1_000_000;
      lastSuccessEpochMillis = time.nowMillis();
      owner.history().checkpointStored(lastSuccessEpochMillis, epoch, System.nanoTime() - started, lastBytes, lastFull);
      PipelineMetrics m = owner.metrics();
      if (m != null) {
        m.checkpointDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      }
      return Future.succeededFuture();
    }
    failures.incrementAndGet();
    for (Partition p : ps) {
      p.call(() -> {
        p.requireFullCut(); // the store missed these changes: write everything next time
        return null;
      });
    }
    Throwable cause = unwrap(r.cause());
    if (cause instanceof NotStored) {
      return Future.failedFuture(cause); // the failure before it is reported already
    }
    owner.history().checkpointFailed(time.nowMillis(), epoch + 1, System.nanoTime() - started,
        StorageHealth.isStorageFailure(cause) ? StorageHealth.reason(cause) : PipelineHost.oneLine(cause));
    if (owner.failed() || cause instanceof PipelineHost.Failed) {
      return Future.failedFuture(owner.failedError());
    }
    if (!StorageHealth.isStorageFailure(cause)) {
      // Not the disk: pausing to retry would retry forever. The pipeline fails, reporting it.
      owner.fail("checkpoint of epoch " + (epoch + 1) + " failed: " + PipelineHost.oneLine(cause), cause);
      return Future.failedFuture(owner.failedError());
    }
    lastError = "checkpoint of epoch " + (epoch + 1) + " failed, retrying: " + StorageHealth.reason(cause);
    storage.checkpointFailed(epoch + 1, cause);
    return Future.failedFuture(r.cause());
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
  }

  /** Why the last checkpoint failed while storage is retried, or null. */
  String lastError() {
    return lastError;
  }

  long failures() {
    return failures.get();
  }

  /** Seconds since the epoch of the last stored checkpoint; NaN before the first. */
  double lastSuccessSeconds() {
    long t = lastSuccessEpochMillis;
    return t < 0 ? Double.NaN : t / 1e3;
  }

  /** The last stored checkpoint: how long it took, the state bytes it wrote, the log entry it covers; null before one. */
  long[] last() {
    return lastMillis < 0 ? null : new long[] {lastMillis, lastBytes, lastSeq};
  }

  /** A checkpoint cut before the failure of the one before it was known: not stored, and not a failure of its own. */
  static final class NotStored extends RuntimeException {
    NotStored() {
      super("not stored: the checkpoint before it failed", null, false, false);
    }
  }

  /** Committed but not synced: it counts (its records stay), and storage is retried. */
  private static final class Stood extends RuntimeException {
    Stood(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
