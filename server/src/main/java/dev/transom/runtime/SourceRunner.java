package dev.transom.runtime;

import dev.transom.components.GeneratorSource;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.io.JsonValues;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a pipeline from its source in {@code serve}: nothing for {@code http} (the API does), a
 * reader thread for {@code file} (once, or following the file as it grows), a timer for
 * {@code generator}, a consumer thread for {@code kafka} ({@link KafkaRunner}).
 */
abstract class SourceRunner {
  abstract void stop();

  /** The partitions a source reads and how far behind it is in each, for the dashboard; none for most. */
  List<PipelineShape.SourcePartition> partitions() {
    return List.of();
  }

  static SourceRunner start(Vertx vertx, PipelineHost host, ComponentDef def, long startPosition) {
    Object config = dev.transom.components.ComponentSpecs.source(def).config(def);
    if (config instanceof dev.transom.components.FileSource.Config f) {
      return new FileRunner(host, f.path(), f.follow(), startPosition);
    }
    if (config instanceof GeneratorSource.Config g) {
      return new GeneratorRunner(host, new GeneratorSource(g));
    }
    if (config instanceof dev.transom.components.KafkaSource.Config k) {
      return new KafkaRunner(host, k, host.readState());
    }
    return new SourceRunner() { // events come from elsewhere (the API)
      @Override
      void stop() {}
    };
  }

  /**
   * Reads JSON lines from a byte position on, in batches; with {@code follow}, polls for growth
   * (like {@code tail -F}: a file that shrinks is read again from the start). Each batch is logged
   * with the position after its last complete line and the number of its first line, so a restart
   * replays it at the time it was first read and reads on after it; a bad line is an item error
   * naming its line.
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
      long lineNo = linesBefore(path, position) + 1; // the number of the line that starts there
      byte[] buf = new byte[1 << 16];
      java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
      while (!stopped) {
        batch.reset();
        partial.reset();
        int lines = 0;
        try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
          if (f.length() < position) {
            position = 0; // truncated or replaced: start over
            lineNo = 1;
          }
          f.seek(position);
          int n;
          while (!stopped && (n = f.read(buf)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                batch.write(partial.toByteArray(), 0, partial.size());
                partial.reset();
                batch.write(buf, from, i + 1 - from);
                from = i + 1;
                if (++lines == BATCH) {
                  if (!submit(host, batch.toByteArray(), position + batch.size(), lineNo)) {
                    return;
                  }
                  position += batch.size();
                  lineNo += lines;
                  batch.reset();
                  lines = 0;
                }
              }
            }
            partial.write(buf, from, n - from);
          }
        } catch (IOException e) {
          // missing or unreadable: try again later when following, else give up quietly
        }
        if (!follow && partial.size() > 0) {
          batch.write(partial.toByteArray(), 0, partial.size()); // a last line without a newline
          lines++;
        }
        if (batch.size() > 0) {
          if (!submit(host, batch.toByteArray(), position + batch.size(), lineNo)) {
            return;
          }
          position += batch.size();
          lineNo += lines;
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

    /** How many lines end before {@code position} (to number the lines read from there on). */
    private static long linesBefore(String path, long position) {
      long lines = 0;
      try (java.io.InputStream in = new java.io.BufferedInputStream(new java.io.FileInputStream(path), 1 << 16)) {
        byte[] buf = new byte[1 << 16];
        long left = position;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              lines++;
            }
          }
          left -= n;
        }
      } catch (IOException e) {
        return 0;
      }
      return lines;
    }

    private boolean submit(PipelineHost host, byte[] text, long endPosition, long firstLine) {
      dev.transom.state.IngestLog.SourceMark mark = new dev.transom.state.IngestLog.SourceMark(endPosition, firstLine);
      return handOver(() -> host.ingestRead(text, mark), () -> stopped);
    }

    @Override
    void stop() {
      stopped = true;
      thread.interrupt();
      try {
        // a batch it is logging right now must be handed over before the next reader starts
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands a batch a reader thread made over, waiting while the pipeline is overloaded or its log
   * cannot be written: a file or a topic can always wait. False when the runner was stopped first.
   * Join, not await: a stop interrupts the sleep here, never a batch on its way into the log.
   */
  static boolean handOver(java.util.function.Supplier<io.vertx.core.Future<?>> batch,
      java.util.function.BooleanSupplier stopped) {
    while (!stopped.getAsBoolean()) {
      try {
        batch.get().toCompletionStage().toCompletableFuture().join();
        return true;
      } catch (PipelineHost.Overloaded | java.util.concurrent.CompletionException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          return false;
        }
      }
    }
    return false;
  }

  /** Emits {@code rate} events per second in ten ticks a second, until {@code count}; then its input has ended. */
  static final class GeneratorRunner extends SourceRunner {
    private final Timers timers;
    private final long timer;
    private double owed;

    GeneratorRunner(PipelineHost host, GeneratorSource gen) {
      this.timers = host.time().timers();
      long[] self = {-1};
      this.timer = timers.periodic(100, () -> {
        owed += gen.rate() / 10.0;
        List<Object> batch = new ArrayList<>();
        long now = host.nowMicros();
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
          timers.cancel(self[0]);
          host.finishInput(); // a count reached is the end of its input, as in `run`: every window closes
        }
      });
      self[0] = timer;
    }

    @Override
    void stop() {
      timers.cancel(timer);
    }
  }
}
