package dev.transom.cli;

import dev.transom.compile.DirectReader;
import dev.transom.compile.ItemError;
import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.io.JsonValues;
import dev.transom.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * {@code run --workers N}: this thread reads, parses and prepares events (key, time, value), and
 * hands each to the worker thread that owns its key (hash), in batches. A key always goes to the
 * same worker, in input order, so every key sees exactly the sequence it would see with one
 * worker; only the interleaving of different keys' outputs changes (no order is promised there).
 */
final class PartitionedFeed {
  private static final int BATCH = 1_024;
  private static final List<ItemPreparer.Prepared> END = new ArrayList<>();

  /** One batch for one worker, with the system time it was read at. */
  private record Batch(List<ItemPreparer.Prepared> items, long nowMicros) {}

  private final PipelineExecution[] executions;
  private final Outputs outputs;
  /** Reads simple events straight from their lines on the reading thread; {@code null} if it cannot. */
  private final DirectReader direct;

  PartitionedFeed(Plan plan, int workers, Outputs shared) {
    this.outputs = new Outputs() {
      @Override
      public synchronized void output(Map<String, Object> record) {
        shared.output(record);
      }

      @Override
      public synchronized void late(Map<String, Object> record) {
        shared.late(record);
      }

      @Override
      public synchronized void error(ItemError error) {
        shared.error(error);
      }
    };
    direct = DirectReader.forPlan(plan);
    executions = new PipelineExecution[workers];
    for (int i = 0; i < workers; i++) {
      executions[i] = plan.start(outputs);
    }
  }

  /** Feeds the whole input, then closes every window (end of input). Returns the events read. */
  long run(InputStream in, LineErrors lineErrors) throws IOException, InterruptedException {
    int n = executions.length;
    List<BlockingQueue<Batch>> queues = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    RuntimeException[] failure = new RuntimeException[1];
    for (int i = 0; i < n; i++) {
      BlockingQueue<Batch> q = new ArrayBlockingQueue<>(16);
      queues.add(q);
      PipelineExecution exec = executions[i];
      Thread t = new Thread(() -> {
        try {
          while (true) {
            Batch b = q.take();
            if (b.items == END) {
              exec.finish();
              return;
            }
            for (ItemPreparer.Prepared p : b.items) {
              exec.process(p, b.nowMicros);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          failure[0] = e;
        }
      }, "transom-run-" + i);
      t.start();
      threads.add(t);
    }
    ItemPreparer preparer = executions[0].preparer();
    List<List<ItemPreparer.Prepared>> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pending.add(new ArrayList<>(BATCH));
    }
    long events = 0;
    long now = RunCommand.nowMicros();
    int sinceClock = 0;
    try (LineReader lines = new LineReader(in)) {
      while (lines.next()) {
        if (lines.isBlank()) {
          continue;
        }
        if (++sinceClock == 256) {
          sinceClock = 0;
          now = RunCommand.nowMicros();
        }
        ItemPreparer.Prepared p = new ItemPreparer.Prepared();
        if (direct != null && direct.read(lines.buffer(), lines.offset(), lines.length(), p)) {
          events++;
        } else {
          Object event;
          try {
            event = JsonValues.parse(lines.buffer(), lines.offset(), lines.length());
          } catch (JsonValues.Invalid e) {
            lineErrors.report(lines.lineNumber(), e);
            continue;
          }
          events++;
          long line = lines.lineNumber();
          p = preparer.prepare(event, (field, message, item) ->
              lineErrors.itemError(line, new ItemError(field, message, item)));
          if (p == null) {
            continue;
          }
        }
        int owner = Math.floorMod(p.key().hashCode(), n);
        List<ItemPreparer.Prepared> batch = pending.get(owner);
        batch.add(p);
        if (batch.size() == BATCH) {
          queues.get(owner).put(new Batch(batch, now));
          pending.set(owner, new ArrayList<>(BATCH));
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (!pending.get(i).isEmpty()) {
        queues.get(i).put(new Batch(pending.get(i), now));
      }
      queues.get(i).put(new Batch(END, now));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return events;
  }

  /** A counter summed over the workers. */
  long sum(java.util.function.ToLongFunction<PipelineExecution> counter) {
    long sum = 0;
    for (PipelineExecution e : executions) {
      sum += counter.applyAsLong(e);
    }
    return sum;
  }

  /** Where the reading thread reports bad lines and failed preparations. */
  interface LineErrors {
    void report(long line, JsonValues.Invalid e);

    void itemError(long line, ItemError error);
  }
}
