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
import java.util.List;
import java.util.Map;

/**
 * {@code kind: webhook}: POSTs records as JSON arrays of at most {@code batch} records. A failed
 * delivery (no answer within {@code timeout}, or a non-2xx status) is retried with exponential
 * backoff, in order, on the sink's own thread: a slow or dead endpoint never holds up the pipeline's
 * threads. At-least-once: no record is ever dropped, a batch whose answer was lost is sent again,
 * and what is not delivered yet is stored with each checkpoint ({@link DeliveryQueue}). Memory stays
 * bounded because the pipeline stops taking input while {@code queue} records wait
 * ({@link #backlogLimit()}).
 *
 * <p>The queue, its sender and the backoff are {@link QueuedSink}'s.
 */
public final class WebhookSink extends QueuedSink<byte[]> {
  /**
   * The default {@code queue}. A healthy receiver keeps the backlog near zero, so the limit only
   * bites when it is slow or down; 10,000 records are 100 requests of the default batch, and at the
   * 150-300 bytes a window output takes, 1.5-3 MB of heap per sink, which is also what each
   * checkpoint rewrites while the receiver stays down.
   */
  static final long DEFAULT_QUEUE = 10_000;

  /** The shortest {@code timeout}: a connection, a request and its answer within it even on loopback. */
  static final long MIN_TIMEOUT_MICROS = 10_000;

  public static final ObjectSpec SPEC = ObjectSpec.of("webhook",
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

  private final URI url;
  private final Duration timeout;
  private final HttpClient client;

  public WebhookSink(ComponentDef def) {
    super("transom-webhook-" + URI.create(def.text("url", null)).getHost(), (int) SPEC.number(def.options(), "batch"),
        SPEC.number(def.options(), "queue"));
    this.url = URI.create(def.text("url", null));
    this.timeout = Duration.ofNanos(SPEC.number(def.options(), "timeout") * 1_000L);
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    start();
  }

  @Override
  public void write(Map<String, Object> record) {
    enqueue(JsonValues.toJsonBytes(record));
  }

  @Override
  protected String attempt(List<byte[]> batch) {
    return post(jsonArray(batch));
  }

  @Override
  protected byte[] stored(byte[] item) {
    return item;
  }

  @Override
  protected byte[] restored(byte[] stored) {
    return stored;
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

  /** POSTs one batch: null once the receiver answered 2xx, else why not. */
  private String post(byte[] body) {
    try {
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2 ? null : url + " answered " + r.statusCode();
    } catch (IOException e) {
      return url + ": " + reason(e);
    } catch (InterruptedException e) {
      return "interrupted";
    }
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
  public String name() {
    return "webhook " + url;
  }

  @Override
  public String kind() {
    return SPEC.name();
  }

  @Override
  public String describe() {
    return url.toString();
  }
}
