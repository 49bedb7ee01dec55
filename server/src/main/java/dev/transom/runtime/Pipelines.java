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
 * swaps or restarts the pipeline (SPEC §6). All changes go through {@link #reload}, one at a time.
 */
public final class Pipelines {
  private final Vertx vertx;
  private final Path dir;
  private final Map<String, PipelineHost> byId = new ConcurrentHashMap<>();
  private final Map<Path, PipelineHost> byFile = new ConcurrentHashMap<>();
  /** Files whose text never validated: shown in the API as failed pipelines. */
  private final Map<Path, List<Problem>> broken = new ConcurrentHashMap<>();

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
      } catch (Exception e) {
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
        reload(p);
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

  /** Brings the pipeline of {@code file} in line with the file's current text (or its absence). */
  public synchronized ReloadResult reload(Path file) {
    try {
      return reloadNow(file);
    } catch (RuntimeException e) {
      System.err.println("transom: reloading " + display(file) + " failed: " + e);
      throw e;
    }
  }

  private ReloadResult reloadNow(Path file) {
    Path key = file.toAbsolutePath().normalize();
    PipelineHost current = byFile.get(key);
    if (!Files.exists(key)) {
      broken.remove(key);
      if (current != null) {
        current.stop(); // flushed before it disappears from the API
        byFile.remove(key);
        byId.remove(current.id());
      }
      return new ReloadResult(true, List.of(), "removed");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(key);
    } catch (IOException e) {
      return fail(key, current, List.of(new Problem(display(key), 1, 1, "cannot read: " + e.getMessage())));
    }
    DefinitionLoader.Result loaded = DefinitionLoader.load(display(key), bytes, paths);
    if (!loaded.ok()) {
      return fail(key, current, loaded.problems());
    }
    PipelineDef def = loaded.definition();
    PipelineHost other = byId.get(def.id());
    if (other != null && other != current) {
      return fail(key, current, List.of(new Problem(display(key), 1, 1,
          "name: pipeline id '" + def.id() + "' is already used by " + display(other.file()))));
    }
    broken.remove(key);
    if (current == null) {
      PipelineHost host = newHost(key);
      host.deploy(def);
      byFile.put(key, host);
      byId.put(def.id(), host);
      return new ReloadResult(true, List.of(), "deployed");
    }
    if (!current.id().equals(def.id())) {
      current.stop();
      byId.remove(current.id());
      PipelineHost host = newHost(key);
      host.deploy(def);
      byFile.put(key, host);
      byId.put(def.id(), host);
      return new ReloadResult(true, List.of(), "renamed");
    }
    boolean kept = current.redeploy(def);
    return new ReloadResult(true, List.of(), kept ? "swapped, open windows kept" : "restarted after flushing open windows");
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
  public record PutResult(int status, String error, List<Problem> problems, ReloadResult reload) {
    static PutResult refused(int status, String error, List<Problem> problems) {
      return new PutResult(status, error, problems, null);
    }
  }

  /**
   * {@code PUT /api/pipelines/{id}}: the body becomes the pipeline's file, but only once it passes
   * every check a reload of that file would make, so a refused PUT leaves the file (and whatever
   * runs from it) as it was. Under the same lock as {@link #reload}: a concurrent PUT of the same
   * id waits for this one and then judges against its outcome.
   */
  public synchronized PutResult put(String id, byte[] body) throws IOException {
    PipelineHost existing = byId.get(id);
    Path file = existing != null ? existing.file() : dir.resolve(id + ".yaml");
    Path key = file.toAbsolutePath().normalize();
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
    ReloadResult result = reload(file);
    return new PutResult(result.ok() ? 200 : 400, result.ok() ? null : "not deployed: " + result.outcome(),
        result.problems(), result);
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
  public void suspendAll() {
    PipelineHost.shuttingDown = true;
    suspendAllNow();
  }

  private synchronized void suspendAllNow() {
    for (PipelineHost h : byId.values()) {
      h.suspend();
    }
  }
}
