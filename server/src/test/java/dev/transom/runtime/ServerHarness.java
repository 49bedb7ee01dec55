package dev.transom.runtime;

import dev.transom.definition.PathPolicy;
import dev.transom.io.IngestBody;
import dev.transom.io.ObjectLines;
import dev.transom.state.Database;
import dev.transom.state.H2State;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's pipelines in this process, on a clock the test moves: a real H2 file database and
 * ingest log in a temporary directory, real event loops, no HTTP. A test processes items, moves
 * time, checkpoints, crashes (drops everything without the shutdown's final checkpoint) and starts
 * again over the same directory, then compares what was committed, in the style of Flink's operator
 * test harnesses. The end-to-end tests prove the same of the jar with real kills.
 */
final class ServerHarness implements AutoCloseable {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final Path defs;
  private final Path data;
  private int workers;
  private final long queueLimit;
  private long nowMicros = START.getEpochSecond() * 1_000_000L;
  private Vertx vertx;
  private ManualTime time;
  private H2State state;
  private Pipelines pipelines;

  ServerHarness(Path root, int workers, long queueLimit) throws Exception {
    this.defs = Files.createDirectories(root.resolve("definitions"));
    this.data = root.resolve("data");
    this.workers = workers;
    this.queueLimit = queueLimit;
  }

  ServerHarness(Path root) throws Exception {
    this(root, 2, 100_000);
  }

  /** A harness started with one pipeline, {@code id}, defined by {@code yaml}. */
  static ServerHarness running(Path root, String id, String yaml) throws Exception {
    return running(root, 2, 100_000, id, yaml);
  }

  static ServerHarness running(Path root, int workers, long queueLimit, String id, String yaml) throws Exception {
    ServerHarness h = new ServerHarness(root, workers, queueLimit);
    h.define(id, yaml);
    return h.start();
  }

  /** The partitions of the next {@link #start} (a restart with another {@code --workers}). */
  ServerHarness workers(int n) {
    this.workers = n;
    return this;
  }

  /** Starts (or starts again): recovery from the directory's checkpoints and ingest log, as a server start does. */
  ServerHarness start() throws Exception {
    // more event loops than one pipeline's contexts: a busy partition never holds another's loop
    vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(8));
    time = new ManualTime(vertx, nowMicros);
    state = new H2State(Database.open(data));
    pipelines = new Pipelines(vertx, time.serverTime(), defs, workers, queueLimit, null, state, PathPolicy.AS_WRITTEN);
    pipelines.loadAll();
    return this;
  }

  /** Samples the dashboard's history once a second of the manual clock, as a server does. */
  void sampleHistory() {
    HistorySampler.start(pipelines);
  }

  /** Writes a definition file and has the running server load it (a reload when it exists). */
  Pipelines.ReloadResult define(String id, String yaml) throws Exception {
    Path f = defs.resolve(id + ".yaml");
    Files.writeString(f, yaml);
    return pipelines == null ? null : pipelines.reload(f);
  }

  /** The server's pipelines, for what the API asks of them (a view, a PUT). */
  Pipelines pipelines() {
    return pipelines;
  }

  PipelineHost host(String id) {
    PipelineHost h = pipelines.get(id);
    if (h == null) {
      throw new AssertionError("no pipeline " + id);
    }
    return h;
  }

  /** Posts JSON lines as the API does (durably logged, then processed), and waits until they are processed. */
  void post(String id, String... lines) throws Exception {
    byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    IngestBody.Parsed parsed = IngestBody.parse(body, new ObjectLines());
    if (!parsed.ok()) {
      throw new AssertionError("bad test input: " + parsed.refusal());
    }
    get(host(id).ingestDurably(body, parsed.events(), null));
    settle(id);
  }

  /** Posts without waiting for processing; throws what the API would answer 503 for. */
  void postNoWait(String id, String... lines) throws Exception {
    byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    get(host(id).ingestDurably(body, IngestBody.parse(body, new ObjectLines()).events(), null));
  }

  /** Waits until the pipeline has processed what it admitted, and each partition has done its tasks. */
  void settle(String id) throws Exception {
    PipelineHost h = host(id);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (h.pendingEvents() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(id + " still has " + h.pendingEvents() + " events pending");
      }
      Thread.sleep(1);
    }
    get(h.drained()); // the batches, flushes and checkpoints queued so far
    get(h.openWindows(null, 0, 1)); // and a task on every partition after them (their timers' work)
  }

  /** Moves the clock (firing wake-ups and checkpoint timers due on the way), then lets every pipeline settle. */
  void advance(Duration d) throws Exception {
    time.advance(d);
    nowMicros = time.nowMicros();
    for (PipelineHost h : pipelines.hosts()) {
      settle(h.id());
    }
  }

  long nowMicros() {
    return time.nowMicros();
  }

  void checkpoint(String id) throws Exception {
    get(host(id).checkpoint());
  }

  /** The open windows, {@code key open_time -> value}. */
  Map<String, Object> windows(String id) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (PipelineView.WindowRow r : get(host(id).openWindows(null, 0, 100_000)).windows()) {
      out.put(r.key() + " " + r.openTime(), r.value());
    }
    return out;
  }

  /** A crash: nothing of the shutdown runs (no final checkpoint, no flush); the store is let go. */
  void crash() throws Exception {
    nowMicros = time.nowMicros();
    PipelineHost.shuttingDown = false;
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    state.close();
    pipelines = null;
  }

  /** A clean stop, as SIGTERM does: a final checkpoint of every pipeline. */
  void stop() throws Exception {
    nowMicros = time.nowMicros();
    List<String> abandoned = pipelines.suspendAll(Duration.ofSeconds(20));
    PipelineHost.shuttingDown = false; // static: the other tests of this JVM
    state.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    pipelines = null;
    if (!abandoned.isEmpty()) {
      throw new AssertionError("abandoned at stop: " + abandoned);
    }
  }

  /** The rows an h2 sink committed to {@code table}: {@code key open_time record}, in commit order. */
  List<String> rows(String table) throws Exception {
    String url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("transom") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;COMPRESS=TRUE";
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT record_key, open_time, record FROM \"" + table + "\" ORDER BY id")) {
      while (r.next()) {
        out.add(r.getString(1) + " " + r.getObject(2, java.time.OffsetDateTime.class).toInstant() + " " + r.getString(3));
      }
    }
    return out;
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (pipelines != null) {
      crash();
    }
  }
}
