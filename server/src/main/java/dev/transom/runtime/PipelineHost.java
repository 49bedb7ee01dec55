package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.components.ComponentSpecs;
import dev.transom.components.H2Sink;
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
 * One deployed pipeline: its versions' lifecycle (deploy and recovery, reload, stop, shutdown,
 * failure) and the parts that do the work, each a class of its own:
 * <ul>
 *   <li>{@link Ingest}: admission, the ingest log, arrival times, hand-over in log order;
 *   <li>{@link BatchChain}: the order batches, checkpoints and swaps reach the partitions in;
 *   <li>{@link Partition}s (see {@link Partitions}): each owns its key groups' windows on its own
 *       event loop; the engine's {@link dev.transom.engine.Router} prepares and routes to them;
 *   <li>{@link Checkpointer}: each epoch's barrier cut, written after the one before it;
 *   <li>{@link CheckpointRestore}: what a deployment resumes from;
 *   <li>{@link OutputFanout}, {@link Deliveries}, {@link CommittedFiles}: where outputs go;
 *   <li>{@link PipelineView}: what the API shows.
 * </ul>
 *
 * <p>Why this file is still long: a version swap, a stop, a shutdown and a failure each move the
 * same facts in a fixed order (hold the chain, flush or keep the windows, checkpoint until
 * stored, close the partitions and sinks, install the next version, start its source, its epoch
 * timer and its meters). Split across classes, that order would be split too. The rest is the
 * accessors the API, metrics and dashboard read.
 */
public final class PipelineHost implements MemoryBudget.Holder {
  static final int RECENT_OUTPUTS = 1_000;

  private final Vertx vertx;
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
  /** The last window outputs as the operator made them, before {@code then} (kept only when there are steps). */
  private final java.util.ArrayDeque<Map<String, Object>> beforeThen = new java.util.ArrayDeque<>();
  public static final int RECENT_BEFORE_THEN = 100;
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
  /** Reloads that changed the definition's text, and edits refused while this version kept running (metrics). */
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong rejectedEdits = new AtomicLong();
  /** A file source (without {@code follow}) has read all its input: its watermark lags behind nothing. */
  private volatile boolean inputFinished;
  private final SinkCounts sinkCounts = new SinkCounts();
  /** The dashboard's history and error groups; a replacement of a failed version carries them on. */
  private volatile PipelineHistory history = new PipelineHistory();
  private volatile ItemErrorGroups errorGroups = new ItemErrorGroups();
  /** How long a stop or a shutdown waits for the exactly-once kafka sinks to commit what is released. */
  private static final long KAFKA_CLOSE_WAIT_MILLIS = 10_000;
  private volatile PipelineDef def;
  /** Whether the running version's expressions read {@code meta} (its source then says it per event). */
  private volatile boolean readsMeta;
  private volatile Partition[] partitions = new Partition[0];
  /** Prepares and routes each batch to its partitions (used on the chain: one batch at a time). */
  private volatile Router router;
  private String fingerprint;
  /** The queued at-least-once sinks (webhook): what checkpoints store of them, and their backlog. */
  private final Deliveries deliveries = new Deliveries();
  private CommittedFiles files;
  /** The exactly-once kafka sinks of the current version (see {@link CommittedTopics}). */
  private CommittedTopics topics = CommittedTopics.none();
  /** What a checkpoint being recovered stored for the exactly-once kafka sinks, for the next install. */
  private List<Checkpoint.Delivery> restoredTopics = List.of();
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
  private final BatchChain chain = new BatchChain(new BatchChain.Target() {
    @Override
    public Future<Void> dispatch(List<Object> events, long nowMicros) {
      return PipelineHost.this.dispatch(events, nowMicros);
    }

    @Override
    public void processed(int events, long bytes, long seq, long arrivalMillis, io.vertx.core.AsyncResult<Void> result) {
      PipelineHost.this.processed(events, bytes, seq, arrivalMillis, result);
    }
  });
  /**
   * The epoch in progress when a finite source's input ended and every window was flushed, or -1:
   * the pipeline is {@code finished} once a checkpoint after it has written what the flush emitted.
   */
  private volatile long endedInEpoch = -1;
  private volatile long epochTimer = -1;
  /** Set while a deployment replays the log: the source starts after it. */
  private boolean deferSource;
  /** Set while installing state loaded from the store: its partitions need no full rewrite. */
  private boolean keptIsStored;
  /** Pauses the pipeline while its checkpoints or ingest log writes fail, and resumes it. */
  private final StorageHealth storage;
  private final Checkpointer checkpoints;
  private final Ingest ingest;
  /** What its partitions call back. */
  private final Partition.Owner partitionOwner = new Partition.Owner() {
    @Override
    public void output(Map<String, Object> record) {
      fanout.output(record);
    }

    @Override
    public void late(Map<String, Object> record) {
      fanout.late(record);
    }

    @Override
    public void error(ItemError error) {
      PipelineHost.this.error(error);
    }

    @Override
    public void beforeThen(Map<String, Object> record) {
      synchronized (beforeThen) {
        beforeThen.addLast(record);
        if (beforeThen.size() > RECENT_BEFORE_THEN) {
          beforeThen.removeFirst();
        }
      }
    }

    @Override
    public void partitionFailed(Throwable e, String during) {
      fail("internal error while " + during + ": " + oneLine(e), e);
    }

    @Override
    public ServerTime time() {
      return time;
    }

    @Override
    public long wakeupMicros() {
      return PipelineHost.this.wakeupMicros();
    }
  };
  /** How a definition stored with a checkpoint is loaded again (as its file was). */
  private final dev.transom.definition.PathPolicy paths;

  PipelineHost(Vertx vertx, ServerTime time, Path file, int workers, long queueLimit, MeterRegistry registry,
      CheckpointStore state, IngestLog log, dev.transom.definition.PathPolicy paths) {
    this.vertx = vertx;
    this.time = time;
    this.arrivals = new ArrivalClock(time::nowMillis);
    this.fanout = new OutputFanout(() -> outputs, sinkCounts, time.clock());
    this.file = file;
    this.workers = Math.max(1, workers);
    this.admission = new Admission(this::id, queueLimit);
    this.registry = registry;
    this.state = state;
    this.log = log;
    this.storage = new StorageHealth(this, log);
    this.ingest = new Ingest(() -> def.id(), log, admission, arrivals, storage, chain, newContext(vertx),
        this::refuseIfNotTaking, this, this::error);
    this.checkpoints = new Checkpointer(vertx, time, state, deliveries, sinkCounts, storage, new Checkpointer.Owner() {
      @Override
      public boolean failed() {
        return fatal != null;
      }

      @Override
      public RuntimeException failedError() {
        return PipelineHost.this.failedError();
      }

      @Override
      public void fail(String reason, Throwable cause) {
        PipelineHost.this.fail(reason, cause);
      }

      @Override
      public PipelineHistory history() {
        return history;
      }

      @Override
      public PipelineMetrics metrics() {
        return metrics;
      }
    });
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
    trace(def == null ? "?" : def.id(), what);
  }

  static void trace(String pipeline, String what) {
    if (TRACE) {
      System.err.println("trace " + System.currentTimeMillis() + " " + pipeline + " " + what);
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

  /** Whether the running version reads {@code meta}: a source that knows it then sends {@code WithMeta} events. */
  boolean readsMeta() {
    return readsMeta;
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
        reason, Pipelines.display(file), checkpoints.epoch());
    long t = epochTimer;
    if (t >= 0) {
      time.timers().cancel(t);
    }
    Partitions.release(partitions);
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
    String stuck = Partitions.stuck(partitions, nowNanos, limitNanos);
    if (stuck != null) {
      fail(stuck, null);
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
    Partitions.release(partitions);
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
    // Files the checkpoint has no length for go back to where they were before their first records.
    Map<String, Long> marks = new LinkedHashMap<>(state == null ? Map.of() : state.sinkStarts(newDef.id()));
    if (cp.isPresent()) {
      Checkpoint c = cp.get();
      chain.resumeAt(c.ingestSeq(), c.sourcePosition(), c.sourceState());
      checkpoints.resumeFrom(c);
      marks.putAll(c.sinkMarks());
      // outputs still owed, whatever happens to the windows below
      deliveries.restore(c.deliveries().stream().filter(d -> !CommittedTopics.ours(d)).toList());
      restoredTopics = c.deliveries().stream().filter(CommittedTopics::ours).toList();
    }
    List<IngestLog.Entry> logged = readLog(newDef.id());
    replayedBatches = logged.size();
    CheckpointRestore.Resume r = cp.isEmpty() ? new CheckpointRestore.Resume(newDef, null, false, null, null)
        : CheckpointRestore.resume(cp.get(), newDef, file.getFileName().toString(), paths, this::partitionsFor);
    recovery = r.recovery();
    keptIsStored = r.stored();
    try {
      install(r.first(), r.kept(), marks);
    } finally {
      keptIsStored = false;
    }
    if (r.then() != null) {
      redeploy(r.then()); // the interrupted reload, done again: flushes the old windows
    }
    replay(logged);
  }

  /**
   * The batches logged after the checkpoint. A file source resumes after the last of them (they are
   * replayed from the log, not read again).
   */
  private List<IngestLog.Entry> readLog(String id) {
    List<IngestLog.Entry> logged = new ArrayList<>();
    long readPosition = chain.appliedSourcePosition();
    String readState = chain.appliedSourceState();
    if (log != null) {
      log.replay(id, chain.appliedSeq(), logged::add);
    }
    for (IngestLog.Entry e : logged) {
      if (e.mark() != null) {
        readPosition = e.mark().endOffset(); // the last one: a file read again from 0 goes back
        readState = e.mark().state();
      }
    }
    ingest.readFrom(readPosition, readState);
    return logged;
  }

  /** Feeds the logged batches again, each at the time it first arrived. */
  private void replay(List<IngestLog.Entry> logged) {
    for (IngestLog.Entry entry : logged) {
      // Parsed as its turn comes, not all at once: parsed events weigh several times their text.
      arrivals.replaying(entry.arrivalMillis());
      trace("replay seq=" + entry.seq() + " at=" + entry.arrivalMillis());
      admission.queued(0, entry.events().length);
      chain.batch(() -> {
        List<Object> events = Ingest.parseLines(entry.events(), entry.mark(), this::error);
        ingest.replayed(events.size());
        admission.queued(events.size(), 0);
        return events;
      }, true, entry.events().length, entry.seq(), entry.mark(), entry.arrivalMillis(), null);
    }
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
  private Future<Void> holdChain(Promise<Void> gate) {
    return chain.hold(gate, checkpoints::written);
  }

  /** Whether a reload to {@code newDef} would keep the open windows (else it flushes them first). */
  boolean wouldKeep(PipelineDef newDef) {
    return PlanDiff.windowingFingerprint(newDef).equals(fingerprint) && partitionsFor(newDef) == partitions.length;
  }

  /** A flush of a copy of every partition's state (see {@link Partition#previewFlush}); the pipeline is untouched. */
  Future<List<Partition.FlushPreview>> previewFlush(int maxWindows) {
    if (!previewing.compareAndSet(false, true)) {
      return Future.failedFuture(new Overloaded("a preview of pipeline '" + def.id() + "' is being worked out; try again"
          + " when it is done"));
    }
    Partition[] ps = partitions;
    List<Future<Partition.FlushPreview>> parts = new ArrayList<>(ps.length);
    for (Partition p : ps) {
      parts.add(p.call(() -> p.previewFlush(maxWindows)));
    }
    return Future.all(parts).map(all -> parts.stream().map(Future::result).toList())
        .onComplete(r -> previewing.set(false));
  }

  /** One preview's flush at a time per pipeline: each copies the whole state. */
  private final java.util.concurrent.atomic.AtomicBoolean previewing = new java.util.concurrent.atomic.AtomicBoolean();

  private boolean swap(PipelineDef newDef) {
    trace("swap begins, applied seq=" + chain.appliedSeq());
    Partition[] old = partitions;
    boolean keep = wouldKeep(newDef) && failedPartition() == null;
    OperatorSnapshot[] kept = null;
    if (!keep) {
      synchronized (beforeThen) {
        beforeThen.clear(); // the new windowing's outputs are another shape: a preview must not run new steps on these
      }
      // Until the new version's first checkpoint, the flushed windows' records exist only in
      // memory: this checkpoint (the old state plus the old definition) lets a restart redo the flush.
      checkpointUntilStored(def.text());
      finishAll(old);
      Faults.at("reload-after-flush");
    }
    // Snapshot, cut and stop in one task per partition: a wake-up in between would close a window
    // that the kept snapshot still holds open, and the new version would emit it again.
    List<Partition.HandOver> handOvers = await(Partitions.handOver(old, keep));
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
    checkpoints.carry(cuts);
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
    // the flush's kafka records are committed before the checkpoint that owes them is forgotten
    topics.awaitClosed(KAFKA_CLOSE_WAIT_MILLIS);
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
    topics.awaitClosed(KAFKA_CLOSE_WAIT_MILLIS); // the last epoch in Kafka before the process exits
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
    await(Partitions.finish(ps));
    if (fatal != null) {
      throw failedError(); // a window's flush broke it: what comes next would store a broken state
    }
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
    this.readsMeta = dev.transom.compile.WithMeta.readBy(newDef);
    if (reloadWindows != null) {
      // Before the new partitions exist: nothing of the new version can reach a stream ahead of it.
      outputs.reload(newDef.id(), version + 1, reloadWindows);
      reloadWindows = null;
    }
    this.fingerprint = PlanDiff.windowingFingerprint(newDef);
    try {
      List<ComponentDef> immediate = newDef.sinks().stream().filter(s -> !ComponentSpecs.exactlyOnce(s)).toList();
      ComponentDef lateImmediate = newDef.late() != null && !ComponentSpecs.exactlyOnce(newDef.late()) ? newDef.late() : null;
      SinkSet immediateSinks = SinkSet.open(immediate, lateImmediate, true);
      fanout.use(immediateSinks);
      deliveries.attach(newDef.id(), immediateSinks);
      files = new CommittedFiles(newDef.sinks(), newDef.late(), marks == null ? Map.of() : marks);
      CommittedTopics previous = topics;
      topics = new CommittedTopics(newDef.id(), newDef.sinks(), newDef.late());
      topics.takeOver(previous);
      topics.restore(restoredTopics);
      restoredTopics = List.of();
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
    List<String> outputTables = newDef.sinks().stream().map(H2Sink::tableOf).filter(java.util.Objects::nonNull)
        .toList();
    String lateTable = newDef.late() == null ? null : H2Sink.tableOf(newDef.late());
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
    boolean stageOutputs = files.hasOutputs() || topics.hasOutputs();
    boolean stageLate = files.hasLate() || topics.hasLate();
    boolean stored = keptIsStored && kept != null;
    // Each partition restores its windows on its own event loop, all at once; all have ended when
    // this goes on, or throws the first one's failure.
    List<Future<Object>> installs = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      Partition p = new Partition(vertx, partitionOwner, this::flushImmediate);
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
      metrics.transactions(topics);
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
      source = SourceRunner.start(vertx, this, def.source(), ingest.readPosition());
    }
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
    topics.close();
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
    return chain.appliedSeq();
  }

  /** Completes once every batch, flush and checkpoint queued so far is done (for tests' barriers). */
  Future<Void> drained() {
    return chain.drained(checkpoints::written);
  }

  /** @param flushDefinition see {@link Checkpoint#flushDefinition()} */
  private Future<Void> checkpoint(String flushDefinition) {
    Promise<Void> done = Promise.promise();
    // A checkpoint queued behind a stop finds its files closed: the stop took the last one.
    chain.then(() -> {
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
    return checkpoints.take(new Checkpointer.Request(partitions, def.id(), fingerprint, files, topics, chain.appliedSeq(),
        chain.appliedSourcePosition(), chain.appliedSourceState(), flushDefinition));
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
            + " {}", def.id(), flushDefinition != null ? "reload or removal" : "swap", checkpoints.lastError());
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
    return ingest.generated(events);
  }

  /**
   * Makes a batch of HTTP events durable in the ingest log, then feeds it (see {@link Ingest}).
   * Completes when the batch is durable and handed over; a batch id seen before is acknowledged
   * again without being appended or processed twice.
   */
  public Future<IngestLog.Appended> ingestDurably(byte[] text, List<Object> events, String batchId) {
    return ingest.durably(text, events, batchId);
  }

  /** A batch a file source read (see {@link Ingest#read}). */
  Future<IngestLog.Appended> ingestRead(byte[] text, IngestLog.SourceMark mark) {
    return ingest.read(text, mark);
  }

  /** A batch a source parsed itself (see {@link Ingest#read(byte[], List, IngestLog.SourceMark, List)}). */
  Future<IngestLog.Appended> ingestRead(byte[] text, List<Object> events, IngestLog.SourceMark mark,
      List<dev.transom.compile.ItemError> bad) {
    return ingest.read(text, events, mark, bad);
  }

  /** Where a file source goes on reading: after the last batch it handed over (logged or not). */
  long readPosition() {
    return ingest.readPosition();
  }

  /** A kafka source was assigned a partition: its lag becomes a meter ({@code lag} reads it). */
  void consumerLag(String topic, int partition, java.util.function.Supplier<Number> lag) {
    PipelineMetrics m = metrics;
    if (m != null) {
      m.consumerLag(topic, partition, lag);
    }
  }

  /** The source state the last stored checkpoint holds (a kafka source commits it to its group, for monitoring). */
  String checkpointedSourceState() {
    return checkpoints.committedSourceState();
  }

  /** Where a source whose position is more than an offset goes on reading (see {@link IngestLog.SourceMark#state()}). */
  String readState() {
    return ingest.readState();
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

  /** A batch was processed everywhere (or failed): it is no longer queued, and no wake-up waits for it. */
  private void processed(int n, long bytes, long seq, long arrivalMillis, io.vertx.core.AsyncResult<Void> r) {
    admission.done(n, bytes);
    arrivals.processed(arrivalMillis);
    trace("processed seq=" + seq + (r.failed() ? " FAILED " + r.cause() : ""));
    if (r.failed() && fatal == null) {
      fail("internal error while processing a batch: " + oneLine(r.cause()), r.cause());
    }
    // A failed pipeline stores no checkpoint after this: a replacement replays the batch from the log.
  }

  private Future<Void> dispatch(List<Object> events, long nowMicros) {
    if (fatal != null) {
      return Future.succeededFuture(); // queued work of a failed pipeline is dropped (it stays in the log)
    }
    return Partitions.process(partitions, router.split(events, nowMicros));
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
    ingest.afterAcknowledged(this::flushAtEndOfInput);
  }

  private void flushAtEndOfInput() {
    Partition[] ps = partitions;
    chain.then(() -> Partitions.finish(ps).onSuccess(v -> {
        if (partitions == ps) { // not a version installed meanwhile, whose own source ends it
          endedInEpoch = checkpoints.epoch();
        }
      }));
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

  void error(ItemError error) {
    fanout.error(error);
    errorGroups.add(error, java.time.Instant.ofEpochMilli(time.nowMillis()));
  }

  long inCount() {
    return ingest.count();
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
    return StateEstimate.queued(admission.bytes()) + Partitions.stateBytes(partitions);
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
    return Partitions.windowCounts(partitions);
  }

  int openWindows() {
    return Partitions.openWindows(partitions);
  }

  long watermarkMicros() {
    return Partitions.watermarkMicros(partitions);
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
    return inputFinished ? Double.NaN : Partitions.lagSeconds(partitions);
  }

  long reloads() {
    return reloads.get();
  }

  long rejectedEdits() {
    return rejectedEdits.get();
  }

  long checkpointFailures() {
    return checkpoints.failures();
  }

  /** Seconds since the epoch of the last stored checkpoint; NaN before the first. */
  double lastCheckpointSuccessSeconds() {
    return checkpoints.lastSuccessSeconds();
  }

  /** 1 when {@link #status()} is {@code s}, else 0: one series per status, as Prometheus state sets go. */
  double statusIs(String s) {
    return s.equals(status()) ? 1 : 0;
  }

  private Throwable failedPartition() {
    return Partitions.failure(partitions);
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
    return ended >= 0 && checkpoints.epoch() > ended ? "finished" : "running";
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
  /** A request the pipeline's definition rules out (a 409): why, in one line. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  /** What a close on request did: the windows it closed, and whether the checkpoint holding them is stored. */
  public record Closed(int windows, boolean stored, String storageError) {}

  /**
   * Closes the open windows of {@code key} ({@code null}: every key) at once, as a record that late
   * would ({@link dev.transom.windowing.WindowOperator#closeNow}), then takes a checkpoint, so what
   * they emitted is written with it and survives a crash from then on. Queued behind the batches
   * (and reloads) handed over before it, and judged on the version that runs then: a refusal fails
   * with {@link Refused}. Completes once that checkpoint is stored (or failed: said in the result).
   */
  public Future<Closed> closeNow(String key) {
    if (fatal != null) {
      return Future.failedFuture(failedError());
    }
    Promise<Closed> done = Promise.promise();
    chain.then(() -> {
      long now = wakeupMicros();
      if (stopped || closing) {
        done.fail(new Overloaded("pipeline '" + def.id() + "' is stopping"));
      } else if (now == Micros.NEG_INFINITY) {
        done.fail(new Overloaded("pipeline '" + def.id() + "' is still replaying its log; try again in a moment"));
      } else {
        Partition[] ps = partitions;
        List<Future<Integer>> parts = new ArrayList<>(ps.length);
        for (Partition p : ps) {
          parts.add(p.call(() -> p.closeNow(key, now)));
        }
        // queued on each partition after its close: the cut holds what the close emitted
        Future<Void> stored = checkpointNow(null);
        Future.all(parts).onComplete(closedAll -> {
          if (closedAll.failed()) {
            done.fail(closedAll.cause());
            return;
          }
          int closed = parts.stream().mapToInt(Future::result).sum();
          history.closed(time.nowMillis(), version, key, closed, openWindows());
          LifecycleLog.info(LifecycleLog.CLOSE, def.id()).addKeyValue("windows", closed)
              .addKeyValue("key", key).log("pipeline '{}': {} open window(s) closed on request{}", def.id(), closed,
                  key == null ? ", of every key" : ", of key '" + key + "'");
          stored.onComplete(r -> done.complete(new Closed(closed, r.succeeded(),
              r.succeeded() ? null : String.valueOf(checkpoints.lastError()))));
        });
      }
      return Future.succeededFuture();
    });
    return done.future();
  }

  public Future<PipelineView.WindowsPage> openWindows(String key, int cursor, int limit) {
    return PipelineView.openWindows(this, key, cursor, limit);
  }

  /**
   * The last {@code limit} window outputs before the {@code then} steps ran on them: those steps'
   * input, for a preview of new ones. Without steps the outputs are those records.
   */
  List<Map<String, Object>> recentBeforeThen(int limit) {
    if (def.then().isEmpty()) {
      return outputs.recent(limit);
    }
    synchronized (beforeThen) {
      List<Map<String, Object>> all = new ArrayList<>(beforeThen);
      return all.subList(Math.max(0, all.size() - limit), all.size());
    }
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
    return checkpoints.epoch();
  }

  /** The last stored checkpoint: how long it took, the state bytes it wrote, the log entry it covers; null before one. */
  long[] lastCheckpoint() {
    return checkpoints.last();
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
    String checkpointError = checkpoints.lastError();
    if (checkpointError != null) {
      return checkpointError;
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

  /** The partitions the source reads, with their offsets and lag (kafka); none for other sources. */
  List<PipelineShape.SourcePartition> sourcePartitions() {
    SourceRunner s = source;
    return s == null ? List.of() : s.partitions();
  }

  /** The exactly-once kafka sinks of the running version. */
  CommittedTopics topics() {
    return topics;
  }

  Deliveries deliveries() {
    return deliveries;
  }
}
