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

  /** One batch for one worker: its items, their line numbers, and the system time it was read at. */
  private record Batch(List<ItemPreparer.Prepared> items, long[] lines, long nowMicros) {}

  private final PipelineExecution[] executions;
  private final WorkerOutputs[] workerOutputs;
  private final Outputs shared;
  /** Set by {@link #run}: where workers report the aggregate stage's item errors. */
  private LineErrors lineErrors;
  /** Reads simple events straight from their lines on the reading thread; {@code null} if it cannot. */
  private final DirectReader direct;

  /**
   * One worker's view of the shared outputs (locked by {@code shared}, as {@link LineErrors} is):
   * an item error from the aggregate stage names the line of the item this worker is on, not the
   * line the reading thread has got to.
   */
  private final class WorkerOutputs implements Outputs {
    long line;

    @Override
    public void output(Map<String, Object> record) {
      synchronized (shared) {
        shared.output(record);
      }
    }

    @Override
    public void late(Map<String, Object> record) {
      synchronized (shared) {
        shared.late(record);
      }
    }

    @Override
    public void error(ItemError error) {
      lineErrors.aggregateError(line, error);
    }
  }

  PartitionedFeed(Plan plan, int workers, Outputs shared) {
    this.shared = shared;
    direct = DirectReader.forPlan(plan);
    executions = new PipelineExecution[workers];
    workerOutputs = new WorkerOutputs[workers];
    for (int i = 0; i < workers; i++) {
      workerOutputs[i] = new WorkerOutputs();
      executions[i] = plan.start(workerOutputs[i]);
    }
  }

  /** Feeds the whole input, then closes every window (end of input). Returns the events read. */
  long run(InputStream in, LineErrors lineErrors) throws IOException, InterruptedException {
    this.lineErrors = lineErrors;
    int n = executions.length;
    List<BlockingQueue<Batch>> queues = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    RuntimeException[] failure = new RuntimeException[1];
    for (int i = 0; i < n; i++) {
      BlockingQueue<Batch> q = new ArrayBlockingQueue<>(16);
      queues.add(q);
      PipelineExecution exec = executions[i];
      WorkerOutputs out = workerOutputs[i];
      Thread t = new Thread(() -> {
        try {
          while (true) {
            Batch b = q.take();
            if (b.items == END) {
              out.line = b.lines[0]; // end of input: windows close after the last line
              exec.finish();
              return;
            }
            for (int k = 0; k < b.items.size(); k++) {
              out.line = b.lines[k];
              exec.process(b.items.get(k), b.nowMicros);
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
    long[][] pendingLines = new long[n][];
    for (int i = 0; i < n; i++) {
      pending.add(new ArrayList<>(BATCH));
      pendingLines[i] = new long[BATCH];
    }
    long events = 0;
    long lastLine = 0;
    long now = RunCommand.nowMicros();
    int sinceClock = 0;
    try (LineReader lines = new LineReader(in)) {
      while (lines.next()) {
        lastLine = lines.lineNumber();
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
        int owner = dev.transom.windowing.KeyGroups.partitionOfKey(p.key(), n);
        List<ItemPreparer.Prepared> batch = pending.get(owner);
        pendingLines[owner][batch.size()] = lines.lineNumber();
        batch.add(p);
        if (batch.size() == BATCH) {
          queues.get(owner).put(new Batch(batch, pendingLines[owner], now));
          pending.set(owner, new ArrayList<>(BATCH));
          pendingLines[owner] = new long[BATCH];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (!pending.get(i).isEmpty()) {
        queues.get(i).put(new Batch(pending.get(i), pendingLines[i], now));
      }
      queues.get(i).put(new Batch(END, new long[] {lastLine}, now));
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

  /**
   * Where the reading thread reports bad lines and failed preparations, and the workers the
   * aggregate stage's item errors (those the executions count themselves).
   */
  interface LineErrors {
    void report(long line, JsonValues.Invalid e);

    void itemError(long line, ItemError error);

    void aggregateError(long line, ItemError error);
  }
}
