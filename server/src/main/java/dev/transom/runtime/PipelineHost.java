package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.compile.PlanDiff;
import dev.transom.components.RecordSink;
import dev.transom.definition.ComponentDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.Problem;
import dev.transom.io.JsonValues;
import dev.transom.windowing.Micros;
import dev.transom.windowing.OperatorSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One deployed pipeline, confined to one Vert.x event-loop context: every call that touches its
 * execution runs there, so the window state needs no locks. Sets a timer for the core's next
 * wake-up so windows close on time without input.
 */
public final class PipelineHost implements Outputs {
  static final int RECENT_OUTPUTS = 1_000;
  static final int RECENT_ERRORS = 20;

  private final Vertx vertx;
  private final Context context;
  private final Path file;
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Map<String, Object>> recentOutputs = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Object>> recentErrors = new ArrayDeque<>();
  private PipelineDef def;
  private String fingerprint;
  private PipelineExecution exec;
  private List<RecordSink> sinks = List.of();
  private RecordSink lateSink;
  private SourceRunner source;
  private long timerId = -1;
  private long timerDueMicros = Micros.POS_INFINITY;
  private volatile String status = "running";
  private volatile String failure;
  private volatile int version;
  private volatile List<Problem> problems = List.of();
  // Written on the context only; read racily by metrics and the API (monitoring needs no more).
  private long in;
  private long out;
  private long late;
  private long errors;
  private volatile int openWindows;
  private volatile long watermarkMicros = Micros.NEG_INFINITY;
  private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
  private final long queueLimit;
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private PipelineMetrics metrics;

  PipelineHost(Vertx vertx, Path file, long queueLimit, io.micrometer.core.instrument.MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.file = file;
    this.queueLimit = queueLimit;
    this.registry = registry;
  }

  /** The pipeline cannot take a batch now; the client should retry (HTTP 503 with Retry-After). */
  public static final class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  long inCount() {
    return in;
  }

  long outCount() {
    return out;
  }

  long lateCount() {
    return late;
  }

  long errorCount() {
    return errors;
  }

  int openWindows() {
    return openWindows;
  }

  /** How many events may wait to be processed; a larger batch can never be taken. */
  public long queueLimit() {
    return queueLimit;
  }

  long pendingEvents() {
    return pending.get();
  }

  double watermarkLagSeconds() {
    long wm = watermarkMicros;
    return wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? Double.NaN : (nowMicros() - wm) / 1e6;
  }

  /** Records how long an ingest request took to be acknowledged. */
  public void recordIngestLatency(long nanos) {
    PipelineMetrics m = metrics;
    if (m != null) {
      m.ingestLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** Runs {@code action} on this pipeline's context and completes with its result. */
  <T> Future<T> call(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
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

  void reportProblems(List<Problem> p) {
    problems = List.copyOf(p);
  }

  /** First deployment of a definition (on the context). */
  Future<Void> deploy(PipelineDef newDef) {
    return call(() -> {
      install(newDef, null);
      return null;
    });
  }

  /**
   * A new version of the definition (SPEC §6): a change to stateless parts only keeps every open
   * window; a windowing change flushes the old windows first and starts empty.
   */
  Future<Boolean> redeploy(PipelineDef newDef) {
    return call(() -> {
      boolean keep = PlanDiff.windowingFingerprint(newDef).equals(fingerprint) && exec != null
          && "running".equals(status);
      OperatorSnapshot kept = null;
      try {
        if (keep) {
          kept = exec.snapshot();
        } else if (exec != null && "running".equals(status)) {
          exec.finish();
        }
      } catch (RuntimeException e) {
        keep = false; // a failed pipeline starts afresh
        kept = null;
      }
      shutdownIo();
      install(newDef, kept);
      return keep;
    });
  }

  /** Stops the pipeline after a final flush of its open windows. */
  Future<Void> stop() {
    return call(() -> {
      try {
        if (exec != null && "running".equals(status)) {
          exec.finish();
          flushSinks();
        }
      } catch (RuntimeException e) {
        fail(e);
      }
      shutdownIo();
      cancelTimer();
      status = "stopped";
      if (metrics != null) {
        metrics.remove();
        metrics = null;
      }
      return null;
    });
  }

  private void install(PipelineDef newDef, OperatorSnapshot kept) {
    this.def = newDef;
    this.fingerprint = PlanDiff.windowingFingerprint(newDef);
    this.exec = Plan.of(newDef).start(this);
    if (kept != null) {
      exec.restore(kept);
    }
    try {
      List<RecordSink> opened = new ArrayList<>();
      for (ComponentDef s : newDef.sinks()) {
        opened.add(openSink(s));
      }
      sinks = opened;
      lateSink = newDef.late() == null ? null : openSink(newDef.late());
      status = "running";
      failure = null;
    } catch (IOException e) {
      status = "failed";
      failure = "cannot open sink: " + e.getMessage();
    }
    problems = List.of();
    version++;
    if (metrics == null && registry != null) {
      metrics = new PipelineMetrics(registry, this, newDef.id());
    }
    source = SourceRunner.start(vertx, this, newDef.source());
    reschedule();
  }

  private static RecordSink openSink(ComponentDef s) throws IOException {
    return dev.transom.components.ComponentSpecs.open(s, true);
  }

  private void shutdownIo() {
    if (source != null) {
      source.stop();
      source = null;
    }
    for (RecordSink s : sinks) {
      closeQuietly(s);
    }
    sinks = List.of();
    if (lateSink != null) {
      closeQuietly(lateSink);
      lateSink = null;
    }
  }

  private static void closeQuietly(RecordSink s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // the pipeline is going away; nothing more to tell
    }
  }

  /** Feeds parsed events (called on the context). */
  void acceptOnContext(List<Object> events) {
    if (exec == null || !"running".equals(status)) {
      return;
    }
    long now = nowMicros();
    try {
      for (Object e : events) {
        in++;
        exec.accept(e, now);
      }
      flushSinks();
      reschedule();
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /**
   * A fault of ours inside this pipeline: it stops taking events and says why; other pipelines
   * are untouched, and the next change of its file starts it afresh.
   */
  private void fail(RuntimeException e) {
    status = "failed";
    failure = "internal error: " + e;
    cancelTimer();
  }

  private void refreshGauges() {
    if (exec != null) {
      openWindows = exec.operator().openWindowCount();
      watermarkMicros = exec.operator().pipelineWatermark(nowMicros());
    }
  }

  /**
   * Feeds parsed events from any thread. Fails with {@link Overloaded} instead of queueing more
   * than the pipeline's limit, so memory stays bounded when producers outrun it.
   */
  public Future<Void> ingest(List<Object> events) {
    int n = events.size();
    if (pending.addAndGet(n) > queueLimit) {
      pending.addAndGet(-n);
      return Future.failedFuture(new Overloaded("pipeline '" + id() + "' has " + pending.get()
          + " events waiting (limit " + queueLimit + "); retry shortly"));
    }
    return call(() -> {
      try {
        acceptOnContext(events);
      } finally {
        pending.addAndGet(-n);
      }
      return null;
    });
  }

  /** End of a finite source: every open window closes (SEMANTICS §2.3). */
  void finishOnContext() {
    if (exec != null) {
      exec.finish();
      flushSinks();
      reschedule();
    }
  }

  private void reschedule() {
    if (exec == null) {
      return;
    }
    refreshGauges();
    long due = exec.nextWakeMicros();
    if (due == timerDueMicros && timerId >= 0) {
      return;
    }
    cancelTimer();
    if (due == Micros.POS_INFINITY) {
      return;
    }
    long delayMillis = Math.max(1, (due - nowMicros() + 999) / 1_000);
    timerDueMicros = due;
    timerId = vertx.setTimer(delayMillis, id -> {
      timerId = -1;
      timerDueMicros = Micros.POS_INFINITY;
      if (exec != null && "running".equals(status)) {
        try {
          exec.advance(nowMicros());
          flushSinks();
          reschedule();
        } catch (RuntimeException e) {
          fail(e);
        }
      }
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
      timerDueMicros = Micros.POS_INFINITY;
    }
  }

  private void flushSinks() {
    try {
      for (RecordSink s : sinks) {
        s.flush();
      }
      if (lateSink != null) {
        lateSink.flush();
      }
    } catch (IOException e) {
      sinkFailed(e);
    }
  }

  private void sinkFailed(IOException e) {
    failure = "sink: " + e.getMessage();
  }

  static long nowMicros() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  @Override
  public void output(Map<String, Object> record) {
    out++;
    try {
      for (RecordSink s : sinks) {
        s.write(record);
      }
    } catch (IOException e) {
      sinkFailed(e);
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
  public void late(Map<String, Object> record) {
    late++;
    if (lateSink != null) {
      try {
        lateSink.write(record);
      } catch (IOException e) {
        sinkFailed(e);
      }
    }
  }

  @Override
  public void error(ItemError error) {
    errors++;
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("time", java.time.Instant.now());
    e.put("field", error.field());
    e.put("message", error.message());
    e.put("item", error.item());
    recentErrors.addLast(e);
    if (recentErrors.size() > RECENT_ERRORS) {
      recentErrors.removeFirst();
    }
  }

  /** The pipeline as the API shows it (SPEC §5), computed on the context. */
  public Future<Map<String, Object>> describe(boolean withDefinition) {
    return call(() -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", def.id());
      m.put("status", status);
      m.put("file", Pipelines.display(file));
      m.put("version", version);
      m.put("problems", ProblemsJson.of(problems));
      Map<String, Object> counters = new LinkedHashMap<>();
      counters.put("in", in);
      counters.put("out", out);
      counters.put("late", late);
      counters.put("errors", errors);
      m.put("counters", counters);
      long now = nowMicros();
      long wm = exec == null ? Micros.NEG_INFINITY : exec.operator().pipelineWatermark(now);
      m.put("watermark", wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? null : Micros.toInstant(wm));
      m.put("open_windows", exec == null ? 0 : exec.operator().openWindowCount());
      m.put("pending", pending.get());
      m.put("epoch", 0);
      String sinkProblem = null;
      for (RecordSink s : sinks) {
        if (s.problem() != null) {
          sinkProblem = s.problem();
        }
      }
      if (failure != null || sinkProblem != null) {
        m.put("failure", failure != null ? failure : sinkProblem);
      }
      m.put("recent_errors", new ArrayList<>(recentErrors));
      if (withDefinition) {
        m.put("definition", def.text());
      }
      return m;
    });
  }

  public Future<List<Map<String, Object>>> recentOutputs(int limit) {
    return call(() -> {
      List<Map<String, Object>> all = new ArrayList<>(recentOutputs);
      return all.subList(Math.max(0, all.size() - limit), all.size());
    });
  }

  /** Open windows, ordered by key then open time, after {@code cursor} (an index), at most {@code limit}. */
  public Future<Map<String, Object>> openWindows(String key, int cursor, int limit) {
    return call(() -> {
      List<Map<String, Object>> rows = new ArrayList<>();
      if (exec != null) {
        exec.operator().forEachOpenWindow((k, w) -> {
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
      rows.sort((a, b) -> {
        int c = ((String) a.get("key")).compareTo((String) b.get("key"));
        return c != 0 ? c : ((java.time.Instant) a.get("open_time")).compareTo((java.time.Instant) b.get("open_time"));
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
