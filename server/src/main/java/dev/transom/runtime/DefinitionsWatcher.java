package dev.transom.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Watches the definitions directory and reloads a file once it has been quiet for a moment
 * (editors write a file in several steps), well within the second a reload may take (README).
 */
public final class DefinitionsWatcher implements AutoCloseable {
  static final long DEBOUNCE_MILLIS = 150;
  private final WatchService watch;
  private final Thread thread;

  public DefinitionsWatcher(Pipelines pipelines) throws IOException {
    Path dir = pipelines.directory();
    this.watch = FileSystems.getDefault().newWatchService();
    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(() -> loop(pipelines, dir), "transom-definitions-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /** Files being reloaded now, and those changed again meanwhile (reloaded once more after). */
  private final java.util.Set<Path> reloading = new java.util.HashSet<>();
  private final java.util.Set<Path> again = new java.util.HashSet<>();

  /**
   * Never dies of what it meets: an exception (or error) of one round is logged and the loop goes
   * on, so a bad file never stops later edits from being seen. Each reload runs on its own thread
   * (one at a time per file): a pipeline that hangs holds up only its own file.
   */
  private void loop(Pipelines pipelines, Path dir) {
    Map<Path, Long> pending = new HashMap<>();
    while (true) {
      try {
        WatchKey key = watch.poll(pending.isEmpty() ? 1_000 : 20, TimeUnit.MILLISECONDS);
        long now = System.currentTimeMillis();
        if (key != null) {
          for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name && Pipelines.isDefinition(name)) {
              pending.put(dir.resolve(name), now);
            } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
              overflowed(pipelines, dir, pending, now);
            }
          }
          key.reset();
        }
        for (Iterator<Map.Entry<Path, Long>> it = pending.entrySet().iterator(); it.hasNext();) {
          Map.Entry<Path, Long> e = it.next();
          if (now - e.getValue() >= DEBOUNCE_MILLIS) {
            it.remove();
            reloadInBackground(pipelines, e.getKey());
          }
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return; // shutting down
      } catch (Throwable e) { // NOPMD: the watcher outlives whatever one round met
        LifecycleLog.error(LifecycleLog.RELOAD, null).setCause(e).log("watching {}: {} (still watching)", dir, e.toString());
      }
    }
  }

  /** Events were lost: every definition file is looked at again (removed ones by their pipelines). */
  private static void overflowed(Pipelines pipelines, Path dir, Map<Path, Long> pending, long now) throws IOException {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
      s.filter(Pipelines::isDefinition).forEach(p -> pending.put(p, now));
    }
    for (PipelineHost h : pipelines.hosts()) {
      pending.put(h.file(), now);
    }
  }

  private void reloadInBackground(Pipelines pipelines, Path file) {
    synchronized (reloading) {
      if (!reloading.add(file)) {
        again.add(file); // after the reload in progress
        return;
      }
    }
    pipelines.offLoop(() -> pipelines.reload(file)).onComplete(r -> {
      if (r.failed()) {
        LifecycleLog.error(LifecycleLog.RELOAD, null).log("reloading {} failed: {}", file, r.cause().getMessage());
      }
      boolean more;
      synchronized (reloading) {
        reloading.remove(file);
        more = again.remove(file);
      }
      if (more) {
        reloadInBackground(pipelines, file);
      }
    });
  }

  @Override
  public void close() throws IOException {
    watch.close();
    thread.interrupt();
  }
}
