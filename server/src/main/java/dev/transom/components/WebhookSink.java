package dev.transom.components;

import dev.transom.definition.ComponentDef;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kind: webhook}: POSTs records as JSON arrays of at most {@code batch} records. A failed
 * delivery (no answer within {@code timeout}, or a non-2xx status) is retried with exponential
 * backoff, in order, on the sink's own thread: a slow or dead endpoint never holds up the pipeline.
 * At-least-once: a batch whose answer was lost is sent again.
 */
public final class WebhookSink implements RecordSink {
  public static final ObjectSpec SPEC = ComponentSpecs.kind("webhook",
          "POSTs records as JSON arrays to a URL, retried with backoff until delivered (at-least-once).")
      .required("url", new FieldType.Text("https?://\\S+", "an http:// or https:// URL"), "where to POST",
          "http://127.0.0.1:9000/hook")
      .optional("batch", new FieldType.Int(1, 10_000), "100", "records per request at most", "500")
      .optional("timeout", new FieldType.Dur(true), "10s", "how long to wait for an answer before retrying", "5s")
      .example("kind: webhook\nurl: http://127.0.0.1:9000/hook")
      .build();

  /** Records waiting beyond this are dropped (and counted): memory stays bounded when the endpoint is down. */
  static final int MAX_QUEUED_RECORDS = 100_000;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final URI url;
  private final int batchSize;
  private final Duration timeout;
  private final HttpClient client;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final Thread sender;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile String lastError;
  private volatile boolean closing;
  private int inFlight;

  public WebhookSink(ComponentDef def) {
    this.url = URI.create(def.text("url", null));
    this.batchSize = (int) def.number("batch", 100);
    this.timeout = Duration.ofNanos(def.number("timeout", 10_000_000L) * 1_000L);
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.sender = new Thread(this::sendLoop, "transom-webhook-" + url.getHost());
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void write(Map<String, Object> record) {
    byte[] json = JsonValues.toJsonBytes(record);
    synchronized (queue) {
      if (queue.size() >= MAX_QUEUED_RECORDS) {
        dropped.incrementAndGet();
        return;
      }
      queue.addLast(json);
      queue.notifyAll();
    }
  }

  @Override
  public void flush() {
    // delivery is continuous; nothing to push
  }

  private void sendLoop() {
    long backoff = 200;
    while (true) {
      byte[] body;
      int n;
      synchronized (queue) {
        while (queue.isEmpty()) {
          if (closing) {
            return;
          }
          try {
            queue.wait(1_000);
          } catch (InterruptedException e) {
            return;
          }
        }
        n = Math.min(batchSize, queue.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        int i = 0;
        for (byte[] r : queue) {
          if (i == n) {
            break;
          }
          if (i++ > 0) {
            out.write(',');
          }
          out.writeBytes(r);
        }
        out.write(']');
        body = out.toByteArray();
        inFlight = n;
      }
      if (post(body)) {
        synchronized (queue) {
          for (int i = 0; i < n; i++) {
            queue.removeFirst();
          }
          inFlight = 0;
          queue.notifyAll();
        }
        delivered.addAndGet(n);
        backoff = 200;
      } else {
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException e) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
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
      lastError = url + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastError = "interrupted";
    }
    return false;
  }

  /** Waits up to {@code max} for everything written so far to be delivered; false if it was not. */
  @Override
  public boolean drain(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (queue) {
      while (!queue.isEmpty()) {
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
    long d = dropped.get();
    String e = lastError;
    if (e == null && d == 0) {
      return null;
    }
    return (e != null ? "webhook failing (retrying): " + e : "webhook") + (d > 0 ? "; " + d + " records dropped (queue full)" : "");
  }

  @Override
  public String describe() {
    return url.toString();
  }

  /** Hands over what is queued and returns; the sender keeps delivering it in the background. */
  @Override
  public void close() {
    closing = true;
    synchronized (queue) {
      queue.notifyAll();
    }
  }
}
