package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Plan;
import dev.transom.compile.PlanDiff;
import dev.transom.components.SinkSet;
import dev.transom.definition.ClockDef;
import dev.transom.definition.ComponentDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.Problem;
import dev.transom.io.JsonValues;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One deployed pipeline. Its keys are hash-partitioned over {@code workers} {@link Partition}s,
 * each owning its keys' window state on one event loop; events are prepared (steps, key, time,
 * value) where they arrive and routed to their key's partition.
 *
 * <p>Batches and checkpoints pass one at a time through a chain, so a checkpoint sees every
 * partition at the same point of the input: after the last batch it covers, before the next. Each
 * epoch ({@code checkpoint.interval}) stores the partitions' state, the ingest log position and the
 * lengths of the exactly-once file sinks, whose records are written only then (SPEC §7).
 */
public final class PipelineHost {
  static final int RECENT_OUTPUTS = 1_000;
  static final int RECENT_ERRORS = 20;

  private final Vertx vertx;
  /** Where acknowledged HTTP batches join the chain, one after another in log order. */
  private final io.vertx.core.Context sequencer;
  private final Path file;
  private final int workers;
  private final long queueLimit;
  private final MeterRegistry registry;
  /** Where checkpoints go; {@code null} without a data directory. */
  private final CheckpointStore state;
  /** Where HTTP events become durable; the same store in practice, seen through its other interface. */
  private final IngestLog log;
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Map<String, Object>> recentOutputs = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Object>> recentErrors = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Object>> recentLate = new ArrayDeque<>();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong in = new AtomicLong();
  private final AtomicLong out = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile PipelineDef def;
  private volatile Partition[] partitions = new Partition[0];
  private volatile ItemPreparer preparer;
  private String fingerprint;
  private SinkSet immediateSinks = SinkSet.none();
  /** The queued at-least-once sinks (webhook): what checkpoints store of them, and their backlog. */
  private final Deliveries deliveries = new Deliveries();
  private CommittedFiles files;
  private SourceRunner source;
  private PipelineMetrics metrics;
  private volatile boolean stopped;
  private volatile String failure;
  private volatile String recovery;
  private volatile int version;
  private volatile List<Problem> problems = List.of();
  /** Batches and checkpoints, one after the other. */
  private Future<Void> chain = Future.succeededFuture();
  /** The last ingest log entry whose events every partition has processed. */
  private volatile long appliedSeq;
  /** The source's byte position after the last batch every partition has processed (file sources). */
  private volatile long appliedSourcePosition;
  private volatile long epoch;
  private volatile String lastCheckpointError;
  private volatile long lastCheckpointMillis = -1;
  private volatile long lastCheckpointBytes = -1;
  private volatile long lastCheckpointSeq = -1;
  private long epochTimer = -1;
  /** Records of replaced partitions (a reload) still to be written at the next checkpoint. */
  private final List<byte[]> carryOutputs = new ArrayList<>();
  private final List<byte[]> carryLate = new ArrayList<>();
  private final List<Checkpoint.TableRow> carryRows = new ArrayList<>();
  /** Set while installing state loaded from the store: its partitions need no full rewrite. */
  private boolean keptIsStored;

  PipelineHost(Vertx vertx, Path file, int workers, long queueLimit, MeterRegistry registry, CheckpointStore state,
      IngestLog log) {
    this.vertx = vertx;
    this.sequencer = vertx.getOrCreateContext();
    this.file = file;
    this.workers = Math.max(1, workers);
    this.queueLimit = queueLimit;
    this.registry = registry;
    this.state = state;
    this.log = log;
  }

  /** The pipeline cannot take a batch now; the client should retry (HTTP 503 with Retry-After). */
  public static final class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
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

  /** How many events may wait to be processed; a larger batch can never be taken. */
  public long queueLimit() {
    return queueLimit;
  }

  void reportProblems(List<Problem> p) {
    problems = List.copyOf(p);
  }

  /** A pipeline whose watermark is shared by all keys keeps them in one partition. */
  private int partitionsFor(PipelineDef d) {
    return d.clock() instanceof ClockDef.Event e && e.pipelineScope() ? 1 : workers;
  }

  /**
   * First deployment: resumes from the pipeline's last checkpoint when its windowing is unchanged,
   * then replays the ingest log after it (SPEC §7).
   */
  void deploy(PipelineDef newDef) {
    Optional<Checkpoint> cp = state == null ? Optional.empty() : state.load(newDef.id());
    OperatorSnapshot[] kept = null;
    keptIsStored = false;
    Map<String, Long> marks = Map.of();
    if (cp.isPresent()) {
      Checkpoint c = cp.get();
      appliedSeq = c.ingestSeq();
      appliedSourcePosition = c.sourcePosition();
      epoch = c.epoch();
      marks = c.sinkMarks();
      deliveries.restore(c.deliveries()); // outputs still owed, whatever happens to the windows below
      String fp = PlanDiff.windowingFingerprint(newDef);
      PipelineDef replaced = c.fingerprint().equals(fp) ? null : replacedVersion(c);
      if (replaced != null) {
        finishInterruptedReload(replaced, c, newDef);
        return;
      }
      if (!c.fingerprint().equals(fp)) {
        recovery = "checkpoint " + c.epoch() + " belongs to another windowing (key, value, clock, window or aggregate "
            + "changed): not applied; the pipeline started empty";
      } else if (c.partitions().size() != partitionsFor(newDef)) {
        recovery = "checkpoint " + c.epoch() + " has " + c.partitions().size() + " partitions, now "
            + partitionsFor(newDef) + " (--workers changed): not applied; the pipeline started empty";
      } else {
        try {
          kept = restore(c);
          keptIsStored = true;
          recovery = "resumed from checkpoint " + c.epoch();
        } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
          kept = null;
          recovery = "checkpoint " + c.epoch() + " is damaged (" + e.getMessage() + "): the pipeline started empty";
        }
      }
    }
    install(newDef, kept, marks);
    keptIsStored = false;
    replayLog();
  }

  private static OperatorSnapshot[] restore(Checkpoint c) throws dev.transom.state.SnapshotCodec.Corrupt {
    OperatorSnapshot[] kept = new OperatorSnapshot[c.partitions().size()];
    for (int i = 0; i < kept.length; i++) {
      dev.transom.state.PartitionState ps = c.partitions().get(i);
      kept[i] = dev.transom.state.PartitionState.assemble(ps.header(), new ArrayList<>(ps.buckets().values()));
    }
    return kept;
  }

  /**
   * The version a windowing change was replacing when the server stopped before the new version's
   * first checkpoint, when {@code c} was taken for that and still compiles to its windowing.
   */
  private PipelineDef replacedVersion(Checkpoint c) {
    if (c.flushDefinition() == null) {
      return null;
    }
    dev.transom.definition.DefinitionLoader.Result old =
        dev.transom.definition.DefinitionLoader.load(file.getFileName().toString(), c.flushDefinition());
    if (!old.ok() || !PlanDiff.windowingFingerprint(old.definition()).equals(c.fingerprint())
        || c.partitions().size() != partitionsFor(old.definition())) {
      return null;
    }
    return old.definition();
  }

  /**
   * Redoes a windowing-change reload a crash cut short: the old version's windows come back from
   * the checkpoint taken just before their flush, are flushed into the new version's first
   * checkpoint as the reload would have, and the new version then replays the log after it.
   */
  private void finishInterruptedReload(PipelineDef replaced, Checkpoint c, PipelineDef newDef) {
    OperatorSnapshot[] kept;
    try {
      kept = restore(c);
    } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
      install(newDef, null, c.sinkMarks());
      recovery = "checkpoint " + c.epoch() + " is damaged (" + e.getMessage() + "): the pipeline started empty";
      replayLog();
      return;
    }
    keptIsStored = true;
    install(replaced, kept, c.sinkMarks());
    keptIsStored = false;
    redeploy(newDef);
    recovery = "checkpoint " + c.epoch() + " was taken as the windowing changed and the server stopped before the new "
        + "version's first checkpoint: the old version's open windows were flushed, then the new version started empty";
    replayLog();
  }

  private void replayLog() {
    if (log == null) {
      return;
    }
    String id = def.id();
    log.replay(id, appliedSeq, entry -> {
      List<Object> events = parseLines(entry.events());
      pending.addAndGet(events.size());
      in.addAndGet(events.size());
      enqueue(events, entry.seq(), -1);
    });
  }

  private static List<Object> parseLines(String text) {
    List<Object> events = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        try {
          events.add(JsonValues.parse(line));
        } catch (JsonValues.Invalid e) {
          // was validated before it was logged; a line that does not parse now is skipped
        }
      }
    }
    return events;
  }

  /**
   * A removal a crash cut short (its file is gone, its checkpoint still holds {@code old}): brings
   * the version back from that checkpoint and the log after it, then stops it as the removal would
   * have, flushing its open windows into its exactly-once sinks.
   */
  void finishInterruptedStop(PipelineDef old) {
    deploy(old);
    stop();
  }

  /**
   * A new version of the definition (SPEC §6): a change to stateless parts only keeps every open
   * window; a windowing change flushes the old windows first and starts empty. Returns whether the
   * windows were kept.
   */
  boolean redeploy(PipelineDef newDef) {
    chain.await();
    Partition[] old = partitions;
    boolean keep = PlanDiff.windowingFingerprint(newDef).equals(fingerprint) && partitionsFor(newDef) == old.length
        && failedPartition() == null;
    OperatorSnapshot[] kept = null;
    if (!keep) {
      // Until the new version's first checkpoint, the flushed windows' records exist only in
      // memory: this checkpoint (the old state plus the old definition) lets a restart redo the flush.
      checkpoint(def.text()).await();
      finishAll(old);
      Faults.at("reload-after-flush");
    } else {
      kept = new OperatorSnapshot[old.length];
      for (int i = 0; i < old.length; i++) {
        Partition p = old[i];
        kept[i] = p.call(p::fullSnapshot).await();
      }
    }
    List<Partition.Cut> cuts = cutAll(old);
    synchronized (carryOutputs) {
      for (Partition.Cut c : cuts) {
        carryOutputs.addAll(c.outputs());
        carryLate.addAll(c.late());
        carryRows.addAll(c.rows());
      }
    }
    closeAll(old);
    shutdownIo();
    install(newDef, kept, null);
    checkpoint().await();
    return keep;
  }

  /** Stops the pipeline after a final flush of its open windows, and forgets its state. */
  void stop() {
    chain.await();
    Partition[] old = partitions;
    // As in redeploy: if the server stops before the checkpoint below, a restart redoes the flush.
    checkpoint(def.text()).await();
    finishAll(old);
    Faults.at("stop-after-flush");
    stopped = true;
    checkpoint().await(); // writes the flushed windows to the exactly-once files
    closeAll(old);
    shutdownIo();
    if (state != null) {
      state.forget(def.id()).join();
    }
    removeMetrics();
  }

  /** Server shutdown: a final checkpoint, windows stay open for the next start. */
  void suspend() {
    chain.await();
    checkpoint().await();
    stopped = true;
    closeAll(partitions);
    shutdownIo();
    removeMetrics();
  }

  private void removeMetrics() {
    if (metrics != null) {
      metrics.remove();
      metrics = null;
    }
  }

  private static void finishAll(Partition[] ps) {
    List<Future<Object>> done = new ArrayList<>();
    for (Partition p : ps) {
      done.add(p.call(() -> {
        p.finish();
        return null;
      }));
    }
    Future.all(done).await();
  }

  private static List<Partition.Cut> cutAll(Partition[] ps) {
    List<Future<Partition.Cut>> cuts = new ArrayList<>();
    for (Partition p : ps) {
      cuts.add(p.call(p::cut));
    }
    Future.all(cuts).await();
    List<Partition.Cut> out = new ArrayList<>();
    for (Future<Partition.Cut> f : cuts) {
      out.add(f.result());
    }
    return out;
  }

  private static void closeAll(Partition[] ps) {
    for (Partition p : ps) {
      p.call(() -> {
        p.close();
        return null;
      }).await();
    }
  }

  /** @param marks the checkpointed file lengths to cut the exactly-once files back to, or null */
  private void install(PipelineDef newDef, OperatorSnapshot[] kept, Map<String, Long> marks) {
    this.def = newDef;
    this.fingerprint = PlanDiff.windowingFingerprint(newDef);
    try {
      List<ComponentDef> immediate = newDef.sinks().stream().filter(s -> !isTransactional(s)).toList();
      ComponentDef lateImmediate = newDef.late() != null && !isTransactional(newDef.late()) ? newDef.late() : null;
      immediateSinks = SinkSet.open(immediate, lateImmediate, true);
      deliveries.attach(newDef.id(), immediateSinks);
      files = new CommittedFiles(newDef.sinks(), newDef.late(), marks == null ? Map.of() : marks);
      failure = null;
    } catch (IOException e) {
      failure = "cannot open sink: " + e.getMessage();
      if (files == null) {
        try {
          files = new CommittedFiles(List.of(), null, Map.of());
        } catch (IOException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
    List<String> outputTables = newDef.sinks().stream().filter(s -> s.kind().equals("h2"))
        .map(s -> s.text("table", null)).toList();
    String lateTable = newDef.late() != null && newDef.late().kind().equals("h2") ? newDef.late().text("table", null) : null;
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
    for (int i = 0; i < ps.length; i++) {
      Partition p = new Partition(vertx, this, this::flushImmediate);
      OperatorSnapshot snap = kept == null ? null : kept[i];
      p.call(() -> {
        p.install(plan, snap, stored, stageOutputs, stageLate, outputTables, lateTable);
        return null;
      }).await();
      ps[i] = p;
    }
    preparer = ps[0].call(() -> ps[0].execution().preparer()).await();
    partitions = ps;
    stopped = false;
    problems = List.of();
    version++;
    if (metrics == null && registry != null) {
      metrics = new PipelineMetrics(registry, this, newDef.id());
    }
    if (metrics != null) {
      metrics.deliveries(deliveries);
    }
    source = SourceRunner.start(vertx, this, newDef.source(), appliedSourcePosition);
    startEpochTimer(newDef.checkpointIntervalMicros());
  }

  /** File and h2 sinks are written at checkpoints only (exactly-once); the others at once. */
  private static boolean isTransactional(ComponentDef s) {
    return s.kind().equals("file") || s.kind().equals("h2");
  }

  private void startEpochTimer(long intervalMicros) {
    if (epochTimer >= 0) {
      vertx.cancelTimer(epochTimer);
    }
    long millis = Math.max(10, intervalMicros / 1_000);
    epochTimer = vertx.setPeriodic(millis, id -> {
      if (!stopped) {
        checkpoint();
      }
    });
  }

  private synchronized void shutdownIo() {
    if (epochTimer >= 0) {
      vertx.cancelTimer(epochTimer);
      epochTimer = -1;
    }
    if (source != null) {
      source.stop();
      source = null;
    }
    try {
      immediateSinks.close();
    } catch (IOException ignored) {
      // the pipeline is going away; nothing more to tell
    }
    immediateSinks = SinkSet.none();
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

  /** @param flushDefinition see {@link Checkpoint#flushDefinition()} */
  private synchronized Future<Void> checkpoint(String flushDefinition) {
    Partition[] ps = partitions;
    Promise<Void> done = Promise.promise();
    chain = chain.transform(ignored -> {
      long started = System.nanoTime();
      List<Future<Partition.Cut>> cuts = new ArrayList<>();
      for (Partition p : ps) {
        cuts.add(p.call(p::cut));
      }
      return Future.all(cuts).compose(all -> {
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
        long seq = appliedSeq;
        long position = appliedSourcePosition;
        boolean save = usable;
        long stateBytes = states.stream().mapToLong(b -> b == null ? 0 : b.bytes()).sum();
        return vertx.executeBlocking(() -> {
          try {
            List<Checkpoint.Delivery> queued = deliveries.collect(); // after every cut: see Deliveries
            Map<String, Long> marks = files.write(outs, lates);
            if (state != null && save) {
              try {
                state.save(new Checkpoint(def.id(), epoch + 1, fingerprint, states, seq, position, marks, rows,
                    flushDefinition, queued)).join();
              } catch (RuntimeException e) {
                files.undoLastWrite();
                throw e;
              }
              epoch++;
            }
            lastCheckpointBytes = stateBytes;
            lastCheckpointSeq = seq;
            return null;
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
      }).<Void>mapEmpty().transform(r -> {
        if (r.failed()) {
          for (Partition p : ps) {
            p.call(() -> {
              p.requireFullCut(); // the store missed these changes: write everything next time
              return null;
            });
          }
          Throwable cause = r.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
              ? c.getCause() : r.cause();
          lastCheckpointError = "checkpoint of epoch " + (epoch + 1) + " failed, retrying at the next epoch: "
              + cause.getMessage();
        } else {
          lastCheckpointError = null;
          lastCheckpointMillis = (System.nanoTime() - started) / 1_000_000;
          PipelineMetrics m = metrics;
          if (m != null) {
            m.checkpointDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          }
        }
        done.complete();
        return Future.succeededFuture();
      });
    });
    return done.future();
  }

  /**
   * Feeds events from a source that is not logged (file, generator), through the same chain.
   * Fails with {@link Overloaded} instead of queueing more than the pipeline's limit.
   */
  public Future<Void> ingest(List<Object> events, long sourcePosition) {
    int n = events.size();
    admit(n);
    in.addAndGet(n);
    return enqueue(events, -1, sourcePosition);
  }

  /**
   * Makes a batch of HTTP events durable in the ingest log, then feeds it (SPEC §7: acknowledged
   * means it survives a crash). Completes when the batch is durable; a batch id seen before is
   * acknowledged again without being appended or processed twice.
   */
  public Future<IngestLog.Appended> ingestDurably(byte[] text, List<Object> events, String batchId) {
    int n = events.size();
    admit(n);
    if (log == null) {
      in.addAndGet(n);
      return enqueue(events, -1, -1).map(v -> new IngestLog.Appended(0, false));
    }
    Promise<IngestLog.Appended> acked = Promise.promise();
    // Appends complete on the ingest thread in log order. The batch is handed to one event-loop
    // context, which runs tasks in the order given, so the order holds; the ingest thread itself
    // only commits (preparing events there used to delay the next group commit).
    log.append(def.id(), batchId, text).whenComplete((appended, error) -> {
      if (error != null) {
        pending.addAndGet(-n);
        acked.fail(new Overloaded("could not make the events durable (" + error.getMessage() + "); retry"));
      } else if (appended.duplicate()) {
        pending.addAndGet(-n);
        acked.complete(appended);
      } else {
        in.addAndGet(n);
        sequencer.runOnContext(v -> enqueue(events, appended.seq(), -1));
        acked.complete(appended);
      }
    });
    return acked.future();
  }

  private void admit(int n) {
    if (stopped) {
      throw new Overloaded("pipeline '" + id() + "' is stopping; retry shortly");
    }
    String waiting = deliveries.backpressure();
    if (waiting != null) {
      throw new Overloaded("pipeline '" + id() + "' is not taking input: " + waiting + "; retry shortly");
    }
    if (pending.addAndGet(n) > queueLimit) {
      pending.addAndGet(-n);
      throw new Overloaded("pipeline '" + id() + "' has " + pending.get() + " events waiting (limit " + queueLimit
          + "); retry shortly");
    }
  }

  /**
   * Puts a batch at the end of the chain; {@code seq} is its ingest log entry and
   * {@code sourcePosition} its source's position after it, each -1 when it has none.
   */
  private synchronized Future<Void> enqueue(List<Object> events, long seq, long sourcePosition) {
    int n = events.size();
    Future<Void> batch = chain.transform(ignored -> dispatch(events)).andThen(r -> {
      pending.addAndGet(-n);
      if (seq > 0) {
        appliedSeq = seq;
      }
      if (sourcePosition >= 0) {
        appliedSourcePosition = sourcePosition;
      }
    });
    chain = batch.transform(r -> Future.succeededFuture());
    return batch;
  }

  private Future<Void> dispatch(List<Object> events) {
    Partition[] ps = partitions;
    if (ps.length == 1) {
      Partition p = ps[0];
      return p.call(() -> {
        p.accept(events);
        return null;
      });
    }
    // Prepare here (stateless), then hand each partition the events of its keys.
    List<List<ItemPreparer.Prepared>> buckets = new ArrayList<>(ps.length);
    for (int i = 0; i < ps.length; i++) {
      buckets.add(new ArrayList<>());
    }
    ItemPreparer prep = preparer;
    for (Object e : events) {
      ItemPreparer.Prepared p = prep.prepare(e, this::prepareFailed);
      if (p != null) {
        buckets.get(Math.floorMod(p.key().hashCode(), ps.length)).add(p);
      }
    }
    List<Future<Object>> parts = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      List<ItemPreparer.Prepared> bucket = buckets.get(i);
      if (!bucket.isEmpty()) {
        Partition p = ps[i];
        parts.add(p.call(() -> {
          p.process(bucket);
          return null;
        }));
      }
    }
    return Future.all(parts).mapEmpty();
  }

  private void prepareFailed(String field, String message, Object item) {
    error(new ItemError(field, message, item));
  }

  /** End of a finite source: every open window closes (SEMANTICS §2.3). */
  synchronized Future<Void> finishInput() {
    Partition[] ps = partitions;
    Future<Void> f = chain.transform(ignored -> {
      List<Future<Object>> done = new ArrayList<>();
      for (Partition p : ps) {
        done.add(p.call(() -> {
          p.finish();
          return null;
        }));
      }
      return Future.all(done).mapEmpty();
    });
    chain = f.transform(r -> Future.succeededFuture());
    return f;
  }

  private synchronized void flushImmediate() {
    try {
      immediateSinks.flush();
    } catch (IOException e) {
      failure = "sink: " + e.getMessage();
    }
  }

  static long nowMicros() {
    return dev.transom.io.SystemTime.nowMicros();
  }

  /** A window output from a partition: counted, shown, streamed, and sent to the at-least-once sinks. */
  synchronized void emitted(Map<String, Object> record) {
    out.incrementAndGet();
    try {
      immediateSinks.output(record);
    } catch (IOException e) {
      failure = "sink: " + e.getMessage();
    }
    recentOutputs.addLast(record);
    if (recentOutputs.size() > RECENT_OUTPUTS) {
      recentOutputs.removeFirst();
    }
    if (!subscribers.isEmpty()) {
      String json = JsonValues.toJson(record);
      for (Consumer<String> s : subscribers) {
        s.accept(json);
      }
    }
  }

  synchronized void emittedLate(Map<String, Object> record) {
    late.incrementAndGet();
    recentLate.addLast(record);
    if (recentLate.size() > RECENT_ERRORS) {
      recentLate.removeFirst();
    }
    try {
      immediateSinks.late(record);
    } catch (IOException e) {
      failure = "late sink: " + e.getMessage();
    }
  }

  synchronized void error(ItemError error) {
    errors.incrementAndGet();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("time", Instant.now());
    e.put("field", error.field());
    e.put("message", error.message());
    e.put("item", error.item());
    recentErrors.addLast(e);
    if (recentErrors.size() > RECENT_ERRORS) {
      recentErrors.removeFirst();
    }
  }

  long inCount() {
    return in.get();
  }

  long outCount() {
    return out.get();
  }

  long lateCount() {
    return late.get();
  }

  long errorCount() {
    return errors.get();
  }

  long pendingEvents() {
    return pending.get();
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

  double watermarkLagSeconds() {
    long wm = watermarkMicros();
    return wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? Double.NaN : (nowMicros() - wm) / 1e6;
  }

  private RuntimeException failedPartition() {
    for (Partition p : partitions) {
      if (p.failure() != null) {
        return p.failure();
      }
    }
    return null;
  }

  String status() {
    if (stopped) {
      return "stopped";
    }
    return failedPartition() != null || (failure != null && failure.startsWith("cannot open")) ? "failed" : "running";
  }

  /** Records how long an ingest request took to be acknowledged. */
  public void recordIngestLatency(long nanos) {
    PipelineMetrics m = metrics;
    if (m != null) {
      m.ingestLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The pipeline as the API shows it (SPEC §5). */
  public Future<Map<String, Object>> describe(boolean withDefinition) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", def.id());
    m.put("status", status());
    m.put("file", Pipelines.display(file));
    m.put("version", version);
    m.put("problems", ProblemsJson.of(problems));
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("in", in.get());
    counters.put("out", out.get());
    counters.put("late", late.get());
    counters.put("errors", errors.get());
    m.put("counters", counters);
    long wm = watermarkMicros();
    m.put("watermark", wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? null : Micros.toInstant(wm));
    m.put("open_windows", openWindows());
    m.put("epoch", epoch);
    if (lastCheckpointMillis >= 0) {
      Map<String, Object> cp = new LinkedHashMap<>();
      cp.put("millis", lastCheckpointMillis);
      cp.put("state_bytes", lastCheckpointBytes);
      cp.put("ingest_seq", lastCheckpointSeq);
      m.put("last_checkpoint", cp);
    }
    m.put("pending", pending.get());
    m.put("partitions", partitions.length);
    m.put("deliveries", deliveries.describe());
    String why = describeFailure();
    if (why != null) {
      m.put("failure", why);
    }
    if (recovery != null) {
      m.put("recovery", recovery);
    }
    synchronized (this) {
      m.put("recent_errors", new ArrayList<>(recentErrors));
      m.put("recent_late", new ArrayList<>(recentLate));
    }
    if (def.clock() instanceof ClockDef.Event e) {
      m.put("clock", Map.of("kind", "event", "wait_seconds", e.waitMicros() / 1e6, "scope", e.pipelineScope() ? "pipeline" : "key"));
    } else {
      m.put("clock", Map.of("kind", "system"));
    }
    if (withDefinition) {
      m.put("definition", def.text());
    }
    return Future.succeededFuture(m);
  }

  private synchronized String describeFailure() {
    RuntimeException broken = failedPartition();
    if (broken != null) {
      return "internal error: " + broken;
    }
    if (failure != null) {
      return failure;
    }
    if (lastCheckpointError != null) {
      return lastCheckpointError;
    }
    return immediateSinks.problem();
  }

  public synchronized Future<List<Map<String, Object>>> recentOutputs(int limit) {
    List<Map<String, Object>> all = new ArrayList<>(recentOutputs);
    return Future.succeededFuture(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  /** Open windows, ordered by key then open time, after {@code cursor} (an index), at most {@code limit}. */
  public Future<Map<String, Object>> openWindows(String key, int cursor, int limit) {
    List<Future<List<Map<String, Object>>>> parts = new ArrayList<>();
    for (Partition p : partitions) {
      parts.add(p.call(() -> {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (p.execution() != null) {
          var op = p.execution().operator();
          long now = nowMicros();
          op.forEachOpenWindow((k, w) -> {
            if (key == null || key.equals(k)) {
              Map<String, Object> r = new LinkedHashMap<>();
              r.put("key", k);
              r.put("open_time", Micros.toInstant(w.openMicros()));
              r.put("close_time", Micros.toInstant(w.closeMicros()));
              r.put("value", w.currentValue());
              r.put("count", w.count());
              long wm = op.watermark(k, now);
              r.put("watermark", wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? null : Micros.toInstant(wm));
              long closes = op.expectedCloseMicros(k, w);
              r.put("closes_at", closes == Micros.POS_INFINITY ? null : Micros.toInstant(Math.max(closes, now)));
              rows.add(r);
            }
          });
        }
        return rows;
      }));
    }
    return Future.all(parts).map(cf -> {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        List<Map<String, Object>> part = cf.resultAt(i);
        rows.addAll(part);
      }
      rows.sort((a, b) -> {
        int c = ((String) a.get("key")).compareTo((String) b.get("key"));
        return c != 0 ? c : ((Instant) a.get("open_time")).compareTo((Instant) b.get("open_time"));
      });
      int from = Math.min(cursor, rows.size());
      int to = Math.min(rows.size(), from + limit);
      Map<String, Object> page = new LinkedHashMap<>();
      page.put("windows", new ArrayList<>(rows.subList(from, to)));
      page.put("next", to < rows.size() ? String.valueOf(to) : null);
      return page;
    });
  }

  /** Live outputs as JSON text; returns the handle to unsubscribe with. */
  public Consumer<String> subscribe(Consumer<String> subscriber) {
    subscribers.add(subscriber);
    return subscriber;
  }

  public void unsubscribe(Consumer<String> subscriber) {
    subscribers.remove(subscriber);
  }
}
