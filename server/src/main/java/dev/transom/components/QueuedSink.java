package dev.transom.components;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mechanism of a sink that delivers at least once from a queue of its own ({@code webhook},
 * {@code kafka} without transactions): records wait in order; a sender thread takes up to
 * {@code batch} of them and tries them until its receiver takes them all, with exponential
 * backoff (200 ms doubling to 30 s), so a slow or dead receiver never holds up the pipeline's
 * threads; what waits is stored with each checkpoint ({@link DeliveryQueue}). A subclass says how
 * a batch is delivered ({@link #attempt}) and how an item is stored ({@link #stored},
 * {@link #restored}), and starts the sender at the end of its constructor ({@link #start}).
 *
 * <p>The queue, the batch in flight, the sender and the backoff share one lock: they are one mechanism.
 */
abstract class QueuedSink<T> implements DeliveryQueue {
  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.sinks");

  private final int batchSize;
  private final long limit;
  /** Items not yet in flight, oldest first; guards every field below that is not final. */
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  /** The batch being tried until the receiver takes it; delivered before {@link #queue}. */
  private List<T> inFlight = List.of();
  private boolean closing;
  private boolean detached;
  /** {@code inFlight} plus {@code queue}, readable without the lock (asked on every ingest request). */
  private volatile int backlog;
  private final Thread sender;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private volatile String lastError;
  private volatile String pipeline = "?";
  /** Failed attempts in a row, and since when (for the line that says it delivers again). */
  private long failingAttempts;
  private long failingSinceMillis;

  QueuedSink(String threadName, int batchSize, long limit) {
    this.batchSize = batchSize;
    this.limit = limit;
    this.sender = new Thread(this::sendLoop, threadName);
    sender.setDaemon(true);
  }

  /** Starts delivering; the last thing a subclass's constructor does. */
  protected final void start() {
    sender.start();
  }

  /** Delivers a batch, whole; null once the receiver has taken it, else why not (it is tried again). */
  protected abstract String attempt(List<T> batch);

  /** An item as a checkpoint stores it (the JSON of one record). */
  protected abstract byte[] stored(T item);

  /** An item a checkpoint stored, to deliver again. */
  protected abstract T restored(byte[] stored);

  /** The sender is done (closed, or detached): release what only it used. */
  protected void senderStopped() {}

  protected final void enqueue(T item) {
    synchronized (queue) {
      queue.addLast(item);
      backlog++;
      queue.notifyAll();
    }
  }

  @Override
  public void flush() {
    // delivery is continuous; nothing to push
  }

  @Override
  public long backlog() {
    return backlog;
  }

  @Override
  public long backlogLimit() {
    return limit;
  }

  private void sendLoop() {
    try {
      long backoff = FIRST_BACKOFF_MILLIS;
      while (true) {
        List<T> batch;
        synchronized (queue) {
          while (inFlight.isEmpty() && queue.isEmpty() && !detached) {
            if (closing) {
              return;
            }
            try {
              queue.wait(1_000);
            } catch (InterruptedException e) {
              // detached: seen below
            }
          }
          if (detached) {
            return;
          }
          if (inFlight.isEmpty()) {
            int n = Math.min(batchSize, queue.size());
            List<T> next = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              next.add(queue.removeFirst());
            }
            inFlight = next;
          }
          batch = inFlight;
        }
        String error = attempt(batch);
        boolean ok = error == null;
        lastError = error;
        synchronized (queue) {
          if (detached) {
            return; // the sink that took over has this batch too
          }
          if (ok) {
            delivered.addAndGet(batch.size());
            inFlight = List.of();
            backlog = queue.size();
            queue.notifyAll();
          } else {
            failedAttempts.incrementAndGet();
          }
        }
        logOutcome(ok, backoff);
        if (ok) {
          backoff = FIRST_BACKOFF_MILLIS;
        } else {
          try {
            Thread.sleep(backoff);
          } catch (InterruptedException e) {
            // detached: seen on the next turn
          }
          backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
      }
    } finally {
      senderStopped();
    }
  }

  @Override
  public void logAs(String pipeline) {
    this.pipeline = pipeline;
  }

  /** One line when deliveries start failing, one when they work again: never one per retry. */
  private void logOutcome(boolean ok, long backoffMillis) {
    if (!ok && failingAttempts++ == 0) {
      failingSinceMillis = System.currentTimeMillis();
      LOG.atWarn().addKeyValue("event", "sink_failed").addKeyValue("pipeline", pipeline).addKeyValue("sink", name())
          .log("sink '{}' of pipeline '{}' cannot deliver: {}; retrying (after {} ms, then longer), {} record(s) waiting",
              name(), pipeline, lastError, backoffMillis, backlog);
    } else if (ok && failingAttempts > 0) {
      LOG.atInfo().addKeyValue("event", "sink_recovered").addKeyValue("pipeline", pipeline).addKeyValue("sink", name())
          .log("sink '{}' of pipeline '{}' delivers again, after {} failed attempt(s) over {} s", name(), pipeline,
              failingAttempts, (System.currentTimeMillis() - failingSinceMillis) / 1000.0);
      failingAttempts = 0;
    }
  }

  @Override
  public List<byte[]> undelivered() {
    synchronized (queue) {
      List<byte[]> all = new ArrayList<>(inFlight.size() + queue.size());
      inFlight.forEach(t -> all.add(stored(t)));
      queue.forEach(t -> all.add(stored(t)));
      return all;
    }
  }

  @Override
  public void requeue(List<byte[]> records) {
    synchronized (queue) {
      for (int i = records.size() - 1; i >= 0; i--) {
        queue.addFirst(restored(records.get(i)));
      }
      backlog += records.size();
      queue.notifyAll();
    }
  }

  @Override
  public List<byte[]> detach() {
    List<byte[]> all;
    synchronized (queue) {
      all = undelivered();
      detached = true;
      inFlight = List.of();
      queue.clear();
      backlog = 0;
      queue.notifyAll();
    }
    sender.interrupt(); // out of a backoff or a request, so it does not linger
    return all;
  }

  @Override
  public long delivered() {
    return delivered.get();
  }

  @Override
  public long failedAttempts() {
    return failedAttempts.get();
  }

  @Override
  public String lastError() {
    return lastError;
  }

  @Override
  public String problem() {
    String e = lastError;
    return e == null ? null : kind() + " failing (retrying, " + backlog + " waiting): " + e;
  }

  /** Waits up to {@code max} for everything written so far to be delivered; false if it was not. */
  @Override
  public boolean drain(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (queue) {
      while (backlog > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          queue.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** Hands over what is queued and returns; the sender keeps delivering it in the background. */
  @Override
  public void close() {
    synchronized (queue) {
      closing = true;
      queue.notifyAll();
    }
  }
}
