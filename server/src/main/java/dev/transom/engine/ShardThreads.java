package dev.transom.engine;

import dev.transom.compile.Outputs;
import dev.transom.compile.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.ToLongFunction;

/**
 * Shards on threads of their own ({@code run --workers N}): each takes its batches from a short
 * queue, so a reader that gets ahead waits. What the shards emit goes to one {@link Outputs},
 * locked, in the order the shards emit it (keys of different shards interleave; no order is promised
 * between them).
 */
public final class ShardThreads implements Router.Handoff {
  /** The batch that tells a shard the input ended. */
  private static final Batch END = new Batch(1, 0);

  private final Shard[] shards;
  private final List<BlockingQueue<Batch>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile RuntimeException failure;
  private volatile long lastLine;

  /** Starts {@code n} shards of {@code plan}, each on its own thread, emitting into {@code shared}. */
  public ShardThreads(Plan plan, int n, Outputs shared) {
    shards = new Shard[n];
    Outputs locked = new LockedOutputs(shared);
    for (int i = 0; i < n; i++) {
      // the router reads and parses every line: a shard is never given one
      shards[i] = new Shard(plan, locked, bad -> {
        throw new IllegalStateException("a shard thread was given a line");
      });
      BlockingQueue<Batch> q = new ArrayBlockingQueue<>(16);
      queues.add(q);
      Shard shard = shards[i];
      Thread t = new Thread(() -> work(shard, q), "transom-run-" + i);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void work(Shard shard, BlockingQueue<Batch> q) {
    try {
      while (true) {
        Batch b = q.take();
        if (b == END) {
          shard.finish(lastLine); // end of input: windows close after the last line
          return;
        }
        shard.process(b, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  @Override
  public void batch(int shard, Batch batch) throws InterruptedException {
    put(queues.get(shard), batch);
  }

  /** Waits for room, unless a shard has failed: its queue would never drain. */
  private void put(BlockingQueue<Batch> q, Batch b) throws InterruptedException {
    while (!q.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
    }
  }

  /**
   * End of input after line {@code lastLine}: every shard closes its windows, and this returns when
   * all have; a shard's failure is thrown here.
   */
  public void finish(long lastLine) throws InterruptedException {
    this.lastLine = lastLine;
    for (BlockingQueue<Batch> q : queues) {
      put(q, END);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A counter summed over the shards (after {@link #finish}). */
  public long sum(ToLongFunction<Shard> counter) {
    long sum = 0;
    for (Shard s : shards) {
      sum += counter.applyAsLong(s);
    }
    return sum;
  }

  /** The shared outputs, one shard at a time. */
  private record LockedOutputs(Outputs shared) implements Outputs {
    @Override
    public void output(java.util.Map<String, Object> record) {
      synchronized (shared) {
        shared.output(record);
      }
    }

    @Override
    public void late(java.util.Map<String, Object> record) {
      synchronized (shared) {
        shared.late(record);
      }
    }

    @Override
    public void error(dev.transom.compile.ItemError error) {
      synchronized (shared) {
        shared.error(error);
      }
    }
  }
}
