package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Outputs;
import dev.transom.compile.Plan;
import dev.transom.compile.PlanDiff;
import dev.transom.components.SinkSet;
import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.Problem;
import dev.transom.io.JsonValues;
import dev.transom.windowing.Micros;
import dev.transom.windowing.OperatorSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One deployed pipeline. Its keys are hash-partitioned over {@code workers} {@link Partition}s,
 * each owning its keys' window state on one event loop; events are prepared (steps, key, time,
 * value) where they arrive and routed to their key's partition. Outputs of all partitions meet
 * here, under this object's lock, on their way to the sinks, the recent-outputs list and the live
 * stream. Lifecycle calls (deploy, redeploy, stop) come from the reload thread, one at a time.
 */
public final class PipelineHost implements Outputs {
  static final int RECENT_OUTPUTS = 1_000;
  static final int RECENT_ERRORS = 20;

  private final Vertx vertx;
  private final Path file;
  private final int workers;
  private final long queueLimit;
  private final MeterRegistry registry;
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Map<String, Object>> recentOutputs = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Object>> recentErrors = new ArrayDeque<>();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong in = new AtomicLong();
  private final AtomicLong out = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile PipelineDef def;
  private volatile Partition[] partitions = new Partition[0];
  private volatile ItemPreparer preparer;
  private String fingerprint;
  private SinkSet sinks = SinkSet.none();
  private SourceRunner source;
  private PipelineMetrics metrics;
  private volatile boolean stopped;
  private volatile String failure;
  private volatile int version;
  private volatile List<Problem> problems = List.of();

  PipelineHost(Vertx vertx, Path file, int workers, long queueLimit, MeterRegistry registry) {
    this.vertx = vertx;
    this.file = file;
    this.workers = Math.max(1, workers);
    this.queueLimit = queueLimit;
    this.registry = registry;
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

  int version() {
    return version;
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

  /** First deployment. */
  void deploy(PipelineDef newDef) {
    install(newDef, null);
  }

  /**
   * A new version of the definition (SPEC §6): a change to stateless parts only keeps every open
   * window; a windowing change flushes the old windows first and starts empty. Returns whether the
   * windows were kept.
   */
  boolean redeploy(PipelineDef newDef) {
    Partition[] old = partitions;
    boolean keep = PlanDiff.windowingFingerprint(newDef).equals(fingerprint) && partitionsFor(newDef) == old.length
        && failedPartition() == null;
    OperatorSnapshot[] kept = null;
    if (keep) {
      kept = new OperatorSnapshot[old.length];
      for (int i = 0; i < old.length; i++) {
        Partition p = old[i];
        kept[i] = p.call(p::snapshot).await();
      }
    } else {
      finishAll(old);
    }
    closeAll(old);
    shutdownIo();
    install(newDef, kept);
    return keep;
  }

  /** Stops the pipeline after a final flush of its open windows. */
  void stop() {
    Partition[] old = partitions;
    finishAll(old);
    closeAll(old);
    shutdownIo();
    stopped = true;
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

  private static void closeAll(Partition[] ps) {
    for (Partition p : ps) {
      p.call(() -> {
        p.close();
        return null;
      }).await();
    }
  }

  private void install(PipelineDef newDef, OperatorSnapshot[] kept) {
    this.def = newDef;
    this.fingerprint = PlanDiff.windowingFingerprint(newDef);
    synchronized (this) {
      try {
        sinks = SinkSet.open(newDef.sinks(), newDef.late(), true);
        failure = null;
      } catch (IOException e) {
        failure = "cannot open sink: " + e.getMessage();
      }
    }
    Plan plan = Plan.of(newDef);
    Partition[] ps = new Partition[partitionsFor(newDef)];
    for (int i = 0; i < ps.length; i++) {
      Partition p = new Partition(vertx, this::flushSinks);
      OperatorSnapshot snap = kept == null ? null : kept[i];
      p.call(() -> {
        p.install(plan, this, snap);
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
    source = SourceRunner.start(vertx, this, newDef.source());
  }

  private synchronized void shutdownIo() {
    if (source != null) {
      source.stop();
      source = null;
    }
    try {
      sinks.close();
    } catch (IOException ignored) {
      // the pipeline is going away; nothing more to tell
    }
    sinks = SinkSet.none();
  }

  /**
   * Feeds parsed events from any thread. Fails with {@link Overloaded} instead of queueing more
   * than the pipeline's limit, so memory stays bounded when producers outrun it.
   */
  public Future<Void> ingest(List<Object> events) {
    int n = events.size();
    if (stopped) {
      return Future.failedFuture(new Overloaded("pipeline '" + id() + "' is stopping; retry shortly"));
    }
    if (pending.addAndGet(n) > queueLimit) {
      pending.addAndGet(-n);
      return Future.failedFuture(new Overloaded("pipeline '" + id() + "' has " + pending.get()
          + " events waiting (limit " + queueLimit + "); retry shortly"));
    }
    in.addAndGet(n);
    Partition[] ps = partitions;
    Future<Void> done;
    if (ps.length == 1) {
      Partition p = ps[0];
      done = p.call(() -> {
        p.accept(events);
        return null;
      });
    } else {
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
      done = Future.all(parts).mapEmpty();
    }
    return done.andThen(r -> pending.addAndGet(-n));
  }

  private void prepareFailed(String field, String message, Object item) {
    error(new ItemError(field, message, item));
  }

  /** End of a finite source: every open window closes (SEMANTICS §2.3). */
  Future<Void> finishInput() {
    List<Future<Object>> done = new ArrayList<>();
    for (Partition p : partitions) {
      done.add(p.call(() -> {
        p.finish();
        return null;
      }));
    }
    return Future.all(done).mapEmpty();
  }

  private synchronized void flushSinks() {
    try {
      sinks.flush();
    } catch (IOException e) {
      failure = "sink: " + e.getMessage();
    }
  }

  static long nowMicros() {
    return dev.transom.io.SystemTime.nowMicros();
  }

  @Override
  public synchronized void output(Map<String, Object> record) {
    out.incrementAndGet();
    try {
      sinks.output(record);
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

  @Override
  public synchronized void late(Map<String, Object> record) {
    late.incrementAndGet();
    try {
      sinks.late(record);
    } catch (IOException e) {
      failure = "late sink: " + e.getMessage();
    }
  }

  @Override
  public synchronized void error(ItemError error) {
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
    m.put("epoch", 0);
    m.put("pending", pending.get());
    m.put("partitions", partitions.length);
    String why = describeFailure();
    if (why != null) {
      m.put("failure", why);
    }
    synchronized (this) {
      m.put("recent_errors", new ArrayList<>(recentErrors));
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
    return sinks.problem();
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
          p.execution().operator().forEachOpenWindow((k, w) -> {
            if (key == null || key.equals(k)) {
              Map<String, Object> r = new LinkedHashMap<>();
              r.put("key", k);
              r.put("open_time", Micros.toInstant(w.openMicros()));
              r.put("close_time", Micros.toInstant(w.closeMicros()));
              r.put("value", w.currentValue());
              r.put("count", w.count());
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
