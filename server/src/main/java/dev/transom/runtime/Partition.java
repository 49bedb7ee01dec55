package dev.transom.runtime;

import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.engine.Batch;
import dev.transom.engine.Shard;
import dev.transom.windowing.Micros;
import dev.transom.windowing.OperatorSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The keys of one pipeline that hash to one slot, owned by one event-loop context: its window
 * state is touched only there, without locks. Sets a timer for the core's next wake-up so windows
 * close on time without input.
 *
 * <p>Why it is longer than most: its state (the shard, staged records, the wake-up timer, the
 * failure and busy marks the watchdog reads) is confined to its context, and every task on it
 * (a batch, a wake-up, a cut, a hand-over, an install) reads and moves that state together; the
 * window logic itself is the engine's {@link Shard}.
 */
final class Partition {
  private final Vertx vertx;
  private final Context context;
  private final Runnable afterWork;
  private final Owner host;
  /** Records for the exactly-once file sinks, produced since the last checkpoint cut. */
  private List<byte[]> stagedOutputs = new java.util.ArrayList<>();
  private List<byte[]> stagedLate = new java.util.ArrayList<>();
  private boolean stageOutputs;
  private boolean stageLate;
  /** Rows for the h2 sinks' tables, produced since the last cut. */
  private List<dev.transom.state.Checkpoint.TableRow> stagedRows = new java.util.ArrayList<>();
  private List<String> outputTables = List.of();
  private String lateTable;
  private Shard shard;
  /** {@link #shard}'s execution (its counters, operator and snapshots). */
  private PipelineExecution exec;
  private volatile long timerId = -1;
  private long timerDueMicros = Micros.POS_INFINITY;
  private volatile int openWindows;
  /** The execution's counts of items into the windows and windows closed, as of its last task. */
  private volatile long windowedItems;
  private volatile long closedWindows;
  /** Estimated heap held: window state plus records staged for the next cut ({@link StateEstimate}). */
  private volatile long stateBytes;
  /** Bytes of the records staged since the last cut (on the context). */
  private long stagedBytes;
  private volatile long watermarkMicros = Micros.NEG_INFINITY;
  private volatile long lagAtAdvanceMicros;
  /** What broke this partition (any {@link Throwable}, an {@link Error} too); null while it works. */
  private volatile Throwable failure;
  /**
   * When the task running on the context now began ({@link System#nanoTime()}), or {@link #IDLE}:
   * the watchdog's only input, so watching costs two volatile writes per task.
   */
  private volatile long busySinceNanos = IDLE;
  private volatile String busyWith;
  static final long IDLE = Long.MIN_VALUE;
  /** Whether the armed test fault (see {@link Faults}) is for this pipeline: fixed at install. */
  private boolean faultArmed;
  /** The plan the installed execution runs (a preview's copy runs it too). */
  private Plan plan;
  /** How soon a wake-up held back by input on its way tries again (input closes windows meanwhile). */
  private static final long RETRY_WAKEUP_MILLIS = 5;

  /**
   * The pipeline a partition works for: where its outputs, late items and item errors go (from the
   * partition's context), the time its wake-ups use, and who hears that it broke.
   */
  interface Owner extends Outputs {
    /** This partition broke (see {@link #failed}): the pipeline fails. */
    void partitionFailed(Throwable e, String during);

    ServerTime time();

    /** The latest time a wake-up may close windows at (see {@link PipelineHost#wakeupMicros}). */
    long wakeupMicros();
  }

  /** @param afterWork runs on the context after each batch or wake-up (sink flushes) */
  Partition(Vertx vertx, Owner host, Runnable afterWork) {
    this.vertx = vertx;
    this.context = PipelineHost.newContext(vertx);
    this.host = host;
    this.afterWork = afterWork;
  }

  /** What this partition emits: staged for exactly-once files, passed on at once for everything else. */
  private final Outputs outputs = new Outputs() {
    @Override
    public void output(java.util.Map<String, Object> record) {
      if (stageOutputs) {
        stageLine(stagedOutputs, record);
      }
      for (String table : outputTables) {
        stageRow(table, record);
      }
      host.output(record);
    }

    @Override
    public void late(java.util.Map<String, Object> record) {
      if (stageLate) {
        stageLine(stagedLate, record);
      }
      if (lateTable != null) {
        stageRow(lateTable, record);
      }
      host.late(record);
    }

    @Override
    public void error(dev.transom.compile.ItemError error) {
      host.error(error);
    }

    @Override
    public void beforeThen(java.util.Map<String, Object> record) {
      host.beforeThen(record);
    }
  };

  /** Stages a record for an exactly-once file sink, counted in the memory estimate. */
  private void stageLine(List<byte[]> staged, java.util.Map<String, Object> record) {
    byte[] l = line(record);
    staged.add(l);
    stagedBytes += l.length;
  }

  /** Stages the row an h2 sink's table gets for a record, counted in the memory estimate. */
  private void stageRow(String table, java.util.Map<String, Object> record) {
    stagedRows.add(dev.transom.state.SinkTables.row(table, record));
    stagedBytes += StateEstimate.TABLE_ROW_BYTES;
  }

  private static byte[] line(java.util.Map<String, Object> record) {
    byte[] json = dev.transom.io.JsonValues.toJsonBytes(record);
    byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  /** A checkpoint cut (on the context): the state and the staged records that belong with it. */
  record Cut(dev.transom.state.PartitionState state, List<byte[]> outputs, List<byte[]> late,
      List<dev.transom.state.Checkpoint.TableRow> rows) {}

  /** Whether the next cut must write every bucket (the store does not hold this state yet). */
  private boolean fullNext = true;
  private final dev.transom.state.BucketCut cuts = new dev.transom.state.BucketCut();

  /** What a swap takes from an old partition: its state (when kept) and its last cut. */
  record HandOver(OperatorSnapshot snapshot, Cut cut) {}

  /**
   * Snapshot (if {@code snapshot}), cut and close in one task, so no wake-up can run in between
   * (on the context).
   */
  HandOver handOver(boolean snapshot) {
    OperatorSnapshot snap = snapshot ? fullSnapshot() : null;
    Cut c = cut();
    close();
    return new HandOver(snap, c);
  }

  Cut cut() {
    dev.transom.state.PartitionState state = exec == null || failure != null ? null : changedState();
    Cut c = new Cut(state, stagedOutputs, stagedLate, stagedRows);
    stagedOutputs = new java.util.ArrayList<>();
    stagedLate = new java.util.ArrayList<>();
    stagedRows = new java.util.ArrayList<>();
    stagedBytes = 0;
    estimate();
    return c;
  }

  /**
   * Runs {@code action} on the context. An exception fails the future only (its caller decides);
   * an {@link Error} also fails the pipeline: nothing after it can trust this partition's state.
   */
  <T> Future<T> call(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      busy("a task");
      try {
        promise.complete(action.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      } catch (Throwable e) { // NOPMD: an Error of one pipeline is that pipeline's failure, not the server's
        fail(e, "a task");
        promise.fail(e);
      } finally {
        idle();
      }
    });
    return promise.future();
  }

  /** Marks the context busy with {@code what}, unless a longer task (that called this one) already is. */
  private void busy(String what) {
    if (busySinceNanos == IDLE) {
      busyWith = what;
      busySinceNanos = System.nanoTime();
    } else if ("a task".equals(busyWith)) {
      busyWith = what; // the wrapper's task is this one: say what it does
    }
  }

  private void idle() {
    busySinceNanos = IDLE;
  }

  /** Since when the current task runs ({@link System#nanoTime()}), or {@link #IDLE}. */
  long busySinceNanos() {
    return busySinceNanos;
  }

  /** What the current task does, for the watchdog's message. */
  String busyWith() {
    return busyWith;
  }

  /**
   * The buckets holding a key that changed since the last cut, encoded with all their keys (or
   * every bucket, when the store does not hold this state yet). Unchanged buckets are not rewritten.
   */
  private dev.transom.state.PartitionState changedState() {
    var op = exec.operator();
    boolean full = fullNext;
    fullNext = false;
    return cuts.cut(op, op.drainChangedKeys(), full);
  }

  void requireFullCut() {
    fullNext = true;
  }

  /** The whole state, for a reload that keeps the windows. */
  OperatorSnapshot fullSnapshot() {
    return exec == null || failure != null ? null : exec.snapshot();
  }

  /** Starts a new execution of {@code plan}, continuing from {@code kept} if given (on the context). */
  /** @param keptIsStored {@code kept} came from the store as it is: the next cut may be incremental */
  void install(Plan plan, OperatorSnapshot kept, boolean keptIsStored, boolean stageOutputs, boolean stageLate,
      List<String> outputTables, String lateTable) {
    this.fullNext = !keptIsStored;
    this.plan = plan;
    this.stageOutputs = stageOutputs;
    this.stageLate = stageLate;
    this.outputTables = outputTables;
    this.lateTable = lateTable;
    shard = new Shard(plan, outputs, bad -> host.error(Ingest.badLineError(bad)));
    exec = shard.execution();
    faultArmed = Faults.armedFor(plan.definition().id());
    exec.operator().trackChanges();
    if (kept != null) {
      exec.restore(kept);
    }
    failure = null;
    reschedule();
  }

  Throwable failure() {
    return failure;
  }

  PipelineExecution execution() {
    return exec;
  }

  /** Processes a batch at its arrival time (the same when it is replayed). */
  void process(Batch batch) {
    if (exec == null || failure != null) {
      return;
    }
    busy("processing a batch");
    try {
      shard.process(batch, faultArmed ? Faults::onItem : null);
      afterWork.run();
      reschedule();
    } catch (Throwable e) { // NOPMD: see call()
      fail(e, "processing a batch");
    }
  }

  /** End of a finite source, or a flush before a windowing change or stop: every window closes. */
  void finish() {
    if (exec != null && failure == null) {
      busy("closing every window");
      try {
        shard.finish(0);
        afterWork.run();
      } catch (Throwable e) { // NOPMD: see call()
        fail(e, "closing every window");
      }
    }
    reschedule();
  }

  /** What a flush would do now: the windows it would close (at most {@code maxWindows} listed) and what they would emit. */
  record FlushPreview(List<Map<String, Object>> windows, int windowCount, List<Map<String, Object>> outputs,
      int outputCount) {}

  /**
   * A flush of a copy of this partition's state (through the checkpoint codec, so nothing is shared
   * with the live state): the open windows, and what the running version's {@code then} makes of
   * them once closed. The live pipeline is untouched.
   */
  FlushPreview previewFlush(int maxWindows) {
    if (exec == null || failure != null) {
      return new FlushPreview(List.of(), 0, List.of(), 0);
    }
    busy("previewing a flush");
    try {
      List<Map<String, Object>> windows = new ArrayList<>();
      var op = exec.operator();
      op.forEachOpenWindow((k, w) -> {
        if (windows.size() < maxWindows) {
          windows.add(dev.transom.compile.OpenWindowRow.of(k, w));
        }
      });
      OperatorSnapshot copy = dev.transom.state.SnapshotCodec.decode(dev.transom.state.SnapshotCodec.encode(exec.snapshot()));
      List<Map<String, Object>> emitted = new ArrayList<>();
      int[] total = {0};
      Shard flushed = new Shard(plan, new dev.transom.compile.Outputs() {
        @Override
        public void output(Map<String, Object> record) {
          if (total[0]++ < maxWindows) { // counted past the list's end, not kept
            emitted.add(record);
          }
        }

        @Override
        public void late(Map<String, Object> record) {}

        @Override
        public void error(dev.transom.compile.ItemError error) {}
      }, bad -> {});
      flushed.execution().restore(copy);
      flushed.finish(0);
      return new FlushPreview(windows, op.openWindowCount(), emitted, total[0]);
    } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
      throw new IllegalStateException("a copy of the state did not read back: " + e.getMessage(), e);
    } finally {
      idle();
    }
  }

  /** Closes the open windows of {@code key} ({@code null}: every key) now; how many closed. */
  int closeNow(String key, long nowMicros) {
    int closed = 0;
    if (exec != null && failure == null) {
      // judged here, on the version that runs now (a reload may have come first): a refusal fails the request only
      String refusal = exec.operator().closeRefusal(key != null);
      if (refusal != null) {
        throw new PipelineHost.Refused(refusal);
      }
      busy("closing windows on request");
      try {
        closed = shard.closeNow(key, nowMicros);
        afterWork.run();
      } catch (Throwable e) { // NOPMD: see call()
        fail(e, "closing windows on request");
      }
    }
    reschedule();
    return closed;
  }

  OperatorSnapshot snapshot() {
    return exec == null || failure != null ? null : exec.snapshot();
  }

  void close() {
    cancelTimer();
    shard = null;
    exec = null;
    stateBytes = 0;
  }

  /** This partition is broken: it takes no more work, and its pipeline fails (see PipelineHost#fail). */
  private void fail(Throwable e, String during) {
    if (failure == null) {
      failure = e;
    }
    cancelTimer();
    host.partitionFailed(e, during);
  }

  /** Stops the wake-ups of a pipeline that failed elsewhere (any thread: timers are the Vert.x instance's). */
  void release() {
    if (failure == null) {
      failure = new IllegalStateException("the pipeline failed");
    }
    long t = timerId;
    if (t >= 0) {
      host.time().timers().cancel(t);
    }
  }

  int openWindows() {
    return openWindows;
  }

  long windowedItems() {
    return windowedItems;
  }

  long closedWindows() {
    return closedWindows;
  }

  long stateBytes() {
    return stateBytes;
  }

  private void estimate() {
    if (exec == null) {
      stateBytes = stagedBytes;
      return;
    }
    var op = exec.operator();
    stateBytes = StateEstimate.windowState(op.keyCount(), op.keyChars(), op.openWindowCount()) + stagedBytes;
  }

  long watermarkMicros() {
    return watermarkMicros;
  }

  /** System time minus the watermark, taken when the watermark last moved. */
  long lagAtAdvanceMicros() {
    return lagAtAdvanceMicros;
  }

  private void reschedule() {
    if (exec == null) {
      return;
    }
    openWindows = exec.operator().openWindowCount();
    windowedItems = exec.windowedCount();
    closedWindows = exec.closedCount();
    estimate();
    long seen = host.time().nowMicros();
    long wm = exec.operator().pipelineWatermark(seen);
    if (wm != watermarkMicros) {
      lagAtAdvanceMicros = seen - wm; // first: a reader that sees the new watermark sees its lag
      watermarkMicros = wm;
    }
    long due = exec.nextWakeMicros();
    if (due == timerDueMicros && timerId >= 0) {
      return;
    }
    cancelTimer();
    if (due == Micros.POS_INFINITY || failure != null) {
      return;
    }
    long delayMillis = Math.max(1, (due - host.time().nowMicros() + 999) / 1_000);
    timerDueMicros = due;
    timerId = host.time().timers().once(delayMillis, () -> {
      timerId = -1;
      timerDueMicros = Micros.POS_INFINITY;
      if (exec != null && failure == null) {
        busy("a wake-up closing windows");
        try {
          // Never past a batch still to be processed: that would change what it does (ArrivalClock).
          long now = host.wakeupMicros();
          if (now >= due) {
            shard.advance(now);
            afterWork.run();
            reschedule();
          } else {
            retryWakeup();
          }
        } catch (Throwable e) { // NOPMD: see call()
          fail(e, "a wake-up closing windows");
        } finally {
          idle();
        }
      }
    });
  }

  /** The wake-up came while earlier input was still on its way; it tries again shortly. */
  private void retryWakeup() {
    timerDueMicros = exec.nextWakeMicros();
    timerId = host.time().timers().once(RETRY_WAKEUP_MILLIS, () -> {
      timerId = -1;
      timerDueMicros = Micros.POS_INFINITY;
      reschedule();
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      host.time().timers().cancel(timerId);
      timerId = -1;
      timerDueMicros = Micros.POS_INFINITY;
    }
  }
}
