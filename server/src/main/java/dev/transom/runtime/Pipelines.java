package dev.transom.runtime;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The pipelines of a definitions directory: loads each file, and on every change validates first,
 * keeps the running version when the new text is invalid (showing its problems), and otherwise
 * swaps or restarts the pipeline (SPEC §6). All changes go through {@link #reload}.
 *
 * <p>Isolation: changes are serialized per file (a PUT locks the file its id lives in), never
 * globally, so a pipeline that hangs can hold up only changes to itself. Ids are claimed under a
 * short lock of their own. A pipeline that failed (see {@link PipelineHost#fail}) is replaced,
 * not swapped: the next valid version starts from its last good checkpoint and replays the ingest
 * log after it, as after a restart. A watchdog fails a pipeline whose task runs too long.
 */
public final class Pipelines {
  private final Vertx vertx;
  private final Path dir;
  private final Map<String, PipelineHost> byId = new ConcurrentHashMap<>();
  private final Map<Path, PipelineHost> byFile = new ConcurrentHashMap<>();
  /** Files whose text never validated: shown in the API as failed pipelines. */
  private final Map<Path, List<Problem>> broken = new ConcurrentHashMap<>();
  /** One lock per definition file (absolute, normalized): changes to one file, one at a time. */
  private final Map<Path, java.util.concurrent.locks.ReentrantLock> locks = new ConcurrentHashMap<>();
  /** Which file holds each id, deployed or being deployed; guarded by itself. */
  private final Map<String, Path> owners = new java.util.HashMap<>();
  /** Files refused because their id was taken, by that id: reloaded once it is free. */
  private final Map<String, java.util.Set<Path>> waitingForId = new java.util.HashMap<>();
  private volatile java.util.concurrent.ScheduledExecutorService watchdog;

  private final int workers;
  private final long queueLimit;
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final dev.transom.state.H2State state;
  private volatile MemoryBudget budget = MemoryBudget.NONE;
  /** Where file sources and sinks may lead; every definition loaded here is judged and resolved by it. */
  private final dev.transom.definition.PathPolicy paths;

  public Pipelines(Vertx vertx, Path dir, int workers, long queueLimit, io.micrometer.core.instrument.MeterRegistry registry,
      dev.transom.state.H2State state, dev.transom.definition.PathPolicy paths) {
    this.vertx = vertx;
    this.dir = dir;
    this.workers = workers;
    this.queueLimit = queueLimit;
    this.registry = registry;
    this.state = state;
    this.paths = paths;
  }

  /** Sets the memory budget every pipeline deployed from now on is held to (before {@link #loadAll}). */
  public void memoryBudget(MemoryBudget b) {
    budget = b;
  }

  private PipelineHost newHost(Path file) {
    PipelineHost h = new PipelineHost(vertx, file, workers, queueLimit, registry, state, state, paths);
    h.memoryBudget(budget);
    return h;
  }

  public Path directory() {
    return dir;
  }

  /** The path policy definitions are judged by here (for {@code POST /api/validate} too). */
  public dev.transom.definition.PathPolicy paths() {
    return paths;
  }

  /**
   * Runs {@code work} (file writes, then a reload) on a plain thread: a reload waits for pipelines
   * to answer on their event loops, which Vert.x forbids on its own threads.
   */
  public <T> Future<T> offLoop(java.util.concurrent.Callable<T> work) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    Thread t = new Thread(() -> {
      try {
        promise.complete(work.call());
      } catch (Throwable e) { // NOPMD: an Error too must answer the request that waits
        promise.fail(e);
      }
    }, "transom-reload");
    t.setDaemon(true);
    t.start();
    return promise.future();
  }

  /** Loads every definition in the directory, then finishes removals a crash cut short. */
  public void loadAll() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Pipelines::isDefinition).sorted().toList()) {
        try {
          reload(p);
        } catch (RuntimeException e) {
          // reported by reload; the other files still load
        }
      }
    }
    finishInterruptedStops();
  }

  /**
   * A pipeline whose file was removed flushes its open windows and forgets its state; a crash in
   * between leaves its last checkpoint holding its definition. Its windows are flushed now. While
   * some definition does not load, this waits for the next start: that file may be the pipeline's.
   */
  private void finishInterruptedStops() {
    if (state == null) {
      return;
    }
    for (Map.Entry<String, String> e : state.pendingFlushes().entrySet()) {
      String id = e.getKey();
      if (byId.containsKey(id)) {
        continue; // its definition is there: deploying it took care of the checkpoint
      }
      if (!broken.isEmpty()) {
        System.err.println("transom: pipeline '" + id + "' was being removed when the server stopped; its open windows "
            + "are flushed once every definition loads (some do not), so none of its state is dropped by mistake");
        continue;
      }
      DefinitionLoader.Result old = DefinitionLoader.load(id + " (removed)", e.getValue(), paths);
      if (!old.ok()) {
        System.err.println("transom: pipeline '" + id + "' was being removed when the server stopped, and its stored "
            + "definition no longer loads (" + old.problems().get(0) + "); its checkpoint is kept");
        continue;
      }
      newHost(dir.resolve(id + ".yaml"))
          .finishInterruptedStop(old.definition());
      System.err.println("transom: pipeline '" + id + "' was being removed when the server stopped; its open windows "
          + "were flushed now and its state forgotten");
    }
  }

  static boolean isDefinition(Path p) {
    String n = p.getFileName().toString();
    return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
  }

  private java.util.concurrent.locks.ReentrantLock lockFor(Path key) {
    return locks.computeIfAbsent(key, k -> new java.util.concurrent.locks.ReentrantLock());
  }

  /**
   * Brings the pipeline of {@code file} in line with the file's current text (or its absence).
   * Waits only for changes to the same file.
   */
  public ReloadResult reload(Path file) {
    Path key = file.toAbsolutePath().normalize();
    java.util.concurrent.locks.ReentrantLock lock = lockFor(key);
    lock.lock();
    try {
      return reloadNow(key);
    } catch (RuntimeException e) {
      System.err.println("transom: reloading " + display(file) + " failed: " + e);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** {@code DELETE /api/pipelines/{id}}: removes the pipeline's file and stops it, as one change of that file. */
  public ReloadResult remove(PipelineHost host) throws IOException {
    Path key = host.file().toAbsolutePath().normalize();
    java.util.concurrent.locks.ReentrantLock lock = lockFor(key);
    lock.lock();
    try {
      Files.deleteIfExists(key);
      return reloadNow(key);
    } finally {
      lock.unlock();
    }
  }

  /** Under the file's lock. */
  private ReloadResult reloadNow(Path key) {
    if (PipelineHost.shuttingDown) {
      return new ReloadResult(false, List.of(), "not applied: the server is stopping");
    }
    PipelineHost current = byFile.get(key);
    if (!Files.exists(key)) {
      broken.remove(key);
      if (current != null) {
        retire(current); // flushed before it disappears from the API
        byFile.remove(key);
        byId.remove(current.id(), current);
        release(current.id(), key);
      }
      return new ReloadResult(true, List.of(), "removed");
    }
    byte[] bytes;
    try {
      bytes = readDefinition(key);
    } catch (IOException e) {
      return fail(key, current, List.of(new Problem(display(key), 1, 1, "cannot read: " + e.getMessage())));
    }
    if (bytes == null) {
      return fail(key, current, List.of(new Problem(display(key), 1, 1, "file too large for a definition (more than "
          + DefinitionLoader.MAX_FILE_BYTES + " bytes)")));
    }
    DefinitionLoader.Result loaded = DefinitionLoader.load(display(key), bytes, paths);
    if (!loaded.ok()) {
      return fail(key, current, loaded.problems());
    }
    PipelineDef def = loaded.definition();
    Path owner;
    synchronized (owners) {
      owner = owners.get(def.id());
      if (owner == null || owner.equals(key)) {
        owners.put(def.id(), key); // claimed: no other file deploys this id meanwhile
      } else {
        waitingForId.computeIfAbsent(def.id(), i -> new java.util.HashSet<>()).add(key);
      }
    }
    if (owner != null && !owner.equals(key)) {
      return fail(key, current, List.of(new Problem(display(key), 1, 1,
          "name: pipeline id '" + def.id() + "' is already used by " + display(owner))));
    }
    broken.remove(key);
    if (current == null) {
      PipelineHost host = deployNew(key, def);
      return new ReloadResult(true, List.of(), outcome("deployed", host));
    }
    if (!current.id().equals(def.id())) {
      retire(current);
      byId.remove(current.id(), current);
      release(current.id(), key);
      PipelineHost host = deployNew(key, def);
      return new ReloadResult(true, List.of(), outcome("renamed", host));
    }
    if (!current.failed()) {
      try {
        boolean kept = current.redeploy(def);
        return new ReloadResult(true, List.of(), kept ? "swapped, open windows kept" : "restarted after flushing open windows");
      } catch (PipelineHost.Failed f) {
        // it failed during the swap: replaced below, like any failed pipeline
      }
    }
    String why = current.failureReason();
    current.abandon();
    PipelineHost host = deployNew(key, def, current);
    return new ReloadResult(true, List.of(), outcome("replaced the failed version (" + why + "); resumed from its "
        + "last checkpoint and replayed its ingest log", host));
  }

  private static String outcome(String done, PipelineHost host) {
    return host.failed() ? done + ", then failed: " + host.failureReason() : done;
  }

  /**
   * Starts a pipeline in a new host. When starting it fails (its replay hits what broke it
   * before, a sink does not open...), it is still listed, failed with the reason, so a later
   * version can replace it.
   */
  private PipelineHost deployNew(Path key, PipelineDef def) {
    return deployNew(key, def, null);
  }

  /** @param failed the failed version this one replaces (its output streams follow the new one), or null */
  private PipelineHost deployNew(Path key, PipelineDef def, PipelineHost failed) {
    PipelineHost host = newHost(key);
    if (failed != null) {
      host.continueOutputsOf(failed);
    }
    try {
      host.deploy(def);
    } catch (Throwable e) { // NOPMD: an Error while starting one pipeline is that pipeline's failure
      if (host.definition() == null) {
        release(def.id(), key);
        throw e; // nothing of it runs: the reload failed as a whole
      }
      if (!host.failed()) {
        host.fail("starting failed: " + PipelineHost.oneLine(e), e);
      }
    }
    byFile.put(key, host);
    byId.put(def.id(), host);
    return host;
  }

  /**
   * Stops a pipeline for good (removed, renamed): flushes its open windows and forgets its state.
   * A failed pipeline cannot flush (what broke it would break the flush): it is let go and its
   * checkpoint and log are forgotten, its open windows with them.
   */
  private void retire(PipelineHost host) {
    try {
      retireNow(host);
    } finally {
      host.outputFeed().deleted(host.id()); // after the flushed windows' outputs; no stream outlives its pipeline
    }
  }

  private void retireNow(PipelineHost host) {
    if (!host.failed()) {
      try {
        host.stop();
        return;
      } catch (PipelineHost.Failed f) {
        // failed during the flush: let go below
      }
    }
    System.err.println("transom: pipeline '" + host.id() + "' is removed while failed (" + host.failureReason()
        + "): its open windows cannot be flushed and are dropped with its checkpoint and ingest log");
    host.abandon();
    if (state != null) {
      try {
        state.forget(host.id()).join();
      } catch (RuntimeException e) {
        System.err.println("transom: could not forget the state of pipeline '" + host.id() + "': " + e.getMessage());
      }
    }
  }

  /** {@code key} no longer holds {@code id}: a file refused for wanting it is loaded again. */
  private void release(String id, Path key) {
    java.util.Set<Path> waiting;
    synchronized (owners) {
      owners.remove(id, key);
      waiting = waitingForId.remove(id);
    }
    if (waiting != null) {
      for (Path p : waiting) {
        if (!p.equals(key)) {
          offLoop(() -> reload(p));
        }
      }
    }
  }

  /**
   * A definition file's bytes, or null when it is larger than {@link DefinitionLoader#MAX_FILE_BYTES}
   * (judged from its size first, then by reading at most one byte more: it may grow meanwhile).
   */
  static byte[] readDefinition(Path file) throws IOException {
    if (Files.size(file) > DefinitionLoader.MAX_FILE_BYTES) {
      return null;
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes((int) DefinitionLoader.MAX_FILE_BYTES + 1);
      return b.length > DefinitionLoader.MAX_FILE_BYTES ? null : b;
    }
  }

  private ReloadResult fail(Path key, PipelineHost current, List<Problem> problems) {
    if (current != null) {
      current.reportProblems(problems); // the running version keeps running
    } else {
      broken.put(key, problems);
    }
    return new ReloadResult(false, problems, current != null ? "kept the running version" : "not deployed");
  }

  /** What a reload did. */
  public record ReloadResult(boolean ok, List<Problem> problems, String outcome) {}

  /**
   * What a PUT did: {@code reload} is what deploying it did, or {@code null} when it was refused
   * (with {@code status}, {@code error} and the problems) and nothing was written.
   */
  public record PutResult(int status, String error, List<Problem> problems, ReloadResult reload,
      Map<String, Object> view) {
    static PutResult refused(int status, String error, List<Problem> problems) {
      return new PutResult(status, error, problems, null, null);
    }
  }

  /**
   * {@code PUT /api/pipelines/{id}}: the body becomes the pipeline's file, but only once it passes
   * every check a reload of that file would make, so a refused PUT leaves the file (and whatever
   * runs from it) as it was. Under the lock of the file the id lives in, as {@link #reload} of that
   * file: a concurrent PUT of the same id waits for this one and then judges against its outcome,
   * and the answer ({@code view}: the pipeline as deployed) is taken before the lock is let go.
   */
  public PutResult put(String id, byte[] body) throws IOException {
    while (true) {
      PipelineHost existing = byId.get(id);
      Path file = existing != null ? existing.file() : dir.resolve(id + ".yaml");
      Path key = file.toAbsolutePath().normalize();
      java.util.concurrent.locks.ReentrantLock lock = lockFor(key);
      lock.lock();
      try {
        if (byId.get(id) != existing) {
          continue; // the id moved meanwhile: judge against where it is now
        }
        return putLocked(id, body, file, key, existing);
      } finally {
        lock.unlock();
      }
    }
  }

  private PutResult putLocked(String id, byte[] body, Path file, Path key, PipelineHost existing) throws IOException {
    if (PipelineHost.shuttingDown) {
      return PutResult.refused(503, "the server is stopping; nothing was changed", List.of());
    }
    DefinitionLoader.Result r = DefinitionLoader.load(file.getFileName().toString(), body, paths);
    if (!r.ok()) {
      return PutResult.refused(400, "invalid definition: " + r.problems().size() + " problem(s)", r.problems());
    }
    if (!r.definition().id().equals(id)) {
      return PutResult.refused(400, "the definition's name '" + r.definition().id() + "' does not match '" + id
          + "' in the path", List.of());
    }
    PipelineHost holder = byFile.get(key);
    if (holder != null && holder != existing) {
      // Writing it would replace that pipeline by this one (a reload of the file sees a rename).
      return PutResult.refused(409, display(key) + " holds pipeline '" + holder.id() + "'; a new pipeline '" + id
          + "' cannot take its file (change '" + holder.id() + "' with PUT /api/pipelines/" + holder.id() + ")", List.of());
    }
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, body);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    ReloadResult result = reloadNow(key);
    Map<String, Object> view = null;
    PipelineHost now = byId.get(id);
    if (result.ok() && now != null) {
      view = now.describe(true).result();
      view.put("reload", result.outcome());
    }
    return new PutResult(result.ok() && view != null ? 200 : 400,
        result.ok() && view != null ? null : "not deployed: " + result.outcome(), result.problems(), result, view);
  }

  /** How files are named in problems: relative to the working directory when inside it. */
  static String display(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
  }

  public PipelineHost get(String id) {
    return byId.get(id);
  }

  public Collection<PipelineHost> hosts() {
    return byId.values();
  }

  /** Every pipeline for the API, including files that never validated. */
  public Future<List<Map<String, Object>>> describeAll() {
    List<Future<Map<String, Object>>> parts = new ArrayList<>();
    for (PipelineHost h : byId.values()) {
      parts.add(h.describe(false));
    }
    return Future.all(parts).map(cf -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        out.add(cf.resultAt(i));
      }
      for (Map.Entry<Path, List<Problem>> e : broken.entrySet()) {
        out.add(brokenView(e.getKey(), e.getValue()));
      }
      out.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
      return out;
    });
  }

  /** A file that has no running version: status failed, with its problems. */
  Map<String, Object> brokenView(Path file, List<Problem> problems) {
    Map<String, Object> m = new LinkedHashMap<>();
    String id = DefinitionLoader.idFromFileName(file.toString());
    m.put("id", id != null ? id : file.getFileName().toString());
    m.put("status", "failed");
    m.put("file", display(file));
    m.put("version", 0);
    m.put("problems", ProblemsJson.of(problems));
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("in", 0);
    counters.put("out", 0);
    counters.put("late", 0);
    counters.put("errors", 0);
    m.put("counters", counters);
    m.put("watermark", null);
    m.put("open_windows", 0);
    m.put("epoch", 0);
    return m;
  }

  /** A failed file's view by id, if a never-valid file has that id. */
  public Map<String, Object> brokenById(String id) {
    for (Map.Entry<Path, List<Problem>> e : broken.entrySet()) {
      if (id.equals(DefinitionLoader.idFromFileName(e.getKey().toString()))) {
        return brokenView(e.getKey(), e.getValue());
      }
    }
    return null;
  }

  /**
   * Server shutdown: a final checkpoint of every pipeline; open windows continue at the next start.
   * A reload still waiting for storage gives up first, so the shutdown does not wait behind it.
   */
  public List<String> suspendAll(java.time.Duration deadline) {
    PipelineHost.shuttingDown = true;
    java.util.concurrent.ScheduledExecutorService w = watchdog;
    if (w != null) {
      w.shutdownNow();
    }
    Map<String, Thread> running = new LinkedHashMap<>();
    for (Map.Entry<Path, PipelineHost> e : byFile.entrySet()) {
      Path key = e.getKey();
      String id = e.getValue().id();
      Thread t = new Thread(() -> {
        java.util.concurrent.locks.ReentrantLock lock = lockFor(key);
        try {
          lock.lockInterruptibly(); // after a change of this file in progress (bounded below)
        } catch (InterruptedException ie) {
          return;
        }
        try {
          PipelineHost h = byFile.get(key);
          if (h != null) {
            h.suspend();
          }
        } catch (RuntimeException ex) {
          System.err.println("transom: pipeline '" + id + "' did not stop cleanly: " + ex.getMessage());
        } finally {
          lock.unlock();
        }
      }, "transom-stop-" + id);
      t.setDaemon(true);
      t.start();
      running.put(id, t);
    }
    long end = System.nanoTime() + deadline.toNanos();
    List<String> abandoned = new ArrayList<>();
    for (Map.Entry<String, Thread> e : running.entrySet()) {
      try {
        e.getValue().join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      if (e.getValue().isAlive()) {
        abandoned.add(e.getKey());
        System.err.println("transom: pipeline '" + e.getKey() + "' did not finish its final checkpoint within "
            + deadline.toMillis() / 1000.0 + " s: abandoned (it resumes from its last checkpoint and its ingest log "
            + "at the next start)");
      }
    }
    return abandoned;
  }

  /**
   * Starts the watchdog: every pipeline whose partition task has run longer than {@code stuckAfter}
   * fails ("stuck in ... for N s"). One thread checks each partition's "busy since" time, so a
   * pipeline pays two volatile writes per task; the thread is not an event loop, which a stuck task
   * may be holding.
   */
  public void startWatchdog(java.time.Duration stuckAfter) {
    long limit = stuckAfter.toNanos();
    long every = Math.max(100, Math.min(1_000, stuckAfter.toMillis() / 4));
    java.util.concurrent.ScheduledExecutorService w = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "transom-watchdog");
      t.setDaemon(true);
      return t;
    });
    w.scheduleWithFixedDelay(() -> {
      long now = System.nanoTime();
      for (PipelineHost h : byId.values()) {
        try {
          h.checkStuck(now, limit);
        } catch (RuntimeException e) {
          System.err.println("transom: watchdog: " + e);
        }
      }
    }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    watchdog = w;
  }
}
