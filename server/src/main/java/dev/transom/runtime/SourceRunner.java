package dev.transom.runtime;

import dev.transom.components.GeneratorSource;
import dev.transom.definition.ComponentDef;
import dev.transom.io.JsonValues;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a pipeline from its source in {@code serve}: nothing for {@code http} (the API does), a
 * reader thread for {@code file} (once, or following the file as it grows), a timer for
 * {@code generator}.
 */
abstract class SourceRunner {
  abstract void stop();

  static SourceRunner start(Vertx vertx, PipelineHost host, ComponentDef def) {
    return switch (def.kind()) {
      case "file" -> new FileRunner(host, def.text("path", null), def.bool("follow", false));
      case "generator" -> new GeneratorRunner(vertx, host, new GeneratorSource(def));
      default -> new SourceRunner() {
        @Override
        void stop() {}
      };
    };
  }

  /** Reads JSON lines from a position on, in batches; with {@code follow}, polls for growth. */
  static final class FileRunner extends SourceRunner {
    private static final int BATCH = 1_000;
    private final Thread thread;
    private volatile boolean stopped;

    FileRunner(PipelineHost host, String path, boolean follow) {
      thread = new Thread(() -> run(host, path, follow), "transom-file-" + host.id());
      thread.setDaemon(true);
      thread.start();
    }

    private void run(PipelineHost host, String path, boolean follow) {
      long position = 0;
      StringBuilder partial = new StringBuilder();
      byte[] buf = new byte[1 << 16];
      while (!stopped) {
        List<Object> batch = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
          if (f.length() < position) {
            position = 0; // truncated or replaced: start over, like tail -F
            partial.setLength(0);
          }
          f.seek(position);
          int n;
          while (!stopped && (n = f.read(buf)) > 0) {
            position += n;
            partial.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
              String line = partial.substring(0, nl).strip();
              partial.delete(0, nl + 1);
              if (!line.isEmpty()) {
                try {
                  batch.add(JsonValues.parse(line));
                } catch (JsonValues.Invalid e) {
                  // a bad line is an item error of the source; it is skipped
                }
              }
              if (batch.size() >= BATCH) {
                submit(host, batch);
                batch = new ArrayList<>();
              }
            }
          }
        } catch (IOException e) {
          // missing or unreadable: try again later when following, else give up quietly
        }
        if (!batch.isEmpty()) {
          submit(host, batch);
        }
        if (!follow) {
          host.finishInput();
          return;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Hands a batch over, waiting while the pipeline is overloaded: a file can always wait. */
    private void submit(PipelineHost host, List<Object> batch) {
      while (!stopped) {
        try {
          host.ingest(batch).await();
          return;
        } catch (PipelineHost.Overloaded e) {
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    @Override
    void stop() {
      stopped = true;
      thread.interrupt();
    }
  }

  /** Emits {@code rate} events per second in ten ticks a second, until {@code count}. */
  static final class GeneratorRunner extends SourceRunner {
    private final Vertx vertx;
    private final long timer;
    private double owed;

    GeneratorRunner(Vertx vertx, PipelineHost host, GeneratorSource gen) {
      this.vertx = vertx;
      this.timer = vertx.setPeriodic(100, id -> {
        owed += gen.rate() / 10.0;
        List<Object> batch = new ArrayList<>();
        long now = PipelineHost.nowMicros();
        while (owed >= 1 && gen.hasNext()) {
          owed -= 1;
          try {
            batch.add(JsonValues.parse(gen.next(now)));
          } catch (JsonValues.Invalid e) {
            throw new IllegalStateException(e);
          }
        }
        if (!batch.isEmpty()) {
          try {
            host.ingest(batch);
          } catch (PipelineHost.Overloaded e) {
            // overloaded: the generator skips this tick's events
          }
        }
        if (!gen.hasNext()) {
          vertx.cancelTimer(id);
        }
      });
    }

    @Override
    void stop() {
      vertx.cancelTimer(timer);
    }
  }
}
