package dev.transom.runtime;

import dev.transom.components.GeneratorSource;
import dev.transom.definition.ComponentDef;
import dev.transom.io.JsonValues;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a pipeline from its source in {@code serve}: nothing for {@code http} (the API does), a
 * reader thread for {@code file} (once, or following the file as it grows), a timer for
 * {@code generator}.
 */
abstract class SourceRunner {
  abstract void stop();

  static SourceRunner start(Vertx vertx, PipelineHost host, ComponentDef def, long startPosition) {
    return switch (def.kind()) {
      case "file" -> new FileRunner(host, def.text("path", null), def.bool("follow", false), startPosition);
      case "generator" -> new GeneratorRunner(vertx, host, new GeneratorSource(def));
      default -> new SourceRunner() {
        @Override
        void stop() {}
      };
    };
  }

  /**
   * Reads JSON lines from a byte position on, in batches; with {@code follow}, polls for growth
   * (like {@code tail -F}: a file that shrinks is read again from the start). Each batch carries the
   * position after its last complete line, so a checkpoint can resume exactly there.
   */
  static final class FileRunner extends SourceRunner {
    private static final int BATCH = 1_000;
    private final Thread thread;
    private volatile boolean stopped;

    FileRunner(PipelineHost host, String path, boolean follow, long startPosition) {
      thread = new Thread(() -> run(host, path, follow, startPosition), "transom-file-" + host.id());
      thread.setDaemon(true);
      thread.start();
    }

    private void run(PipelineHost host, String path, boolean follow, long startPosition) {
      long position = startPosition; // just after the last complete line handed over
      byte[] buf = new byte[1 << 16];
      java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
      while (!stopped) {
        List<Object> batch = new ArrayList<>();
        long batchEnd = position;
        try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
          if (f.length() < position) {
            position = 0; // truncated or replaced: start over
            batchEnd = 0;
          }
          f.seek(position);
          partial.reset();
          long lineStart = position;
          int n;
          while (!stopped && (n = f.read(buf)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                partial.write(buf, from, i - from);
                byte[] line = partial.toByteArray();
                partial.reset();
                lineStart += line.length + 1;
                from = i + 1;
                addLine(batch, line);
                batchEnd = lineStart;
                if (batch.size() >= BATCH) {
                  submit(host, batch, batchEnd);
                  batch = new ArrayList<>();
                }
              }
            }
            partial.write(buf, from, n - from);
          }
          if (!follow && partial.size() > 0) {
            addLine(batch, partial.toByteArray()); // a last line without a newline
            batchEnd = lineStart + partial.size();
          }
        } catch (IOException e) {
          // missing or unreadable: try again later when following, else give up quietly
        }
        if (!batch.isEmpty() || batchEnd != position) {
          submit(host, batch, batchEnd);
        }
        position = batchEnd;
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

    private static void addLine(List<Object> batch, byte[] line) {
      if (line.length == 0) {
        return;
      }
      try {
        batch.add(JsonValues.parse(line, 0, line.length));
      } catch (JsonValues.Invalid e) {
        // a bad line is an item error of the source; it is skipped
      }
    }

    /** Hands a batch over, waiting while the pipeline is overloaded: a file can always wait. */
    private void submit(PipelineHost host, List<Object> batch, long endPosition) {
      while (!stopped) {
        try {
          host.ingest(batch, endPosition).await();
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
            host.ingest(batch, -1);
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
