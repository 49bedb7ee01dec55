package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar on a 256 MB heap under everything at once: one client floods a pipeline with
 * distinct keys into hour-long windows, another feeds a second pipeline steadily, five clients open
 * its live outputs and never read them, fifty connections drip their request heads, and a prober
 * asks {@code /health} throughout. The flood must meet 503s naming the memory budget, the steady
 * pipeline must take every batch, {@code /health} must answer every probe, the stalled streams and
 * the dripping connections must be closed, nothing may run out of memory, and after a
 * {@code kill -9} the server must come back on the same heap with every acknowledged event.
 */
class AdversarialLoadIT {
  private static final String FLOOD = "name: flood\nsource: {kind: http}\nkey: event.k\n"
      + "clock: {kind: event, timestamp: event.ts, wait: 1s}\nwindow: {kind: tumbling, length: 1h}\naggregate: {count: true}\n";
  private static final String STEADY = "name: steady\nsource: {kind: http}\nkey: event.k\nclock: {kind: system}\n"
      + "window: {kind: tumbling, length: 100ms}\naggregate: {count: true}\n";
  /** Enough to fill the default budget (30% of 256 MB) a few times over, if nothing stopped it. */
  private static final long FLOOD_EVENTS_AT_MOST = 3_000_000;
  private static final int FLOOD_BATCH = 1_000;
  private static final int STEADY_BATCH = 200;
  private static final int STALLED_READERS = 5;
  private static final int DRIPPERS = 50;

  @TempDir
  Path dir;

  @Test
  void floodStalledReadersAndSlowlorisOnASmallHeap() throws Exception {
    ServerProcess.define(dir, "flood.yaml", FLOOD);
    ServerProcess.define(dir, "steady.yaml", STEADY);
    ServerProcess server = new ServerProcess(dir, "--header-timeout", "3s");
    server.jvm.add("-Xmx256m");
    server.start();
    try {
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

      List<Socket> stalled = new ArrayList<>();
      for (int i = 0; i < STALLED_READERS; i++) {
        stalled.add(stalledReader(server.port));
      }

      AtomicLong healthProbes = new AtomicLong();
      Thread health = thread("health", () -> {
        HttpClient own = client();
        while (!stop.get()) {
          HttpResponse<String> r = own.send(HttpRequest.newBuilder(URI.create(server.base() + "/health"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
          healthProbes.incrementAndGet();
          if (r.statusCode() != 200) {
            problems.add("/health answered " + r.statusCode());
          }
          Thread.sleep(200);
        }
      }, problems);

      AtomicLong steadyAccepted = new AtomicLong();
      AtomicLong steadyResent = new AtomicLong();
      Thread steady = thread("steady", () -> {
        HttpClient own = client();
        long n = 0;
        while (!stop.get()) {
          StringBuilder b = new StringBuilder();
          for (int i = 0; i < STEADY_BATCH; i++) {
            b.append("{\"k\":\"s").append(n++ % 2_000).append("\"}\n");
          }
          String batch = "steady-" + n;
          HttpResponse<String> r;
          try {
            r = post(own, server, "/api/pipelines/steady/events", b.toString(), batch);
          } catch (java.io.IOException closedUnderIt) {
            // A kept-alive connection the server closed as this request went out: the client's
            // answer is to send the batch again under the same id, which the server takes once.
            steadyResent.incrementAndGet();
            r = post(own, server, "/api/pipelines/steady/events", b.toString(), batch);
          }
          if (r.statusCode() == 202) {
            steadyAccepted.addAndGet(STEADY_BATCH);
          } else {
            problems.add("steady: " + r.statusCode() + " " + r.body());
          }
          Thread.sleep(50);
        }
      }, problems);

      List<Thread> drippers = new ArrayList<>();
      AtomicLong dripsClosed = new AtomicLong();
      for (int i = 0; i < DRIPPERS; i++) {
        drippers.add(thread("drip-" + i, () -> {
          try (RawHttp c = new RawHttp(server.port)) {
            int[] sent = {0};
            long closedAt = c.dripUntilClosed("GET /api/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                + "a".repeat(1_000), 300, 30_000, sent);
            if (closedAt >= 0) {
              dripsClosed.incrementAndGet();
            }
          }
        }, problems));
      }

      // The flood, in this thread: distinct keys, so every accepted event is one more open window.
      HttpClient flooder = client();
      long base = System.currentTimeMillis();
      long floodAccepted = 0;
      long budgetRefusals = 0;
      String refusal = null;
      long sent = 0;
      while (sent < FLOOD_EVENTS_AT_MOST && budgetRefusals < 200) {
        StringBuilder b = new StringBuilder(FLOOD_BATCH * 48);
        for (int i = 0; i < FLOOD_BATCH; i++) {
          b.append("{\"k\":\"user-").append(sent + i).append("\",\"ts\":").append(base).append("}\n");
        }
        HttpResponse<String> r = post(flooder, server, "/api/pipelines/flood/events", b.toString());
        if (r.statusCode() == 202) {
          floodAccepted += FLOOD_BATCH;
          sent += FLOOD_BATCH;
        } else if (r.statusCode() == 503 && r.body().contains("--memory")) {
          budgetRefusals++;
          refusal = r.body();
          assertTrue(r.headers().firstValue("Retry-After").isPresent(), "a 503 without Retry-After");
          Thread.sleep(20);
        } else if (r.statusCode() == 503) {
          Thread.sleep(20); // the queue is full for a moment: retry the same keys
        } else {
          throw new AssertionError("flood: " + r.statusCode() + " " + r.body());
        }
      }
      assertTrue(budgetRefusals > 0, "the flood of " + sent + " distinct keys was never refused");
      assertTrue(refusal.contains("pipeline 'flood'"), refusal);
      JsonNode flood = server.json("/api/pipelines/flood");
      assertTrue(flood.path("memory").path("refusing_input").asText().contains("--memory"), flood.toString());
      long heldMiB = flood.path("memory").path("held_bytes").asLong() >> 20;
      assertTrue(heldMiB <= 256 * 30 / 100 + 8, "flood holds about " + heldMiB + " MiB");

      // Let the steady client and the prober run on while the flood is held.
      Thread.sleep(3_000);
      stop.set(true);
      for (Thread t : List.of(health, steady)) {
        t.join(30_000);
      }
      for (Thread t : drippers) {
        t.join(35_000);
      }
      assertTrue(problems.isEmpty(), "problems: " + problems + "\nserver log:\n" + Files.readString(dir.resolve("serve.log")));
      assertTrue(healthProbes.get() > 10, "only " + healthProbes.get() + " health probes");
      assertTrue(steadyResent.get() <= 3, steadyResent.get() + " steady batches met a closed connection");
      assertEquals(DRIPPERS, dripsClosed.get(), "dripping connections still open");

      for (Socket s : stalled) {
        assertTrue(cutOff(s), "a live-outputs stream that was never read is still open");
      }
      await(server, "steady's accepted events counted", () ->
          server.json("/api/pipelines/steady").path("counters").path("in").asLong() == steadyAccepted.get());
      assertEquals(floodAccepted, server.json("/api/pipelines/flood").path("open_windows").asLong(),
          "one open window per accepted flood event");
      String log = Files.readString(dir.resolve("serve.log"));
      assertTrue(log.contains("closed a live-outputs stream of pipeline 'steady'"), log);
      assertTrue(log.contains("pipeline 'flood' refuses input"), log);
      assertFalse(log.contains("OutOfMemoryError"), log);

      // A crash at the budget: the restart replays into the same budget, on the same heap.
      long acknowledged = floodAccepted;
      server.kill();
      server.start();
      await(server, "the flood's windows back", () ->
          server.json("/api/pipelines/flood").path("open_windows").asLong() == acknowledged);
      assertEquals(202, server.post("/api/pipelines/steady/events", "{\"k\":\"after\"}", null).statusCode());
      assertFalse(Files.readString(dir.resolve("serve.log")).contains("OutOfMemoryError"));
    } finally {
      server.kill();
    }
  }

  @Test
  void aPipelinesOwnLimitHoldsItAloneAndSaysSo() throws Exception {
    ServerProcess.define(dir, "capped.yaml", FLOOD.replace("name: flood", "name: capped") + "limits: {memory: 2MiB}\n");
    ServerProcess.define(dir, "steady.yaml", STEADY);
    ServerProcess server = new ServerProcess(dir).start();
    try {
      HttpClient c = client();
      long base = System.currentTimeMillis();
      long accepted = 0;
      String refusal = null;
      for (int b = 0; b < 200 && refusal == null; b++) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 500; i++) {
          body.append("{\"k\":\"u").append(accepted + i).append("\",\"ts\":").append(base).append("}\n");
        }
        HttpResponse<String> r = post(c, server, "/api/pipelines/capped/events", body.toString());
        if (r.statusCode() == 202) {
          accepted += 500;
        } else {
          assertEquals(503, r.statusCode(), r.body());
          refusal = r.body();
        }
      }
      assertTrue(refusal != null && refusal.contains("limits.memory") && refusal.contains("pipeline 'capped'"),
          "after " + accepted + " keys: " + refusal);
      // about 2 MiB of estimated state: thousands of keys, not hundreds of thousands
      assertTrue(accepted >= 2_000 && accepted <= 20_000, accepted + " keys before the 2 MiB limit");
      JsonNode capped = server.json("/api/pipelines/capped");
      assertTrue(capped.path("memory").path("refusing_input").asText().contains("limits.memory"), capped.toString());
      assertEquals(202, post(c, server, "/api/pipelines/steady/events", "{\"k\":\"x\"}").statusCode(),
          "another pipeline is not held by this one's limit");
    } finally {
      server.kill();
    }
  }

  /**
   * One client per thread, each sending one request after another, so no pooled connection sits
   * idle past the header deadline (the server closes such a connection, and a client that picks it
   * up in that moment sees it closed under its request).
   */
  private static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> post(HttpClient c, ServerProcess server, String path, String body)
      throws Exception {
    return post(c, server, path, body, null);
  }

  private static HttpResponse<String> post(HttpClient c, ServerProcess server, String path, String body,
      String batchId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (batchId != null) {
      b.header("Transom-Batch-Id", batchId);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens the steady pipeline's live outputs with a small receive buffer and never reads them. */
  private static Socket stalledReader(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4_096);
    s.connect(new InetSocketAddress("127.0.0.1", port));
    s.getOutputStream().write(("GET /api/pipelines/steady/outputs/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /**
   * Whether the server closed the stream: reading what it had sent ends in end-of-stream or a reset.
   * An open stream goes on delivering outputs, so reading stops after far more than the buffer.
   */
  private static boolean cutOff(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    byte[] buf = new byte[65_536];
    long read = 0;
    try (s; InputStream in = s.getInputStream()) {
      while (read < 64L << 20) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
        read += n;
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false; // open, and silent
    } catch (IOException reset) {
      return true;
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(String name, Body body, ConcurrentLinkedQueue<String> problems) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Exception | AssertionError e) {
        problems.add(java.time.Instant.now() + " " + name + ": " + e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void await(ServerProcess server, String what, ServerProcess.Check check) throws Exception {
    ServerProcess.await(what, check);
  }
}
