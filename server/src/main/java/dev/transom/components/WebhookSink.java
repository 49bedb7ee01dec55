package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import dev.transom.io.JsonValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kind: webhook}: POSTs records as JSON arrays of at most {@code batch} records. A failed
 * delivery (no answer within {@code timeout}, or a non-2xx status) is retried with exponential
 * backoff, in order, on the sink's own thread: a slow or dead endpoint never holds up the pipeline's
 * threads. At-least-once: no record is ever dropped, a batch whose answer was lost is sent again,
 * and what is not delivered yet is stored with each checkpoint ({@link DeliveryQueue}). Memory stays
 * bounded because the pipeline stops taking input while {@code queue} records wait
 * ({@link #backlogLimit()}).
 *
 * <p>Longer than most files: the queue, the sender thread and its backoff share one lock and the
 * state a checkpoint stores; they are one mechanism.
 * ({@link #backlogLimit()}).
 */
public final class WebhookSink implements DeliveryQueue {
  /**
   * The default {@code queue}. A healthy receiver keeps the backlog near zero, so the limit only
   * bites when it is slow or down; 10,000 records are 100 requests of the default batch, and at the
   * 150-300 bytes a window output takes, 1.5-3 MB of heap per sink, which is also what each
   * checkpoint rewrites while the receiver stays down.
   */
  static final long DEFAULT_QUEUE = 10_000;

  /** The shortest {@code timeout}: a connection, a request and its answer within it even on loopback. */
  static final long MIN_TIMEOUT_MICROS = 10_000;

  public static final ObjectSpec SPEC = ComponentSpecs.kind("webhook",
          "POSTs records as JSON arrays to a URL, retried with backoff until delivered (at-least-once: "
              + "undelivered records are kept with each checkpoint).")
      .required("url", new FieldType.Text("https?://\\S+", "an http:// or https:// URL"), "where to POST",
          "http://127.0.0.1:9000/hook")
      .optional("batch", new FieldType.Int(1, 10_000), 100, "records per request at most", "500")
      .optionalDuration("timeout", FieldType.Dur.atLeast(MIN_TIMEOUT_MICROS), "10s",
          "how long to wait for an answer before retrying; below the floor not even a local receiver answers "
              + "reliably, and every delivery would time out and be retried forever", "5s")
      .optional("queue", new FieldType.Int(1, 1_000_000), DEFAULT_QUEUE,
          "records waiting for delivery at which the pipeline stops taking input (ingest answers 503, sources "
              + "wait) until the receiver catches up", "1000")
      .example("kind: webhook\nurl: http://127.0.0.1:9000/hook")
      .build();

  public static final SinkKind KIND = new SinkKind(SPEC, Guarantee.AT_LEAST_ONCE) {
    @Override
    public String describe(ComponentDef def) {
      return "webhook " + def.text("url", null);
    }

    @Override
    public RecordSink open(ComponentDef def, boolean append) {
      return new WebhookSink(def);
    }
  };

  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final URI url;
  private final int batchSize;
  private final long limit;
  private final Duration timeout;
  private final HttpClient client;
  /** Records not yet in flight, oldest first; guards every field below that is not final. */
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  /** The batch being sent (and retried, as it is) until the receiver takes it; delivered before {@link #queue}. */
  private List<byte[]> inFlight = List.of();
  private byte[] inFlightBody;
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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.sinks");

  public WebhookSink(ComponentDef def) {
    this.url = URI.create(def.text("url", null));
    this.batchSize = (int) SPEC.number(def.options(), "batch");
    this.limit = SPEC.number(def.options(), "queue");
    this.timeout = Duration.ofNanos(SPEC.number(def.options(), "timeout") * 1_000L);
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.sender = new Thread(this::sendLoop, "transom-webhook-" + url.getHost());
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void write(Map<String, Object> record) {
    byte[] json = JsonValues.toJsonBytes(record);
    synchronized (queue) {
      queue.addLast(json);
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
    long backoff = FIRST_BACKOFF_MILLIS;
    while (true) {
      byte[] body;
      synchronized (queue) {
        while (inFlight.isEmpty() && queue.isEmpty() && !detached) {
          if (closing) {
            return;
          }
          try {
            queue.wait(1_000);
          } catch (InterruptedException e) {
            if (detached) {
              return;
            }
          }
        }
        if (detached) {
          return;
        }
        if (inFlight.isEmpty()) {
          int n = Math.min(batchSize, queue.size());
          List<byte[]> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            batch.add(queue.removeFirst());
          }
          inFlight = batch;
          inFlightBody = jsonArray(batch);
        }
        body = inFlightBody;
      }
      boolean ok = post(body);
      synchronized (queue) {
        if (detached) {
          return; // the sink that took over has this batch too
        }
        if (ok) {
          delivered.addAndGet(inFlight.size());
          inFlight = List.of();
          inFlightBody = null;
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
          synchronized (queue) {
            if (detached) {
              return;
            }
          }
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private static byte[] jsonArray(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < records.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(records.get(i));
    }
    out.write(']');
    return out.toByteArray();
  }

  private boolean post(byte[] body) {
    try {
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 == 2) {
        lastError = null;
        return true;
      }
      lastError = url + " answered " + r.statusCode();
    } catch (IOException e) {
      lastError = url + ": " + reason(e);
    } catch (InterruptedException e) {
      lastError = "interrupted";
    }
    return false;
  }

  /**
   * Why a delivery failed, in words for the API and the dashboard: java.net.http's exceptions often
   * have no message, and the exception's own name ("java.net.ConnectException") is not for users.
   */
  static String reason(IOException e) {
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer in time";
    }
    if (e instanceof java.net.ConnectException) {
      return "cannot connect (refused or unreachable)";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() || m.matches(".*\\b[a-z]+\\.[a-z]+\\.[A-Za-z.]*Exception\\b.*") ? "the connection failed" : m;
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
  public String name() {
    return "webhook " + url;
  }

  @Override
  public List<byte[]> undelivered() {
    synchronized (queue) {
      List<byte[]> all = new ArrayList<>(inFlight.size() + queue.size());
      all.addAll(inFlight);
      all.addAll(queue);
      return all;
    }
  }

  @Override
  public void requeue(List<byte[]> records) {
    synchronized (queue) {
      for (int i = records.size() - 1; i >= 0; i--) {
        queue.addFirst(records.get(i));
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
      inFlightBody = null;
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

  @Override
  public String problem() {
    String e = lastError;
    return e == null ? null : "webhook failing (retrying, " + backlog + " waiting): " + e;
  }

  @Override
  public String describe() {
    return url.toString();
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
