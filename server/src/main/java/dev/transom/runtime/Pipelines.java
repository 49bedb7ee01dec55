package dev.transom.runtime;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
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
 * swaps or restarts the pipeline (README: hot reload). All changes go through {@link #reload}.
 *
 * <p>Isolation: changes are serialized per file (a PUT locks the file its id lives in), never
 * globally, so a pipeline that hangs can hold up only changes to itself. Ids are claimed under a
 * short lock of their own. A pipeline that failed (see {@link PipelineHost#fail}) is replaced,
 * not swapped: the next valid version starts from its last good checkpoint and replays the ingest
 * log after it, as after a restart. A watchdog fails a pipeline whose task runs too long.
 *
 * <p>Longer than most files: a reload, a rename, a removal and a PUT read and move the same maps
 * (pipelines by id and by file, refused files, ids waited for) under the same per-file locks, and
 * splitting them would hand those maps and locks around. What stands apart lives elsewhere
 * ({@link Watchdog}, {@link PipelineView}, {@link SinkCheck}, {@link DeployLog}, {@link Shutdown}).
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
  /** Set once the start has loaded every file: from then on {@code tests.gate} judges each change. */
  private volatile boolean gateChanges;
  /** Which file holds each id, deployed or being deployed; guarded by itself. */
  private final Map<String, Path> owners = new java.util.HashMap<>();
  /** Files refused because their id was taken, by that id: reloaded once it is free. */
  private final Map<String, java.util.Set<Path>> waitingForId = new java.util.HashMap<>();
  private volatile Watchdog watchdog;

  private final int workers;
  private final ServerTime time;
  private final long queueLimit;
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final dev.transom.state.H2State state;
  private volatile MemoryBudget budget = MemoryBudget.NONE;
  /** Where file sources and sinks may lead; every definition loaded here is judged and resolved by it. */
  private final dev.transom.definition.PathPolicy paths;

  public Pipelines(Vertx vertx, Path dir, int workers, long queueLimit, io.micrometer.core.instrument.MeterRegistry registry,
      dev.transom.state.H2State state, dev.transom.definition.PathPolicy paths) {
    this(vertx, ServerTime.system(vertx), dir, workers, queueLimit, registry, state, paths);
  }

  /** With a clock and timers of the caller's (a manual clock in tests). */
  public Pipelines(Vertx vertx, ServerTime time, Path dir, int workers, long queueLimit,
      io.micrometer.core.instrument.MeterRegistry registry, dev.transom.state.H2State state,
      dev.transom.definition.PathPolicy paths) {
    this.vertx = vertx;
    this.time = time;
    this.dir = dir;
    this.workers = workers;
    this.queueLimit = queueLimit;
    this.registry = registry;
    this.state = state;
    this.paths = paths;
  }

  /** The clock and timers its pipelines use (the dashboard's history samples by them too). */
  ServerTime time() {
    return time;
  }

  /** Sets the memory budget every pipeline deployed from now on is held to (before {@link #loadAll}). */
  public void memoryBudget(MemoryBudget b) {
    budget = b;
  }

  private PipelineHost newHost(Path file) {
    PipelineHost h = new PipelineHost(vertx, time, file, workers, queueLimit, registry, state, state, paths);
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
    gateChanges = true;
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
        LifecycleLog.warn(LifecycleLog.DELETE, id).log("pipeline '{}' was being removed when the server stopped; its open"
            + " windows are flushed once every definition loads (some do not), so none of its state is dropped by mistake", id);
        continue;
      }
      DefinitionLoader.Result old = DefinitionLoader.load(id + " (removed)", e.getValue(), paths);
      if (!old.ok()) {
        LifecycleLog.warn(LifecycleLog.DELETE, id).log("pipeline '{}' was being removed when the server stopped, and its"
            + " stored definition no longer loads ({}); its checkpoint is kept", id, old.problems().get(0).format());
        continue;
      }
      newHost(dir.resolve(id + ".yaml"))
          .finishInterruptedStop(old.definition());
      LifecycleLog.info(LifecycleLog.DELETE, id).log("pipeline '{}' was being removed when the server stopped; its open"
          + " windows were flushed now and its state forgotten", id);
    }
  }

  static boolean isDefinition(Path p) {
    return dev.transom.definition.DefinitionFiles.isDefinition(p.getFileName().toString());
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
      LifecycleLog.error(LifecycleLog.RELOAD, null).setCause(e).log("reloading {} failed: {}", display(file), e.toString());
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

  /**
   * {@code DELETE} of an id that only a definition file that does not load has (its file name):
   * removes that file. Null when no such file is listed.
   */
  public ReloadResult removeBroken(String id) throws IOException {
    for (Path key : List.copyOf(broken.keySet())) {
      if (!id.equals(DefinitionLoader.idFromFileName(key.toString()))) {
        continue;
      }
      java.util.concurrent.locks.ReentrantLock lock = lockFor(key);
      lock.lock();
      try {
        if (!broken.containsKey(key) || byFile.containsKey(key)) {
          return null; // it loaded meanwhile: a pipeline now, deleted as one
        }
        Files.deleteIfExists(key);
        LifecycleLog.info(LifecycleLog.DELETE, null).log("{} removed (it did not load, so nothing ran from it)", display(key));
        return reloadNow(key);
      } finally {
        lock.unlock();
      }
    }
    return null;
  }

  /** Under the file's lock. */
  private ReloadResult reloadNow(Path key) {
    return reloadNow(key, null);
  }

  /**
   * @param checked the text a PUT checked (and put through its tests) before it wrote the file: that
   *     text is deployed, not whatever the file holds by now; null to read the file
   */
  private ReloadResult reloadNow(Path key, byte[] checked) {
    boolean gated = checked != null;
    if (PipelineHost.shuttingDown) {
      return new ReloadResult(false, List.of(), "not applied: the server is stopping");
    }
    PipelineHost current = byFile.get(key);
    if (!Files.exists(key)) {
      broken.remove(key);
      if (current != null) {
        Path target = renamedTo(current.id(), key);
        if (target != null && move(current, key, target)) {
          offLoop(() -> reload(target)); // its text may differ too: judged as an edit of that file
          return new ReloadResult(true, List.of(), "moved to " + display(target));
        }
        synchronized (owners) {
          if (byFile.get(key) != current) {
            return new ReloadResult(true, List.of(), "moved"); // to a renamed file, meanwhile
          }
          current.retiring = true;
        }
        int windows = current.openWindows();
        retire(current); // flushed before it disappears from the API
        byFile.remove(key);
        byId.remove(current.id(), current);
        release(current.id(), key);
        LifecycleLog.info(LifecycleLog.DELETE, current.id()).addKeyValue("windows", windows)
            .log("pipeline '{}' removed ({} gone): {} open window(s) flushed", current.id(), display(key), windows);
      }
      return new ReloadResult(true, List.of(), "removed");
    }
    byte[] bytes;
    try {
      bytes = checked != null ? checked : readDefinition(key);
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
    List<Problem> sinkProblems = SinkCheck.problems(def, state);
    if (!sinkProblems.isEmpty()) {
      return fail(key, current, sinkProblems); // as an invalid edit: the running version keeps running
    }
    // tests.gate judges each new version: while the server runs, every change; at its start, a
    // file whose windowing is not its last checkpoint's (changed while the server was down), which
    // would otherwise start empty: refused, it does not start, and its checkpoint waits for a fix
    PipelineHost running = byId.get(def.id()); // a renamed file's pipeline is found by its id
    boolean unchanged = running != null && !running.failed() && def.text().equals(running.definition().text());
    if (!gated && !unchanged && def.testGate() != null && (gateChanges || windowingChangedWhileDown(def))) {
      List<Problem> failedTests = TestGate.problems(def, key, display(key));
      if (!failedTests.isEmpty()) {
        return fail(key, current, failedTests);
      }
    }
    Path owner;
    synchronized (owners) {
      // A rename's other half (the old name's removal, under its own lock) may have moved a
      // pipeline to this file since it was looked up: it is this file's pipeline now.
      current = byFile.get(key);
      owner = owners.get(def.id());
      if (owner == null || owner.equals(key)) {
        owners.put(def.id(), key); // claimed: no other file deploys this id meanwhile
      } else {
        waitingForId.computeIfAbsent(def.id(), i -> new java.util.HashSet<>()).add(key);
      }
    }
    if (owner != null && !owner.equals(key)) {
      PipelineHost moving = byFile.get(owner);
      if (current == null && moving != null && !Files.exists(owner) && move(moving, owner, key)) {
        current = moving; // the file was renamed: the running pipeline follows it, and this is its edit
      } else {
        return fail(key, current, List.of(new Problem(display(key), 1, 1,
            "name: pipeline id '" + def.id() + "' is already used by " + display(owner))));
      }
    }
    broken.remove(key);
    if (current == null) {
      PipelineHost host = deployNew(key, def);
      return new ReloadResult(true, List.of(), outcome("deployed", host));
    }
    if (!current.failed() && current.id().equals(def.id()) && def.text().equals(current.definition().text())
        && def.file().equals(current.definition().file())) {
      // The text that runs: a PUT's own write seen again by the watcher, a touch, an edit undone.
      // Not a new version; problems of an edit since then are gone with it.
      current.reportProblems(List.of());
      return new ReloadResult(true, List.of(), "unchanged");
    }
    if (!current.id().equals(def.id())) {
      LifecycleLog.info(LifecycleLog.DELETE, current.id()).log("pipeline '{}' removed: {} now defines '{}'",
          current.id(), display(key), def.id());
      retire(current);
      byId.remove(current.id(), current);
      release(current.id(), key);
      PipelineHost host = deployNew(key, def);
      return new ReloadResult(true, List.of(), outcome("renamed", host));
    }
    if (!current.failed()) {
      try {
        int windows = current.openWindows();
        boolean kept = current.redeploy(def);
        LifecycleLog.info(LifecycleLog.RELOAD, def.id()).addKeyValue("version", current.version())
            .addKeyValue("windows_kept", kept).addKeyValue("windows", windows)
            .log("pipeline '{}' reloaded to version {} from {}: {} open window(s) {}", def.id(), current.version(),
                display(key), windows, kept ? "kept" : "flushed (the windowing changed)");
        return new ReloadResult(true, List.of(), kept ? "swapped, open windows kept" : "restarted after flushing open windows");
      } catch (PipelineHost.Failed f) {
        // it failed during the swap: replaced below, like any failed pipeline
      }
    }
    String why = current.failureReason();
    LifecycleLog.info(LifecycleLog.RELOAD, def.id()).log("pipeline '{}' (failed: {}) is replaced by the new version in {}",
        def.id(), why, display(key));
    current.abandon();
    PipelineHost host = deployNew(key, def, current);
    return new ReloadResult(true, List.of(), outcome("replaced the failed version (" + why + "); resumed from its "
        + "last checkpoint and replayed its ingest log", host));
  }

  /**
   * A definition file other than {@code from}, held by no pipeline, that defines {@code id}: where a
   * rename took the file (a watcher may see the old name gone before the new one appears).
   */
  private Path renamedTo(String id, Path from) {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Pipelines::isDefinition).map(p -> p.toAbsolutePath().normalize()).sorted().toList()) {
        if (p.equals(from) || byFile.containsKey(p)) {
          continue;
        }
        byte[] bytes = readDefinition(p);
        DefinitionLoader.Result r = bytes == null ? null : DefinitionLoader.load(display(p), bytes, paths);
        if (r != null && r.ok() && r.definition().id().equals(id)) {
          return p;
        }
      }
    } catch (IOException e) {
      return null; // not found: the pipeline is removed as its file is
    }
    return null;
  }

  /**
   * Moves {@code host} from the file {@code from}, which is gone, to {@code to}: the same pipeline,
   * open windows, checkpoints and counters, now defined by the renamed file. False when it cannot
   * (it is being removed, or another file took its id meanwhile).
   */
  private boolean move(PipelineHost host, Path from, Path to) {
    synchronized (owners) {
      Path owner = owners.get(host.id());
      if (host.retiring || byFile.get(from) != host || byFile.containsKey(to) || Files.exists(from)
          || (owner != null && !owner.equals(from))) {
        return false;
      }
      byFile.remove(from);
      byFile.put(to, host);
      owners.put(host.id(), to);
      java.util.Set<Path> waiting = waitingForId.get(host.id());
      if (waiting != null) {
        waiting.remove(to);
      }
      broken.remove(to);
      host.moveTo(to);
    }
    LifecycleLog.info(LifecycleLog.MOVE, host.id()).log("pipeline '{}' moved from {} to {} (renamed); it keeps running"
        + " with its open windows", host.id(), display(from), display(to));
    return true;
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
    DeployLog.deployed(host, display(key));
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
    LifecycleLog.warn(LifecycleLog.DELETE, host.id()).log("pipeline '{}' is removed while failed ({}): its open windows"
        + " cannot be flushed and are dropped with its checkpoint and ingest log", host.id(), host.failureReason());
    host.abandon();
    if (state != null) {
      try {
        state.forget(host.id()).join();
      } catch (RuntimeException e) {
        LifecycleLog.warn(LifecycleLog.DELETE, host.id()).log("could not forget the state of pipeline '{}': {}", host.id(),
            e.getMessage());
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
    String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
    if (current != null) {
      LifecycleLog.warn(LifecycleLog.REJECTED, current.id()).addKeyValue("problems", problems.size())
          .log("edit of {} rejected, version {} of '{}' keeps running: {}{}", display(key), current.version(), current.id(),
              problems.isEmpty() ? "" : problems.get(0).format(), more);
    } else {
      LifecycleLog.warn(LifecycleLog.REJECTED, null).addKeyValue("problems", problems.size())
          .log("{} not deployed: {}{}", display(key), problems.isEmpty() ? "" : problems.get(0).format(), more);
    }
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
      PipelineView.Summary view) {
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
      LifecycleLog.warn(LifecycleLog.REJECTED, id).addKeyValue("problems", r.problems().size())
          .log("PUT of pipeline '{}' rejected, nothing changed: {}{}", id, r.problems().get(0).format(),
              r.problems().size() > 1 ? " (and " + (r.problems().size() - 1) + " more)" : "");
      if (existing != null) {
        existing.editRejected(r.problems());
      }
      return PutResult.refused(400, "invalid definition: " + r.problems().size() + " problem(s)", r.problems());
    }
    if (!r.definition().id().equals(id)) {
      return PutResult.refused(400, "the definition's name '" + r.definition().id() + "' does not match '" + id
          + "' in the path", List.of());
    }
    List<Problem> sinkProblems = SinkCheck.problems(r.definition(), state);
    if (!sinkProblems.isEmpty()) {
      return PutResult.refused(400, "cannot open the sinks: " + sinkProblems.size() + " problem(s); nothing was changed",
          sinkProblems);
    }
    boolean unchanged = existing != null && !existing.failed() && r.definition().text().equals(existing.definition().text());
    List<Problem> failedTests = unchanged ? List.of() : TestGate.problems(r.definition(), file, display(key));
    if (!failedTests.isEmpty()) {
      LifecycleLog.warn(LifecycleLog.REJECTED, id).addKeyValue("problems", failedTests.size())
          .log("PUT of pipeline '{}' rejected, nothing changed: {}", id, failedTests.get(0).format());
      if (existing != null) {
        existing.editRejected(failedTests);
      }
      return PutResult.refused(400, "its tests fail: " + failedTests.get(0).message(), failedTests);
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
    ReloadResult result = reloadNow(key, body);
    PipelineView.Summary view = null;
    PipelineHost now = byId.get(id);
    if (result.ok() && now != null) {
      view = now.describe(true).result().withReload(result.outcome());
    }
    // 201 when the id named no running pipeline before (a file that never loaded included)
    return new PutResult(result.ok() && view != null ? (existing == null ? 201 : 200) : 400,
        result.ok() && view != null ? null : "not deployed: " + result.outcome(), result.problems(), result, view);
  }

  /**
   * What {@code body} would do as {@code id}'s next version ({@link Preview}), judged as a PUT
   * judges it; nothing is written or changed. Blocks (its tests may run): call it off the event loop.
   */
  public Preview.View preview(String id, byte[] body, int recent) {
    PipelineHost existing = byId.get(id);
    Path file = existing != null ? existing.file() : dir.resolve(id + ".yaml");
    DefinitionLoader.Result r = Preview.load(id, body, file, paths, state);
    if (!r.ok()) {
      return Preview.invalid(id, r.problems());
    }
    return Preview.of(existing, r.definition(), file, recent).toCompletionStage().toCompletableFuture().join();
  }

  /** Whether {@code def}'s windowing differs from the one its pipeline's last checkpoint holds. */
  private boolean windowingChangedWhileDown(PipelineDef def) {
    return state.load(def.id()).map(c -> !c.fingerprint().equals(dev.transom.compile.PlanDiff.windowingFingerprint(def)))
        .orElse(false);
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
  public Future<List<PipelineView.Entry>> describeAll() {
    List<Future<PipelineView.Summary>> parts = new ArrayList<>();
    for (PipelineHost h : byId.values()) {
      parts.add(h.describe(false));
    }
    return Future.all(parts).map(cf -> {
      List<PipelineView.Entry> out = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        out.add(cf.<PipelineView.Summary>resultAt(i));
      }
      for (Map.Entry<Path, List<Problem>> e : broken.entrySet()) {
        out.add(PipelineView.broken(e.getKey(), e.getValue()));
      }
      out.sort(java.util.Comparator.comparing(PipelineView.Entry::id));
      return out;
    });
  }

  /** A failed file's view by id, if a never-valid file has that id. */
  public PipelineView.Broken brokenById(String id) {
    for (Map.Entry<Path, List<Problem>> e : broken.entrySet()) {
      if (id.equals(DefinitionLoader.idFromFileName(e.getKey().toString()))) {
        return PipelineView.broken(e.getKey(), e.getValue());
      }
    }
    return null;
  }

  /**
   * Server shutdown: a final checkpoint of every pipeline; open windows continue at the next start
   * (see {@link Shutdown}). Returns the ids of the pipelines abandoned at the deadline.
   */
  public List<String> suspendAll(java.time.Duration deadline) {
    PipelineHost.shuttingDown = true;
    Watchdog w = watchdog;
    if (w != null) {
      w.stop();
    }
    return Shutdown.suspendAll(byFile, this::lockFor, deadline);
  }

  /** One line after the start: see {@link DeployLog#summary}. */
  public void logRecoverySummary() {
    DeployLog.summary(byId.values(), broken.size());
  }

  /**
   * Starts the watchdog ({@link Watchdog}): every pipeline whose partition task has run longer than
   * {@code stuckAfter} fails.
   */
  public void startWatchdog(java.time.Duration stuckAfter) {
    watchdog = Watchdog.start(stuckAfter, byId::values);
  }
}
