package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.components.ComponentSpecs;
import dev.transom.components.Guarantee;
import dev.transom.components.H2Sink;
import dev.transom.engine.Batch;
import dev.transom.engine.LineDecoder;
import dev.transom.engine.Router;
import dev.transom.engine.ShardCount;
import dev.transom.compile.Plan;
import dev.transom.compile.PlanDiff;
import dev.transom.components.SinkSet;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import dev.transom.state.Checkpoint;
import dev.transom.state.CheckpointStore;
import dev.transom.state.IngestLog;
import dev.transom.windowing.Micros;
import dev.transom.windowing.OperatorSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One deployed pipeline. Its keys' groups are spread over {@code workers} {@link Partition}s, each
 * owning its keys' window state on one event loop; events are prepared (steps, key, time, value)
 * and routed by the engine's {@link dev.transom.engine.Router}.
 *
 * <p>Batches and checkpoints pass one at a time through a chain, so a checkpoint sees every
 * partition at the same point of the input: after the last batch it covers, before the next. Each
 * epoch ({@code checkpoint.interval}) stores the partitions' state, the ingest log position and the
 * lengths of the exactly-once file sinks, whose records are written only then (docs/durability.md).
 *
 * <p>Why this file is still long: deployment and recovery, version swaps, the chain and the
 * checkpoint share one set of facts (the epoch, the log position applied, the committed file
 * lengths, the chain itself, the failure state) that each of them reads and moves. What stands apart
 * has left: {@link Admission}, {@link OutputFanout}, {@link PipelineView}, {@link CheckpointRestore}.
 * The checkpoint is the next to go, once it is a barrier each partition takes in turn instead of a
 * step of the chain.
 */
public final class PipelineHost implements MemoryBudget.Holder {
  static final int RECENT_OUTPUTS = 1_000;

  private final Vertx vertx;
  /** Where acknowledged HTTP batches join the chain, one after another in log order. */
  private final io.vertx.core.Context sequencer;
  /** Its definition file; another one after a rename ({@link #moveTo}). */
  private volatile Path file;
  /** Set once it is being stopped for good: it can no longer move to a renamed file. */
  volatile boolean retiring;
  private final int workers;
  private final MeterRegistry registry;
  /** Where checkpoints go; {@code null} without a data directory. */
  private final CheckpointStore state;
  /** Where HTTP events become durable; the same store in practice, seen through its other interface. */
  private final IngestLog log;
  /** Replaced only by {@link #continueOutputsOf}: its streams follow the pipeline, not this host. */
  private volatile OutputFeed outputs = new OutputFeed(RECENT_OUTPUTS);
  /** How the next {@link #install} changes the windows, for the streams' {@code reload} event; null: it is no reload. */
  private String reloadWindows;
  /** What the partitions emit, counted, kept for the API, streamed and written at once where it is not staged. */
  private final OutputFanout fanout;
  /** The events and bytes taken in and not yet processed, and whether more are taken. */
  private final Admission admission;
  /** The time each batch is processed at, the same live and in a replay. */
  private final ArrivalClock arrivals;
  /** The clock this pipeline reads and the timers it sets (manual in tests). */
  private final ServerTime time;
  /** Set once a stop or shutdown begins: no batch is admitted after it. */
  private volatile boolean closing;
  private final AtomicLong in = new AtomicLong();
  /** Reloads that changed the definition's text, and edits refused while this version kept running (metrics). */
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong rejectedEdits = new AtomicLong();
  private final AtomicLong checkpointFailures = new AtomicLong();
  /** System time of the last stored checkpoint, -1 before one: a stale one is what an alert looks for. */
  private volatile long lastCheckpointSuccessEpochMillis = -1;
  /** A file source (without {@code follow}) has read all its input: its watermark lags behind nothing. */
  private volatile boolean inputFinished;
  private final SinkCounts sinkCounts = new SinkCounts();
  /** The dashboard's history and error groups; a replacement of a failed version carries them on. */
  private volatile PipelineHistory history = new PipelineHistory();
  private volatile ItemErrorGroups errorGroups = new ItemErrorGroups();
  private volatile boolean lastCheckpointFull;
  private volatile PipelineDef def;
  private volatile Partition[] partitions = new Partition[0];
  /** Prepares and routes each batch to its partitions (used on the chain: one batch at a time). */
  private volatile Router router;
  private String fingerprint;
  /** The queued at-least-once sinks (webhook): what checkpoints store of them, and their backlog. */
  private final Deliveries deliveries = new Deliveries();
  private CommittedFiles files;
  private volatile SourceRunner source;
  private PipelineMetrics metrics;
  private volatile boolean stopped;
  private volatile String failure;
  /**
   * Why the pipeline failed (an exception or error in its processing, a stuck task, a checkpoint
   * that failed for a reason other than storage), or null. Once set it stays: the pipeline takes no
   * input and stores no checkpoint, so its last good checkpoint and the ingest log after it are what
   * a replacement resumes from (see {@link #fail}).
   */
  private volatile String fatal;
  /** Completes with {@link #fatal}: wakes whatever waits for this pipeline (see {@link #await}). */
  private final java.util.concurrent.CompletableFuture<String> failedSignal = new java.util.concurrent.CompletableFuture<>();
  private volatile String recovery;
  /** Batches of the ingest log after the checkpoint that the last deploy replays. */
  private volatile int replayedBatches;
  private volatile int version;
  private volatile List<Problem> problems = List.of();
  /**
   * The order batches and checkpoints are handed to the partitions in. A link ends once its work
   * is handed over (a live batch, a checkpoint's cuts), not when it is done: each partition runs its
   * tasks in the order given, so a checkpoint's cut on each partition comes after exactly the batches
   * handed over before it — a barrier — while batches overlap each other and the checkpoint's write.
   */
  private Future<Void> chain = Future.succeededFuture();
  /** Batches handed over and not yet processed everywhere: what a swap or stop waits for. */
  private final InFlight inFlight = new InFlight();
  /** Checkpoint writes, one after the other in epoch order (their cuts were taken in order on the chain). */
  private Future<Void> writes = Future.succeededFuture();
  /** Whether the last checkpoint write failed: the next one, cut before that was known, must not be stored. */
  private volatile boolean lastWriteFailed;
  /** The last ingest log entry handed to the partitions: every checkpoint cut after it covers it. */
  private volatile long appliedSeq;
  /** The source's byte position after the last batch handed to the partitions (file sources). */
  private volatile long appliedSourcePosition;
  /** The file source's byte position after the last batch it handed over (maybe not yet processed). */
  private volatile long readPosition;
  private volatile long epoch;
  /**
   * The epoch in progress when a finite source's input ended and every window was flushed, or -1:
   * the pipeline is {@code finished} once a checkpoint after it has written what the flush emitted.
   */
  private volatile long endedInEpoch = -1;
  private volatile String lastCheckpointError;
  private volatile long lastCheckpointMillis = -1;
  private volatile long lastCheckpointBytes = -1;
  private volatile long lastCheckpointSeq = -1;
  private volatile long epochTimer = -1;
  /** Records of replaced partitions (a reload) still to be written at the next checkpoint. */
  private final List<byte[]> carryOutputs = new ArrayList<>();
  private final List<byte[]> carryLate = new ArrayList<>();
  private final List<Checkpoint.TableRow> carryRows = new ArrayList<>();
  /** The exactly-once files whose length the last stored checkpoint holds. */
  private volatile Set<String> committedMarks = Set.of();
  /** Set while a deployment replays the log: the source starts after it. */
  private boolean deferSource;
  /** Set while installing state loaded from the store: its partitions need no full rewrite. */
  private boolean keptIsStored;
  /** Pauses the pipeline while its checkpoints or ingest log writes fail, and resumes it. */
  private final StorageHealth storage;
  /** How a definition stored with a checkpoint is loaded again (as its file was). */
  private final dev.transom.definition.PathPolicy paths;

  PipelineHost(Vertx vertx, ServerTime time, Path file, int workers, long queueLimit, MeterRegistry registry,
      CheckpointStore state, IngestLog log, dev.transom.definition.PathPolicy paths) {
    this.vertx = vertx;
    this.time = time;
    this.arrivals = new ArrivalClock(time::nowMillis);
    this.fanout = new OutputFanout(() -> outputs, sinkCounts, time.clock());
    this.sequencer = newContext(vertx);
    this.file = file;
    this.workers = Math.max(1, workers);
    this.admission = new Admission(this::id, queueLimit);
    this.registry = registry;
    this.state = state;
    this.log = log;
    this.storage = new StorageHealth(vertx, this, log);
    this.paths = paths;
  }

  /**
   * Set when the server begins to stop: a swap or removal still waiting for storage gives up (its
   * pipeline keeps the state it last stored, and its log) instead of holding the shutdown.
   */
  static volatile boolean shuttingDown;

  /** {@code TRANSOM_TRACE=1}: one stderr line per batch and checkpoint, for the chaos tests' post-mortems. */
  private static final boolean TRACE = "1".equals(System.getenv("TRANSOM_TRACE"));

  private void trace(String what) {
    if (TRACE) {
      System.err.println("trace " + System.currentTimeMillis() + " " + (def == null ? "?" : def.id()) + " " + what);
    }
  }

  /** A checkpoint that was committed although storage then failed (see H2State.CommittedNotSynced). */
  /** The text a generated event stands for in the memory estimate (it has none). */
  private static final long GENERATED_EVENT_BYTES = 64;

  private static final class CheckpointStood extends RuntimeException {
    CheckpointStood(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * The pipeline has failed (see {@link #fail}): it takes no input until a fixed definition replaces
   * it. A kind of {@link Overloaded}, so sources wait as they do for a full queue.
   */
  public static final class Failed extends Overloaded {
    private final String pipeline;
    private final String reason;

    Failed(String pipeline, String reason) {
      super("pipeline '" + pipeline + "' failed (" + reason + "); it takes no input until its definition is fixed "
          + "(PUT it or edit its file); the events it acknowledged are kept");
      this.pipeline = pipeline;
      this.reason = reason;
    }

    public String pipeline() {
      return pipeline;
    }

    public String reason() {
      return reason;
    }
  }

  /** The pipeline cannot take a batch now; the client should retry (HTTP 503 with Retry-After). */
  public static class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  /** Its definition was renamed to {@code to}: the pipeline, its state and its windows go with it. */
  void moveTo(Path to) {
    file = to;
  }

  public Path file() {
    return file;
  }

  public String id() {
    return def.id();
  }

  PipelineDef definition() {
    return def;
  }

  /** The kind of source the running version reads ({@code http}, {@code file}, ...). */
  public String sourceKind() {
    return def.source().kind();
  }

  /** Whether its events come over HTTP. */
  public boolean takesPosts() {
    return ComponentSpecs.source(def.source()).takesPosts();
  }

  /** Whether the pipeline has failed (see {@link #fail}). */
  public boolean failed() {
    return fatal != null;
  }

  /** Why it failed, or null. */
  String failureReason() {
    return fatal;
  }

  /** A partition broke (any Throwable, an Error too): the whole pipeline fails. On the partition's context. */
  void partitionFailed(Throwable e, String during) {
    fail("internal error while " + during + ": " + oneLine(e), e);
  }

  static String oneLine(Throwable e) {
    String m = e.toString();
    int nl = m.indexOf('\n');
    return nl >= 0 ? m.substring(0, nl) : m;
  }

  /**
   * Marks the pipeline failed with {@code reason} (the first reason stays): it admits no input (503
   * naming it), stores no more checkpoints (its last good one and the ingest log after it stay as
   * they are, so nothing it acknowledged is lost), and lets go of its wake-ups, epoch timer and
   * source. Never blocks, so any thread may call it, a partition's event loop too. Whatever waits
   * for the pipeline ({@link #await}) gives up, so no reload, removal or shutdown waits behind it.
   */
  void fail(String reason, Throwable cause) {
    synchronized (failedSignal) {
      if (fatal != null) {
        return;
      }
      fatal = reason;
    }
    String id = def == null ? String.valueOf(file.getFileName()) : def.id();
    LifecycleLog.error(LifecycleLog.FAILED, id).setCause(cause).log("pipeline '{}' failed: {}; it takes no input until"
        + " its definition is fixed (PUT or edit {}); its last checkpoint (epoch {}) and its ingest log are kept", id,
        reason, Pipelines.display(file), epoch);
    long t = epochTimer;
    if (t >= 0) {
      time.timers().cancel(t);
    }
    for (Partition p : partitions) {
      p.release();
    }
    SourceRunner s = source;
    if (s != null) {
      Thread stopper = new Thread(s::stop, "transom-release-" + id); // a file source's stop waits for its thread
      stopper.setDaemon(true);
      stopper.start();
    }
    failedSignal.complete(reason);
  }

  /** The watchdog's check (its own thread): a partition task running longer than {@code limitNanos} fails the pipeline. */
  void checkStuck(long nowNanos, long limitNanos) {
    if (fatal != null || stopped) {
      return;
    }
    Partition[] ps = partitions;
    for (int i = 0; i < ps.length; i++) {
      long since = ps[i].busySinceNanos();
      if (since != Partition.IDLE && nowNanos - since > limitNanos) {
        String with = ps[i].busyWith();
        fail("stuck in " + (with == null ? "a task" : with) + " for " + TimeUnit.NANOSECONDS.toSeconds(nowNanos - since)
            + " s (partition " + i + " of " + ps.length + ")", null);
        return;
      }
    }
  }

  /** For tests: runs {@code task} as a task of partition {@code i}, where the watchdog watches it. */
  Future<Object> onPartition(int i, java.util.function.Supplier<Object> task) {
    return partitions[i].call(task);
  }

  private Failed failedError() {
    return new Failed(def == null ? String.valueOf(file.getFileName()) : def.id(), fatal);
  }

  /**
   * Waits for {@code f} as {@link Future#await()} does, unless the pipeline fails first or has
   * failed: then throws {@link Failed} at once, so a reload, removal or shutdown never waits for a
   * task the pipeline will not finish (a stuck partition, a chain behind one).
   */
  private <T> T await(Future<T> f) {
    if (fatal == null) {
      try {
        java.util.concurrent.CompletableFuture.anyOf(f.toCompletionStage().toCompletableFuture(), failedSignal).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException ignored) {
        // f failed: await() below rethrows it as it would have
      }
    }
    if (fatal != null || !f.isComplete()) {
      throw fatal != null ? failedError() : new Overloaded("interrupted while waiting for pipeline '" + def.id() + "'");
    }
    return f.await();
  }

  /**
   * Lets go of a failed pipeline without waiting for its partitions (one may be stuck): what was
   * admitted reaches the log first (so a replacement replays it), then its sinks close and its
   * metrics go, on a helper thread given a moment, since a stuck sink may hold them.
   */
  void abandon() {
    closing = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    admission.awaitAppends(deadline);
    for (Partition p : partitions) {
      p.release();
    }
    removeMetrics();
    Thread closer = new Thread(() -> {
      SourceRunner s = source;
      if (s != null) {
        s.stop();
      }
      shutdownIo();
    }, "transom-release-" + id());
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LifecycleLog.warn(LifecycleLog.FAILED, id()).log("pipeline '{}' was abandoned while one of its tasks still runs"
          + " (its sinks close when that task ends)", id());
    }
  }

  /** How many events may wait to be processed; a larger batch can never be taken. */
  public long queueLimit() {
    return admission.queueLimit();
  }

  /** The problems of the file's latest edit, which this version outlives; none once the file is fine again. */
  void reportProblems(List<Problem> p) {
    problems = List.copyOf(p);
    if (!p.isEmpty()) {
      rejectedEdits.incrementAndGet();
      history.rejected(time.nowMillis(), version, p, openWindows());
    }
  }

  /** A PUT of a new version was refused; this version keeps running. */
  void editRejected(List<Problem> p) {
    rejectedEdits.incrementAndGet();
    history.rejected(time.nowMillis(), version, p, openWindows());
  }

  /** A pipeline whose watermark is shared by all keys keeps them in one partition. */
  private int partitionsFor(PipelineDef d) {
    return ShardCount.of(d, workers);
  }

  /**
   * First deployment: resumes from the pipeline's last checkpoint when its windowing is unchanged,
   * then replays the ingest log after it (docs/durability.md).
   */
  void deploy(PipelineDef newDef) {
    deploy(newDef, true);
    history.deployed(time.nowMillis(), version, recovery, openWindows());
  }

  /** @param readSource false for a version brought back only to be flushed: it takes no new input */
  private void deploy(PipelineDef newDef, boolean readSource) {
    // Until every logged batch is registered with its arrival time, no wake-up may run ahead of them.
    arrivals.hold(Long.MIN_VALUE);
    deferSource = true;
    try {
      deployHeld(newDef);
    } finally {
      deferSource = false;
      arrivals.processed(Long.MIN_VALUE);
    }
    if (readSource) {
      startSource();
    }
  }

  private void deployHeld(PipelineDef newDef) {
    Optional<Checkpoint> cp = state == null ? Optional.empty() : state.load(newDef.id());
    OperatorSnapshot[] kept = null;
    keptIsStored = false;
    // Files the checkpoint has no length for go back to where they were before their first records.
    Map<String, Long> marks = new LinkedHashMap<>(state == null ? Map.of() : state.sinkStarts(newDef.id()));
    if (cp.isPresent()) {
      Checkpoint c = cp.get();
      appliedSeq = c.ingestSeq();
      appliedSourcePosition = c.sourcePosition();
      epoch = c.epoch();
      marks.putAll(c.sinkMarks());
      committedMarks = c.sinkMarks().keySet();
      deliveries.restore(c.deliveries()); // outputs still owed, whatever happens to the windows below
    }
    List<IngestLog.Entry> logged = readLog(newDef.id());
    replayedBatches = logged.size();
    if (cp.isPresent()) {
      Checkpoint c = cp.get();
      String fp = PlanDiff.windowingFingerprint(newDef);
      PipelineDef replaced = c.fingerprint().equals(fp) ? null : replacedVersion(c);
      if (replaced != null) {
        finishInterruptedReload(replaced, c, newDef, logged, marks);
        return;
      }
      if (!c.fingerprint().equals(fp)) {
        recovery = "checkpoint " + c.epoch() + " belongs to another windowing (key, value, clock, window or aggregate "
            + "changed): not applied; the pipeline started empty";
      } else {
        try {
          int n = partitionsFor(newDef);
          CheckpointRestore.Placed placed = CheckpointRestore.place(c, n);
          kept = placed.snapshots();
          keptIsStored = placed.asStored();
          recovery = "resumed from checkpoint " + c.epoch() + (c.partitions().size() == n ? ""
              : ", its " + c.partitions().size() + " partition(s) spread over " + n + " (--workers changed)");
        } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
          kept = null;
          recovery = "checkpoint " + c.epoch() + " is damaged (" + e.getMessage() + "): the pipeline started empty";
        }
      }
    }
    install(newDef, kept, marks);
    keptIsStored = false;
    replay(logged);
  }

  /**
   * The version a windowing change was replacing when the server stopped before the new version's
   * first checkpoint, when {@code c} was taken for that and still compiles to its windowing.
   */
  private PipelineDef replacedVersion(Checkpoint c) {
    return CheckpointRestore.replacedVersion(c, file.getFileName().toString(), paths);
  }

  /**
   * Redoes a windowing-change reload a crash cut short: the old version's windows come back from
   * the checkpoint taken just before their flush, are flushed into the new version's first
   * checkpoint as the reload would have, and the new version then replays the log after it.
   */
  private void finishInterruptedReload(PipelineDef replaced, Checkpoint c, PipelineDef newDef,
      List<IngestLog.Entry> logged, Map<String, Long> marks) {
    OperatorSnapshot[] kept;
    boolean inPlace;
    try {
      CheckpointRestore.Placed placed = CheckpointRestore.place(c, partitionsFor(replaced));
      kept = placed.snapshots();
      inPlace = placed.asStored();
    } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
      install(newDef, null, marks);
      recovery = "checkpoint " + c.epoch() + " is damaged (" + e.getMessage() + "): the pipeline started empty";
      replay(logged);
      return;
    }
    keptIsStored = inPlace;
    install(replaced, kept, marks);
    keptIsStored = false;
    redeploy(newDef);
    recovery = "checkpoint " + c.epoch() + " was taken as the windowing changed and the server stopped before the new "
        + "version's first checkpoint: the old version's open windows were flushed, then the new version started empty";
    replay(logged);
  }

  /**
   * The batches logged after the checkpoint. A file source resumes after the last of them (they are
   * replayed from the log, not read again).
   */
  private List<IngestLog.Entry> readLog(String id) {
    List<IngestLog.Entry> logged = new ArrayList<>();
    readPosition = appliedSourcePosition;
    if (log != null) {
      log.replay(id, appliedSeq, logged::add);
    }
    for (IngestLog.Entry e : logged) {
      if (e.mark() != null) {
        readPosition = e.mark().endOffset(); // the last one: a file read again from 0 goes back
      }
    }
    return logged;
  }

  /** Feeds the logged batches again, each at the time it first arrived. */
  private void replay(List<IngestLog.Entry> logged) {
    for (IngestLog.Entry entry : logged) {
      // Parsed as its turn comes, not all at once: parsed events weigh several times their text.
      arrivals.replaying(entry.arrivalMillis());
      trace("replay seq=" + entry.seq() + " at=" + entry.arrivalMillis());
      admission.queued(0, entry.events().length);
      enqueue(() -> {
        List<Object> events = parseLines(entry.events(), entry.mark(), this::error);
        in.addAndGet(events.size());
        admission.queued(events.size(), 0);
        return events;
      }, true, entry.events().length, entry.seq(), entry.mark() == null ? -1 : entry.mark().endOffset(), entry.arrivalMillis(),
          null);
    }
  }

  /**
   * The events of a batch of JSON lines. HTTP batches were checked before they were logged; a line
   * a file source read that is not JSON is an item error naming its line ({@code mark} says which
   * line the batch starts at), and is skipped.
   */
  private static List<Object> parseLines(byte[] text, IngestLog.SourceMark mark, java.util.function.Consumer<ItemError> bad) {
    return LineDecoder.events(text, mark == null ? 1 : mark.firstLine(), line -> {
      if (mark != null) {
        bad.accept(badLineError(line));
      }
    });
  }

  /** A line a source read that is not JSON, as the item error it is shown as. */
  static ItemError badLineError(LineDecoder.BadLine bad) {
    return new ItemError("source", bad.describe(), bad.text(), bad.line());
  }

  /**
   * A removal a crash cut short (its file is gone, its checkpoint still holds {@code old}): brings
   * the version back from that checkpoint and the log after it, then stops it as the removal would
   * have, flushing its open windows into its exactly-once sinks.
   */
  void finishInterruptedStop(PipelineDef old) {
    deploy(old, false);
    stop();
  }

  /**
   * A new version of the definition (README: hot reload): a change to stateless parts only keeps every open
   * window; a windowing change flushes the old windows first and starts empty. Returns whether the
   * windows were kept.
   */
  boolean redeploy(PipelineDef newDef) {
    // Batches that arrive meanwhile wait behind the gate and go to the new version's partitions.
    Promise<Void> gate = Promise.promise();
    try {
      await(holdChain(gate));
      // The same text under another file name (a rename) is no reload of the definition.
      boolean changed = !newDef.text().equals(def.text());
      PipelineDef before = def;
      int windows = openWindows();
      boolean kept = swap(newDef);
      if (changed) {
        reloads.incrementAndGet();
        history.reloaded(time.nowMillis(), before, newDef, version, kept, windows);
      }
      return kept;
    } finally {
      gate.complete();
    }
  }

  /** Puts {@code gate} at the end of the chain; completes when everything before it is done. */
  private synchronized Future<Void> holdChain(Promise<Void> gate) {
    Future<Void> before = chain.transform(ignored -> inFlight.idle()).transform(ignored -> writes);
    chain = before.transform(ignored -> gate.future());
    return before;
  }

  private boolean swap(PipelineDef newDef) {
    trace("swap begins, applied seq=" + appliedSeq);
    Partition[] old = partitions;
    boolean keep = PlanDiff.windowingFingerprint(newDef).equals(fingerprint) && partitionsFor(newDef) == old.length
        && failedPartition() == null;
    OperatorSnapshot[] kept = null;
    if (!keep) {
      // Until the new version's first checkpoint, the flushed windows' records exist only in
      // memory: this checkpoint (the old state plus the old definition) lets a restart redo the flush.
      checkpointUntilStored(def.text());
      finishAll(old);
      Faults.at("reload-after-flush");
    }
    // Snapshot, cut and stop in one task per partition: a wake-up in between would close a window
    // that the kept snapshot still holds open, and the new version would emit it again.
    List<Partition.HandOver> handOvers = handOverAll(old, keep);
    List<Partition.Cut> cuts = new ArrayList<>();
    if (keep) {
      kept = new OperatorSnapshot[old.length];
    }
    for (int i = 0; i < handOvers.size(); i++) {
      cuts.add(handOvers.get(i).cut());
      if (keep) {
        kept[i] = handOvers.get(i).snapshot();
      }
    }
    synchronized (carryOutputs) {
      for (Partition.Cut c : cuts) {
        carryOutputs.addAll(c.outputs());
        carryLate.addAll(c.late());
        carryRows.addAll(c.rows());
      }
    }
    closeAll(old);
    shutdownIo();
    reloadWindows = keep ? "kept" : "flushed";
    install(newDef, kept, null);
    checkpointUntilStored(null);
    return keep;
  }

  /** Stops the pipeline after a final flush of its open windows, and forgets its state. */
  void stop() {
    Promise<Void> gate = Promise.promise();
    try {
      await(closeAdmission(gate));
      Partition[] old = partitions;
      // As in redeploy: if the server stops before the checkpoint below, a restart redoes the flush.
      checkpointUntilStored(def.text());
      finishAll(old);
      Faults.at("stop-after-flush");
      stopped = true;
      checkpointUntilStored(null); // writes the flushed windows to the exactly-once files
      closeAll(old);
    } finally {
      gate.complete();
    }
    shutdownIo();
    if (state != null) {
      state.forget(def.id()).join();
    }
    removeMetrics();
  }

  /**
   * Server shutdown: a final checkpoint, windows stay open for the next start. A failed pipeline
   * (or one that fails meanwhile) takes none: it keeps its last good one, and is let go.
   */
  void suspend() {
    if (fatal != null) {
      abandon();
      return;
    }
    Promise<Void> gate = Promise.promise();
    try {
      await(closeAdmission(gate));
      await(checkpointNow(null).transform(r -> Future.succeededFuture())); // if it fails, the log has the rest
      stopped = true; // before the gate opens: nothing queued behind it runs on the closed state
    } catch (Failed f) {
      abandon();
      return;
    } finally {
      gate.complete();
    }
    closeAll(partitions);
    shutdownIo();
    removeMetrics();
  }

  /**
   * Admits nothing more, waits until every batch admitted before is on the chain (an acknowledged
   * batch is counted before the pipeline goes away), then holds the chain at {@code gate}.
   */
  private Future<Void> closeAdmission(Promise<Void> gate) {
    closing = true;
    admission.awaitAppends(Long.MAX_VALUE);
    return holdChain(gate);
  }

  private void removeMetrics() {
    if (metrics != null) {
      metrics.remove();
      metrics = null;
    }
  }

  private void finishAll(Partition[] ps) {
    List<Future<Object>> done = new ArrayList<>();
    for (Partition p : ps) {
      done.add(p.call(() -> {
        p.finish();
        return null;
      }));
    }
    await(Future.all(done));
    if (fatal != null) {
      throw failedError(); // a window's flush broke it: what comes next would store a broken state
    }
  }

  private List<Partition.HandOver> handOverAll(Partition[] ps, boolean snapshot) {
    List<Future<Partition.HandOver>> all = new ArrayList<>();
    for (Partition p : ps) {
      all.add(p.call(() -> p.handOver(snapshot)));
    }
    await(Future.all(all));
    List<Partition.HandOver> out = new ArrayList<>();
    for (Future<Partition.HandOver> f : all) {
      out.add(f.result());
    }
    return out;
  }

  private List<Partition.Cut> cutAll(Partition[] ps) {
    List<Future<Partition.Cut>> cuts = new ArrayList<>();
    for (Partition p : ps) {
      cuts.add(p.call(p::cut));
    }
    await(Future.all(cuts));
    List<Partition.Cut> out = new ArrayList<>();
    for (Future<Partition.Cut> f : cuts) {
      out.add(f.result());
    }
    return out;
  }

  private void closeAll(Partition[] ps) {
    for (Partition p : ps) {
      await(p.call(() -> {
        p.close();
        return null;
      }));
    }
  }

  /** @param marks the checkpointed file lengths to cut the exactly-once files back to, or null */
  private void install(PipelineDef newDef, OperatorSnapshot[] kept, Map<String, Long> marks) {
    this.def = newDef;
    if (reloadWindows != null) {
      // Before the new partitions exist: nothing of the new version can reach a stream ahead of it.
      outputs.reload(newDef.id(), version + 1, reloadWindows);
      reloadWindows = null;
    }
    this.fingerprint = PlanDiff.windowingFingerprint(newDef);
    try {
      List<ComponentDef> immediate = newDef.sinks().stream().filter(s -> !isTransactional(s)).toList();
      ComponentDef lateImmediate = newDef.late() != null && !isTransactional(newDef.late()) ? newDef.late() : null;
      SinkSet immediateSinks = SinkSet.open(immediate, lateImmediate, true);
      fanout.use(immediateSinks);
      deliveries.attach(newDef.id(), immediateSinks);
      files = new CommittedFiles(newDef.sinks(), newDef.late(), marks == null ? Map.of() : marks);
      failure = null;
    } catch (IOException e) {
      failure = "cannot open sink: " + e.getMessage();
      // Never the old version's files: a swap has closed them, and checkpoints would fail forever.
      try {
        files = new CommittedFiles(List.of(), null, Map.of());
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    List<String> outputTables = newDef.sinks().stream().map(PipelineHost::tableOf).filter(java.util.Objects::nonNull)
        .toList();
    String lateTable = newDef.late() == null ? null : tableOf(newDef.late());
    if (state != null) {
      for (String t : outputTables) {
        state.ensureOutputTable(t).join();
      }
      if (lateTable != null) {
        state.ensureOutputTable(lateTable).join();
      }
    }
    Plan plan = Plan.of(newDef);
    Partition[] ps = new Partition[partitionsFor(newDef)];
    boolean stageOutputs = files.hasOutputs();
    boolean stageLate = files.hasLate();
    boolean stored = keptIsStored && kept != null;
    // Each partition restores its windows on its own event loop, all at once; all have ended when
    // this goes on, or throws the first one's failure.
    List<Future<Object>> installs = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      Partition p = new Partition(vertx, this, this::flushImmediate);
      OperatorSnapshot snap = kept == null ? null : kept[i];
      installs.add(p.call(() -> {
        p.install(plan, snap, stored, stageOutputs, stageLate, outputTables, lateTable);
        return null;
      }));
      ps[i] = p;
    }
    await(Future.join(installs));
    router = new Router(plan, ps.length, this::error, PipelineHost::unroutedLine, 0, null);
    partitions = ps;
    endedInEpoch = -1;
    stopped = false;
    problems = List.of();
    version++;
    if (metrics == null && registry != null) {
      metrics = new PipelineMetrics(registry, this, newDef.id());
    }
    sinkCounts.configure(newDef);
    if (metrics != null) {
      metrics.deliveries(deliveries);
      metrics.sinks(sinkCounts, deliveries);
    }
    if (!deferSource) {
      startSource();
    }
    startEpochTimer(newDef.checkpointIntervalMicros());
    if (fatal != null) { // failed while these were being made (a replay's first batch): let go of them too
      for (Partition p : ps) {
        p.release();
      }
      time.timers().cancel(epochTimer);
    }
  }

  /**
   * Starts reading the source (file, generator). At deployment only once the logged batches are
   * replayed: a file source's new batches must come after them, as they did before the crash.
   */
  private void startSource() {
    if (source == null && !stopped && fatal == null) {
      inputFinished = false;
      source = SourceRunner.start(vertx, this, def.source(), readPosition);
    }
  }

  /** Exactly-once sinks are written at checkpoints only; the others at once. */
  private static boolean isTransactional(ComponentDef s) {
    return ComponentSpecs.sink(s).guarantee() == Guarantee.EXACTLY_ONCE;
  }

  /** The table an h2 sink writes, or null for another kind. */
  private static String tableOf(ComponentDef s) {
    return ComponentSpecs.sink(s).config(s) instanceof H2Sink.Config c ? c.table() : null;
  }

  private void startEpochTimer(long intervalMicros) {
    if (epochTimer >= 0) {
      time.timers().cancel(epochTimer);
    }
    // validation already keeps every interval at or above the floor; this only guards the timer
    long millis = Math.max(dev.transom.definition.PipelineSpec.MIN_CHECKPOINT_INTERVAL_MICROS, intervalMicros) / 1_000;
    epochTimer = time.timers().periodic(millis, () -> {
      if (!stopped && fatal == null && !storage.checkpointsFailing()) {
        checkpoint();
      }
    });
  }

  private synchronized void shutdownIo() {
    if (epochTimer >= 0) {
      time.timers().cancel(epochTimer);
      epochTimer = -1;
    }
    if (source != null) {
      source.stop();
      source = null;
    }
    fanout.close();
    if (files != null) {
      files.close();
    }
  }

  /**
   * Takes a checkpoint at the end of the chain: cuts every partition (state plus the records staged
   * for the exactly-once files), writes those records and syncs them, then stores the checkpoint.
   */
  synchronized Future<Void> checkpoint() {
    return checkpoint(null);
  }

  /**
   * A new event-loop context, on the next event loop in turn. Not {@code getOrCreateContext()}: off
   * the event loops, Vert.x 5 gives every call from one thread the same ("sticky") context, so every
   * partition of every pipeline deployed by one thread would share one event loop — one busy
   * partition would hold all of them up.
   */
  static io.vertx.core.Context newContext(Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
  }

  /** The last ingest log entry handed to the partitions (what the next checkpoint cut covers). */
  long handedOverSeq() {
    return appliedSeq;
  }

  /** Completes once every batch, flush and checkpoint queued so far is done (for tests' barriers). */
  synchronized Future<Void> drained() {
    return chain.transform(r -> inFlight.idle()).transform(r -> writes).transform(r -> Future.succeededFuture());
  }

  /** @param flushDefinition see {@link Checkpoint#flushDefinition()} */
  private synchronized Future<Void> checkpoint(String flushDefinition) {
    Promise<Void> done = Promise.promise();
    // A checkpoint queued behind a stop finds its files closed: the stop took the last one.
    chain = chain.transform(ignored -> {
      if (stopped) {
        done.complete();
      } else {
        // Its cuts are handed over now; the batches after it go on while it is written.
        checkpointNow(flushDefinition).onComplete(r -> done.complete());
      }
      return Future.succeededFuture();
    });
    return done.future();
  }

  /**
   * A checkpoint of the partitions as they are now: its cuts are handed to them at once (on the
   * chain, or by a caller holding it); it is written after the checkpoint before it.
   */
  private synchronized Future<Void> checkpointNow(String flushDefinition) {
    Partition[] ps = partitions;
    if (fatal != null) {
      return Future.failedFuture(failedError()); // its last good checkpoint stays the last
    }
    {
      long started = System.nanoTime();
      long seq = appliedSeq; // every batch handed over so far: the cuts come after them
      long position = appliedSourcePosition;
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
        boolean allFull = cuts.stream().allMatch(f -> f.result().state() == null || f.result().state().full());
        if (lastWriteFailed && !allFull) {
          // Cut before the failure was known, as changes since that failed one: it cannot be stored
          // (the store misses those changes); a cut that writes everything can.
          List<byte[]> outs = new ArrayList<>();
          List<byte[]> lates = new ArrayList<>();
          List<Checkpoint.TableRow> rows = new ArrayList<>();
          for (Future<Partition.Cut> f : cuts) {
            outs.addAll(f.result().outputs());
            lates.addAll(f.result().late());
            rows.addAll(f.result().rows());
          }
          synchronized (carryOutputs) {
            carryOutputs.addAll(outs);
            carryLate.addAll(lates);
            carryRows.addAll(rows);
          }
          return Future.<Void>failedFuture(new NotStored());
        }
        List<dev.transom.state.PartitionState> states = new ArrayList<>();
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
        for (Future<Partition.Cut> f : cuts) {
          Partition.Cut c = f.result();
          usable &= c.state() != null;
          states.add(c.state());
          outs.addAll(c.outputs());
          lates.addAll(c.late());
          rows.addAll(c.rows());
        }
        boolean save = usable;
        long stateBytes = states.stream().mapToLong(b -> b == null ? 0 : b.bytes()).sum();
        boolean full = states.stream().anyMatch(b -> b != null && b.full());
        return vertx.executeBlocking(() -> {
          try {
            if (fatal != null) {
              throw failedError(); // failed while the cuts were taken: store nothing of it
            }
            if (state != null && (!outs.isEmpty() || !lates.isEmpty())) {
              Map<String, Long> starts = files.uncommitted(committedMarks);
              if (!starts.isEmpty()) {
                state.saveSinkStarts(def.id(), starts).join(); // durable before the first records
                Faults.at("checkpoint-after-sink-starts");
              }
            }
            List<Checkpoint.Delivery> queued = deliveries.collect(); // after every cut: see Deliveries
            Map<String, Long> marks = files.write(outs, lates);
            if (!outs.isEmpty() || !lates.isEmpty()) {
              Faults.at("checkpoint-after-records");
            }
            if (state != null && save) {
              try {
                state.save(new Checkpoint(def.id(), epoch + 1, fingerprint, states, seq, position, marks, rows,
                    flushDefinition, queued)).join();
              } catch (RuntimeException e) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
                if (cause instanceof dev.transom.state.H2State.CommittedNotSynced) {
                  // It stands: count it, keep its records where they are, and report the failure
                  // so storage is retried; the next checkpoint's sync covers this one too.
                  epoch++;
                  committedMarks = Set.copyOf(marks.keySet());
                  sinkCounts.committed(outs.size(), lates.size(), rows);
                  throw new CheckpointStood(cause);
                }
                files.undoLastWrite();
                throw e;
              }
              if (seq > Math.max(lastCheckpointSeq, 0) || !outs.isEmpty() || !lates.isEmpty()) {
                Faults.at("checkpoint-after-commit"); // a checkpoint that stores something new
              }
              trace("checkpoint epoch=" + (epoch + 1) + " seq=" + seq + " outputs=" + outs.size() + " late=" + lates.size()
                  + " marks=" + marks);
              epoch++;
              committedMarks = Set.copyOf(marks.keySet());
            }
            lastCheckpointBytes = stateBytes;
            lastCheckpointFull = full;
            lastCheckpointSeq = seq;
            sinkCounts.committed(outs.size(), lates.size(), rows);
            return null;
          } catch (CheckpointStood e) {
            throw e; // committed: its records are stored, nothing to carry
          } catch (Exception e) {
            // Nothing is lost: the records wait for the next epoch, which tries again.
            synchronized (carryOutputs) {
              carryOutputs.addAll(0, outs);
              carryLate.addAll(0, lates);
              carryRows.addAll(0, rows);
            }
            throw e;
          }
        }, true);
      })).<Void>mapEmpty().transform(r -> {
        lastWriteFailed = r.failed();
        if (r.failed()) {
          checkpointFailures.incrementAndGet();
          for (Partition p : ps) {
            p.call(() -> {
              p.requireFullCut(); // the store missed these changes: write everything next time
              return null;
            });
          }
          Throwable cause = r.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
              ? c.getCause() : r.cause();
          if (cause instanceof NotStored) {
            return Future.<Void>failedFuture(cause); // the failure before it is reported already
          }
          history.checkpointFailed(time.nowMillis(), epoch + 1, System.nanoTime() - started,
              StorageHealth.isStorageFailure(cause) ? StorageHealth.reason(cause) : oneLine(cause));
          if (fatal != null || cause instanceof Failed) {
            return Future.<Void>failedFuture(failedError());
          }
          if (!StorageHealth.isStorageFailure(cause)) {
            // Not the disk: pausing to retry would retry forever. The pipeline fails, reporting it.
            fail("checkpoint of epoch " + (epoch + 1) + " failed: " + oneLine(cause), cause);
            return Future.<Void>failedFuture(failedError());
          }
          lastCheckpointError = "checkpoint of epoch " + (epoch + 1) + " failed, retrying: " + StorageHealth.reason(cause);
          storage.checkpointFailed(epoch + 1, cause);
        } else {
          lastCheckpointError = null;
          storage.checkpointSucceeded();
          lastCheckpointMillis = (System.nanoTime() - started) / 1_000_000;
          lastCheckpointSuccessEpochMillis = time.nowMillis();
          history.checkpointStored(lastCheckpointSuccessEpochMillis, epoch, System.nanoTime() - started, lastCheckpointBytes,
              lastCheckpointFull);
          PipelineMetrics m = metrics;
          if (m != null) {
            m.checkpointDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          }
        }
        return r.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(r.cause());
      });
      writes = written.transform(r -> Future.succeededFuture());
      return written;
    }
  }

  /** A checkpoint cut before the failure of the one before it was known: not stored, and not a failure of its own. */
  private static final class NotStored extends RuntimeException {
    NotStored() {
      super("not stored: the checkpoint before it failed", null, false, false);
    }
  }

  /**
   * A checkpoint a swap or removal cannot go on without (the flush's records must be stored before
   * the old state goes): tried again, with backoff, until storage takes it. Blocks its caller.
   */
  private void checkpointUntilStored(String flushDefinition) {
    long backoffMillis = 100;
    while (true) {
      Future<Void> f = checkpointNow(flushDefinition);
      try {
        await(f);
        return;
      } catch (Exception failed) { // await() rethrows a checked IOException as it is
        if (fatal != null) {
          throw failedError();
        }
        if (shuttingDown) {
          throw new Overloaded("the server is stopping; pipeline '" + def.id() + "' keeps its last stored state");
        }
        LifecycleLog.warn(LifecycleLog.STORAGE_FAILED, def.id()).log("pipeline '{}' waits for its storage to finish a {}:"
            + " {}", def.id(), flushDefinition != null ? "reload or removal" : "swap", lastCheckpointError);
      }
      try {
        Thread.sleep(backoffMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMillis = Math.min(5_000, backoffMillis * 2);
    }
  }

  /**
   * Feeds events from a source that is not logged (the generator: its events are synthetic), through
   * the same chain. Fails with {@link Overloaded} instead of queueing more than the pipeline's limit.
   */
  public Future<Void> ingest(List<Object> events) {
    int n = events.size();
    long bytes = n * GENERATED_EVENT_BYTES;
    admit(n, bytes);
    try {
      in.addAndGet(n);
      return enqueue(events, bytes, -1, -1, arrivals.stampUnannounced());
    } finally {
      admission.appended();
    }
  }

  /**
   * Makes a batch of HTTP events durable in the ingest log, then feeds it (docs/durability.md: acknowledged
   * means it survives a crash). Completes when the batch is durable; a batch id seen before is
   * acknowledged again without being appended or processed twice.
   */
  public Future<IngestLog.Appended> ingestDurably(byte[] text, List<Object> events, String batchId) {
    return logThenFeed(text, events, batchId, null);
  }

  /**
   * A batch a file source read: logged like an HTTP batch, so that after a crash it is replayed at
   * the time it was first read, then fed. {@code mark} says where in the file it ends.
   */
  Future<IngestLog.Appended> ingestRead(byte[] text, IngestLog.SourceMark mark) {
    List<ItemError> bad = new ArrayList<>();
    List<Object> events = parseLines(text, mark, bad::add);
    Future<IngestLog.Appended> f = logThenFeed(text, events, null, mark); // throws when refused: retried later
    bad.forEach(this::error);
    return f;
  }

  /** Where a file source goes on reading: after the last batch it handed over (logged or not). */
  long readPosition() {
    return readPosition;
  }

  private Future<IngestLog.Appended> logThenFeed(byte[] text, List<Object> events, String batchId,
      IngestLog.SourceMark mark) {
    int n = events.size();
    long bytes = text.length;
    admit(n, bytes);
    long position = mark == null ? -1 : mark.endOffset();
    if (log == null) {
      try {
        in.addAndGet(n);
        long at = arrivals.stampUnannounced();
        if (mark != null) {
          readPosition = mark.endOffset();
        }
        return enqueue(events, bytes, -1, position, at).map(v -> new IngestLog.Appended(0, false, at));
      } finally {
        admission.appended();
      }
    }
    Promise<IngestLog.Appended> acked = Promise.promise();
    arrivals.admitted();
    // Appends complete on the ingest thread in log order. The batch is handed to one event-loop
    // context, which runs tasks in the order given, so the order holds; the ingest thread itself
    // only commits (preparing events there used to delay the next group commit).
    // On the ingest thread, in log order: so batches join the chain in the order of the log.
    java.util.function.Consumer<IngestLog.Appended> durable = appended -> {
      storage.logSucceeded();
      Faults.at("ingest-after-sync"); // durable, not yet acknowledged
      in.addAndGet(n);
      if (mark != null) {
        readPosition = mark.endOffset();
      }
      trace("logged seq=" + appended.seq() + " at=" + appended.arrivalMillis() + " events=" + n);
      sequencer.runOnContext(v -> {
        // Acknowledged once handed to the partitions: a read after the answer sees the batch.
        Promise<Void> handedOver = Promise.promise();
        enqueue(() -> events, false, bytes, appended.seq(), position, appended.arrivalMillis(), handedOver);
        admission.appended();
        handedOver.future().onComplete(h -> acked.tryComplete(appended));
      });
    };
    log.append(def.id(), batchId, mark, text, arrivals::stamp, durable).whenComplete((appended, error) -> {
      if (error != null) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
            ? c.getCause() : error;
        if (cause instanceof dev.transom.state.H2State.StagingFailed f) {
          arrivals.processed(f.arrivalMillis());
        } else {
          arrivals.withdrawn();
        }
        admission.done(n, bytes);
        admission.appended();
        if (!(cause instanceof IllegalStateException)) { // not the store closing at shutdown
          storage.logFailed(cause);
        }
        acked.fail(new Overloaded("could not make the events durable (" + cause.getMessage() + "); retry"));
      } else if (appended.duplicate()) {
        arrivals.withdrawn();
        admission.done(n, bytes);
        admission.appended();
        acked.complete(appended);
      }
      // else: acknowledged when it is handed over (durable, above)
    });
    return acked.future();
  }

  /** Counts a batch as admitted (and on its way into the log) or refuses it. */
  private void admit(int n, long bytes) {
    admission.admit(n, bytes, this::refuseIfNotTaking, this);
  }

  /** What refuses any batch, however small: a failure, a stop, failing storage, a full sink. */
  private void refuseIfNotTaking() {
    if (fatal != null) {
      throw failedError();
    }
    if (closing || stopped) {
      throw new Overloaded("pipeline '" + id() + "' is stopping; retry shortly");
    }
    storage.admit();
    String waiting = deliveries.backpressure();
    if (waiting != null) {
      throw new Overloaded("pipeline '" + id() + "' is not taking input: " + waiting + "; retry shortly");
    }
  }

  /**
   * Puts a batch at the end of the chain; {@code seq} is its ingest log entry and
   * {@code sourcePosition} its source's position after it, each -1 when it has none. It is processed
   * with its arrival time as the core's "now".
   */
  private Future<Void> enqueue(List<Object> events, long bytes, long seq, long sourcePosition, long arrivalMillis) {
    return enqueue(() -> events, false, bytes, seq, sourcePosition, arrivalMillis, null);
  }

  /**
   * The same, with the events made only when the batch's turn comes ({@code events} counts them as
   * queued); {@code oneAtATime}: the next batch's events are made only once this one is processed (a
   * replay: parsed events weigh several times their text, so they are not all made at once);
   * {@code handedOver} (or null) completes once the batch is handed to the partitions.
   */
  private synchronized Future<Void> enqueue(java.util.function.Supplier<List<Object>> batchEvents, boolean oneAtATime,
      long bytes, long seq, long sourcePosition, long arrivalMillis, Promise<Void> handedOver) {
    long nowMicros = arrivalMillis * 1_000;
    int[] n = new int[1];
    Promise<Void> processed = Promise.promise();
    chain = chain.transform(ignored -> {
      inFlight.begin();
      try {
        List<Object> events = batchEvents.get();
        n[0] = events.size();
        dispatch(events, nowMicros).onComplete(processed);
      } catch (RuntimeException e) {
        processed.tryFail(e);
      }
      // handed over: a checkpoint cut from now on comes after it on every partition
      if (seq > 0) {
        appliedSeq = seq;
      }
      if (sourcePosition >= 0) {
        appliedSourcePosition = sourcePosition;
      }
      if (handedOver != null) {
        handedOver.tryComplete();
      }
      return oneAtATime ? processed.future().transform(r -> Future.<Void>succeededFuture()) : Future.<Void>succeededFuture();
    });
    return processed.future().andThen(r -> {
      admission.done(n[0], bytes);
      arrivals.processed(arrivalMillis);
      trace("processed seq=" + seq + (r.failed() ? " FAILED " + r.cause() : ""));
      if (r.failed() && fatal == null) {
        fail("internal error while processing a batch: " + oneLine(r.cause()), r.cause());
      }
      // A failed pipeline stores no checkpoint after this: a replacement replays the batch from the log.
    }).andThen(r -> inFlight.end());
  }

  private Future<Void> dispatch(List<Object> events, long nowMicros) {
    if (fatal != null) {
      return Future.succeededFuture(); // queued work of a failed pipeline is dropped (it stays in the log)
    }
    Partition[] ps = partitions;
    Batch[] batches = router.split(events, nowMicros);
    List<Future<Object>> parts = new ArrayList<>(ps.length);
    for (int i = 0; i < ps.length; i++) {
      Batch b = batches[i];
      if (b != null && !b.isEmpty()) {
        Partition p = ps[i];
        parts.add(p.call(() -> {
          p.process(b);
          return null;
        }));
      }
    }
    return parts.size() == 1 ? parts.get(0).mapEmpty() : Future.all(parts).mapEmpty();
  }

  /** The server decodes its lines before routing: the router is never given one. */
  private static void unroutedLine(LineDecoder.BadLine bad) {
    throw new IllegalStateException("a line reached the router: " + bad.describe());
  }

  /**
   * End of a finite source: every open window closes (docs/semantics.md). The source's last batch is
   * acknowledged once it is durable, but joins the chain later, from the sequencer's context: the
   * flush joins it from there too, so it comes after that batch instead of before (which left the
   * batch's windows open).
   */
  void finishInput() {
    inputFinished = true;
    sequencer.runOnContext(v -> flushAtEndOfInput());
  }

  private synchronized void flushAtEndOfInput() {
    Partition[] ps = partitions;
    Future<Void> f = chain.transform(ignored -> {
      List<Future<Object>> done = new ArrayList<>();
      for (Partition p : ps) {
        done.add(p.call(() -> {
          p.finish();
          return null;
        }));
      }
      return Future.all(done).<Void>mapEmpty().onSuccess(v -> {
        if (partitions == ps) { // not a version installed meanwhile, whose own source ends it
          endedInEpoch = epoch;
        }
      });
    });
    chain = f.transform(r -> Future.succeededFuture());
  }

  private void flushImmediate() {
    fanout.flush();
  }

  long nowMicros() {
    return time.nowMicros();
  }

  ServerTime time() {
    return time;
  }

  /**
   * The latest time a wake-up may close windows at: now, unless a batch admitted earlier is still to
   * be processed (see {@link ArrivalClock}); {@link Micros#NEG_INFINITY} while a replay is starting.
   */
  long wakeupMicros() {
    long f = arrivals.frontierMillis();
    return f == Long.MIN_VALUE ? Micros.NEG_INFINITY : f * 1_000;
  }

  /** A window output from a partition: see {@link OutputFanout}. */
  void emitted(Map<String, Object> record) {
    fanout.output(record);
  }

  void emittedLate(Map<String, Object> record) {
    fanout.late(record);
  }

  void error(ItemError error) {
    fanout.error(error);
    errorGroups.add(error, java.time.Instant.ofEpochMilli(time.nowMillis()));
  }

  long inCount() {
    return in.get();
  }

  long outCount() {
    return fanout.outCount();
  }

  long lateCount() {
    return fanout.lateCount();
  }

  long errorCount() {
    return fanout.errorCount();
  }

  long pendingEvents() {
    return admission.events();
  }

  /** What the memory budget counts for this pipeline: its partitions' estimate and its queued input. */
  @Override
  public long heldBytes() {
    long n = StateEstimate.queued(admission.bytes());
    for (Partition p : partitions) {
      n += p.stateBytes();
    }
    return n;
  }

  /** This pipeline's own budget in bytes ({@code limits.memory}), 0 for none. */
  @Override
  public long memoryLimit() {
    PipelineDef d = def;
    return d == null ? 0 : d.memoryLimitBytes();
  }

  void memoryBudget(MemoryBudget b) {
    admission.budget(b);
  }

  /** What the last deploy recovered, in words; null when there was no checkpoint. */
  String recovery() {
    return recovery;
  }

  int replayedBatches() {
    return replayedBatches;
  }

  int version() {
    return version;
  }

  /** Items that reached the windows, and windows closed (before {@code then}), summed over the partitions. */
  long[] windowCounts() {
    long items = 0;
    long closed = 0;
    for (Partition p : partitions) {
      items += p.windowedItems();
      closed += p.closedWindows();
    }
    return new long[] {items, closed};
  }

  int openWindows() {
    int n = 0;
    for (Partition p : partitions) {
      n += p.openWindows();
    }
    return n;
  }

  long watermarkMicros() {
    long wm = Micros.NEG_INFINITY;
    for (Partition p : partitions) {
      wm = Math.max(wm, p.watermarkMicros());
    }
    return wm;
  }

  /** The watermark as seconds since the epoch; NaN while there is none. */
  double watermarkSeconds() {
    long wm = watermarkMicros();
    return wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? Double.NaN : wm / 1e6;
  }

  /**
   * How far the watermark was behind the system clock when it last advanced (docs/metrics.md): it
   * stays put while no input comes, since an idle pipeline is behind nothing, and is NaN before the
   * first watermark and once a file source has read all its input. {@code time() -
   * transom_watermark_timestamp_seconds} is the wall-clock age for whoever wants that instead.
   */
  double watermarkLagSeconds() {
    if (inputFinished) {
      return Double.NaN;
    }
    long wm = Micros.NEG_INFINITY;
    long lag = 0;
    for (Partition p : partitions) {
      long w = p.watermarkMicros();
      if (w > wm) {
        wm = w;
        lag = p.lagAtAdvanceMicros();
      }
    }
    return wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? Double.NaN : lag / 1e6;
  }

  long reloads() {
    return reloads.get();
  }

  long rejectedEdits() {
    return rejectedEdits.get();
  }

  long checkpointFailures() {
    return checkpointFailures.get();
  }

  /** Seconds since the epoch of the last stored checkpoint; NaN before the first. */
  double lastCheckpointSuccessSeconds() {
    long t = lastCheckpointSuccessEpochMillis;
    return t < 0 ? Double.NaN : t / 1e3;
  }

  /** 1 when {@link #status()} is {@code s}, else 0: one series per status, as Prometheus state sets go. */
  double statusIs(String s) {
    return s.equals(status()) ? 1 : 0;
  }

  private Throwable failedPartition() {
    for (Partition p : partitions) {
      if (p.failure() != null) {
        return p.failure();
      }
    }
    return null;
  }

  String status() {
    if (fatal != null) {
      return "failed";
    }
    if (stopped) {
      return "stopped";
    }
    if (failedPartition() != null || (failure != null && failure.startsWith("cannot open"))) {
      return "failed";
    }
    if (storage.paused()) {
      return "paused";
    }
    long ended = endedInEpoch;
    return ended >= 0 && epoch > ended ? "finished" : "running";
  }

  /** Records how long an ingest request took to be acknowledged. */
  public void recordIngestLatency(long nanos) {
    PipelineMetrics m = metrics;
    if (m != null) {
      m.ingestLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The pipeline as the API shows it (the README's API table): see {@link PipelineView}. */
  public Future<PipelineView.Summary> describe(boolean withDefinition) {
    return Future.succeededFuture(PipelineView.describe(this, withDefinition));
  }

  /** Open windows, ordered by key then open time, after {@code cursor} (an index), at most {@code limit}. */
  public Future<PipelineView.WindowsPage> openWindows(String key, int cursor, int limit) {
    return PipelineView.openWindows(this, key, cursor, limit);
  }

  public Future<List<Map<String, Object>>> recentOutputs(int limit) {
    return Future.succeededFuture(outputs.recent(limit));
  }

  // What PipelineView shows, read as it is now.

  Partition[] partitions() {
    return partitions;
  }

  Path fileNow() {
    return file;
  }

  List<Problem> problems() {
    return problems;
  }

  long epoch() {
    return epoch;
  }

  /** The last stored checkpoint: how long it took, the state bytes it wrote, the log entry it covers; null before one. */
  long[] lastCheckpoint() {
    return lastCheckpointMillis < 0 ? null : new long[] {lastCheckpointMillis, lastCheckpointBytes, lastCheckpointSeq};
  }

  String memoryRefusal() {
    return admission.budget().refusal(this);
  }

  Deliveries deliveryQueues() {
    return deliveries;
  }

  StorageHealth storage() {
    return storage;
  }

  List<Map<String, Object>> recentErrors() {
    return fanout.recentErrors();
  }

  List<Map<String, Object>> recentLate() {
    return fanout.recentLate();
  }

  /** Why the pipeline does not work as it should, in words, or null. */
  synchronized String describeFailure() {
    if (fatal != null) {
      return fatal;
    }
    Throwable broken = failedPartition();
    if (broken != null) {
      return "internal error: " + broken;
    }
    if (failure != null) {
      return failure;
    }
    if (lastCheckpointError != null) {
      return lastCheckpointError;
    }
    return fanout.problem();
  }

  /** The live outputs and the recent ones, for streams. */
  public OutputFeed outputFeed() {
    return outputs;
  }

  /**
   * Before the first deployment of a host that replaces {@code failed}: its streams, its recent
   * outputs and their ids carry on here, and are told of the new version like of any reload.
   */
  void continueOutputsOf(PipelineHost failed) {
    outputs = failed.outputs;
    reloadWindows = "restored";
    history = failed.history;
    errorGroups = failed.errorGroups;
  }

  /** The dashboard's view of this pipeline's past (see {@link HistorySampler}). */
  PipelineHistory history() {
    return history;
  }

  ItemErrorGroups errorGroups() {
    return errorGroups;
  }

  SinkCounts sinkCounts() {
    return sinkCounts;
  }

  Deliveries deliveries() {
    return deliveries;
  }
}
