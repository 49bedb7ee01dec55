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
 * (editors write a file in several steps), well within SPEC §6's one second.
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

  private void loop(Pipelines pipelines, Path dir) {
    Map<Path, Long> pending = new HashMap<>();
    try {
      while (true) {
        WatchKey key = watch.poll(pending.isEmpty() ? 1_000 : 20, TimeUnit.MILLISECONDS);
        long now = System.currentTimeMillis();
        if (key != null) {
          for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name && Pipelines.isDefinition(name)) {
              pending.put(dir.resolve(name), now);
            } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
              pipelines.loadAll();
            }
          }
          key.reset();
        }
        for (Iterator<Map.Entry<Path, Long>> it = pending.entrySet().iterator(); it.hasNext();) {
          Map.Entry<Path, Long> e = it.next();
          if (now - e.getValue() >= DEBOUNCE_MILLIS) {
            it.remove();
            try {
              pipelines.reload(e.getKey());
            } catch (RuntimeException ex) {
              System.err.println("transom: reloading " + e.getKey() + " failed: " + ex.getMessage());
            }
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // shutting down
    } catch (IOException e) {
      System.err.println("transom: watching " + dir + " stopped: " + e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    watch.close();
    thread.interrupt();
  }
}
