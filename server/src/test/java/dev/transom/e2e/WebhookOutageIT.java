package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook receiver down (answering 503) for 60 s while a client posts; the server is killed with
 * {@code kill -9} in the middle of the outage and started again; then the receiver comes back.
 * Every window output of the acknowledged events (counted here, independently) must reach it at
 * least once, ingest must have pushed back (503 with Retry-After) while the sink's queue was full,
 * queued records plus open windows must not have grown once input was refused, and the server, run with
 * {@code -Xmx64m}, must have kept answering {@code /health}.
 *
 * <p>As in {@link CrashIT}, event time runs far ahead of system time, in order, with a {@code wait}
 * (10 min) longer than all the system time the test takes: windows close because later events
 * arrive, never because the client was held up, and nothing is late.
 */
// Runs beside the other test classes: it waits out a 60 s outage.
@Execution(ExecutionMode.CONCURRENT)
class WebhookOutageIT {
  static final long OUTAGE_MILLIS = 60_000;
  static final int KEYS = 5;
  static final int BATCHES = 60;
  static final int EVENTS_PER_BATCH = 20;
  static final long WINDOW_MILLIS = 10_000;
  /** The sink's queue: small, so the outage fills it within seconds. */
  static final int QUEUE = 50;
  @TempDir
  Path tmp;

  /** Answers 503 until it is up; then keeps every record it is sent. */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final List<JsonNode> records = new CopyOnWriteArrayList<>();
    volatile boolean up;

    Receiver() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/hook", ex -> {
        byte[] body = ex.getRequestBody().readAllBytes();
        boolean taking = up;
        if (taking) {
          for (JsonNode r : ServerProcess.JSON.readTree(body)) {
            records.add(r);
          }
        }
        ex.sendResponseHeaders(taking ? 200 : 503, -1);
        ex.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Posts until 202 (across the crash); remembers the first push-back it saw. */
  static final class Client {
    final ServerProcess server;
    final AtomicReference<String> pushedBack = new AtomicReference<>();

    Client(ServerProcess server) {
      this.server = server;
    }

    void post(String body, String batchId) throws InterruptedException {
      while (true) {
        try {
          HttpResponse<String> r = server.post("/api/pipelines/hooked/events", body, batchId);
          if (r.statusCode() == 202) {
            return;
          }
          if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
            pushedBack.compareAndSet(null, r.body());
          }
        } catch (Exception e) {
          // killed: try again once it is back
        }
        Thread.sleep(50);
      }
    }
  }

  private static String window(String key, Instant open) {
    return key + " " + open;
  }

  /** Records queued for the webhook plus open windows. */
  private static int held(ServerProcess server) throws Exception {
    JsonNode p = server.json("/api/pipelines/hooked");
    return p.get("deliveries").get(0).get("pending").asInt() + p.get("open_windows").asInt();
  }

  @Test
  void everyOutputArrivesAfterAnOutageWithAKillNineAndIngestPushesBackMeanwhile() throws Exception {
    try (Receiver receiver = new Receiver()) {
      Files.createDirectories(tmp.resolve("defs"));
      Files.writeString(tmp.resolve("defs/hooked.yaml"), "name: hooked\n"
          + "source: {kind: http}\n"
          + "key: event.user\n"
          + "clock: {kind: event, timestamp: event.ts, wait: 10m}\n"
          + "window: {kind: tumbling, length: 10s}\n"
          + "aggregate: {count: true}\n"
          + "checkpoint: {interval: 200ms}\n"
          + "sinks:\n  - {kind: webhook, url: '" + receiver.url() + "', batch: 10, timeout: 2s, queue: " + QUEUE + "}\n");
      ServerProcess server = new ServerProcess(tmp, "--workers", "2");
      server.jvm.add("-Xmx64m");
      long outageStart = System.nanoTime();
      server.start();

      long seed = new Random().nextLong();
      System.out.println("WebhookOutageIT: seed " + seed);
      Instant base = Instant.parse("2024-05-01T10:00:00Z");
      Map<String, Integer> expected = new HashMap<>(); // "key open_time" -> count, of acknowledged events
      Client client = new Client(server);
      AtomicBoolean clientFailed = new AtomicBoolean();
      Thread posting = new Thread(() -> {
        Random r = new Random(seed);
        long tsMillis = 0;
        try {
          for (int b = 0; b < BATCHES; b++) {
            StringBuilder batch = new StringBuilder();
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < EVENTS_PER_BATCH; i++) {
              tsMillis += r.nextInt(3_000);
              String user = "u" + r.nextInt(KEYS);
              Instant ts = base.plusMillis(tsMillis);
              batch.append("{\"user\":\"").append(user).append("\",\"ts\":\"").append(ts).append("\"}\n");
              counts.merge(window(user, base.plusMillis(tsMillis - tsMillis % WINDOW_MILLIS)), 1, Integer::sum);
            }
            client.post(batch.toString(), "b" + b);
            synchronized (expected) {
              counts.forEach((w, n) -> expected.merge(w, n, Integer::sum));
            }
          }
        } catch (InterruptedException e) {
          clientFailed.set(true);
        }
      }, "outage-client");
      posting.start();

      ServerProcess.await("ingest to push back while the webhook's queue is full", () -> client.pushedBack.get() != null);
      // What the pipeline holds once input is refused: the queued records plus its open windows,
      // each of which becomes at most one record as time passes (wait: 10m keeps many open).
      int heldAtPushBack = held(server);
      assertTrue(client.pushedBack.get().contains("records waiting for delivery (limit " + QUEUE + ")"),
          client.pushedBack.get());
      ServerProcess.await("a failed delivery to show", () ->
          server.json("/api/pipelines/hooked").get("deliveries").get(0).get("failed_attempts").asInt() > 0);
      JsonNode delivery = server.json("/api/pipelines/hooked").get("deliveries").get(0);
      assertEquals("webhook " + receiver.url(), delivery.get("sink").asText());
      assertTrue(delivery.get("pending").asInt() >= QUEUE, delivery.toString());
      assertEquals(0, delivery.get("delivered").asInt(), delivery.toString());
      assertTrue(delivery.get("last_error").asText().contains("503"), delivery.toString());
      String metrics = server.get("/metrics").body();
      String tags = "{pipeline=\"hooked\",sink=\"webhook " + receiver.url() + "\"}";
      assertTrue(metrics.contains("transom_deliveries_pending" + tags), metrics);
      assertTrue(metrics.contains("transom_deliveries_failed_attempts_total" + tags), metrics);
      // two more checkpoints, so the last one holds the full queue, then the crash
      long epoch = server.json("/api/pipelines/hooked").get("epoch").asLong();
      ServerProcess.await("two checkpoints", () -> server.json("/api/pipelines/hooked").get("epoch").asLong() >= epoch + 2);
      server.kill();
      server.start();
      JsonNode restored = server.json("/api/pipelines/hooked").get("deliveries").get(0);
      assertTrue(restored.get("pending").asInt() >= QUEUE, "the queue came back from the checkpoint: " + restored);
      // After the kill, a window that closed between a checkpoint's cut and its collection of the
      // queue is both open in that checkpoint and queued in it: at-least-once delivers it twice, and
      // it counts twice here. So the bound below starts from the larger of the two counts.
      int heldAfterRestart = held(server);

      int healthChecks = 0;
      int mostPending = 0;
      while (System.nanoTime() - outageStart < TimeUnit.MILLISECONDS.toNanos(OUTAGE_MILLIS)) {
        assertEquals(200, server.get("/health").statusCode(), "the server keeps answering during the outage");
        healthChecks++;
        mostPending = Math.max(mostPending, held(server));
        Thread.sleep(200);
      }
      assertTrue(server.process.isAlive());
      // The bound: windows and queued records never grow past what was held when input was first
      // refused, plus the one batch the client may have had admitted meanwhile. Without the
      // push-back the client's other batches would open hundreds more windows and records; it must
      // still be held back when the outage ends.
      int bound = Math.max(heldAtPushBack, heldAfterRestart) + EVENTS_PER_BATCH;
      assertTrue(mostPending <= bound, "queued records plus open windows reached " + mostPending + " during the outage; "
          + heldAtPushBack + " when input was first refused, " + heldAfterRestart + " after the restart (queue " + QUEUE
          + ")");
      assertTrue(posting.isAlive(), "the client was held back for the whole outage");
      receiver.up = true;
      posting.join(120_000);
      assertFalse(posting.isAlive() || clientFailed.get(), "the client did not finish");

      // One event per key, far in the future, closes every window the test made (theirs stay open).
      Instant farAway = base.plusSeconds(86_400 * 10);
      StringBuilder last = new StringBuilder();
      for (int u = 0; u < KEYS; u++) {
        last.append("{\"user\":\"u").append(u).append("\",\"ts\":\"").append(farAway).append("\"}\n");
      }
      client.post(last.toString(), "last");
      Set<String> wanted = new HashSet<>();
      expected.forEach((w, n) -> wanted.add(w + " " + n));
      Set<String> got = new HashSet<>();
      try {
        ServerProcess.await("every output at the receiver", () -> {
          for (JsonNode r : receiver.records) {
            Instant open = Instant.parse(r.get("window").get("open_time").asText());
            if (open.isBefore(farAway)) {
              got.add(window(r.get("key").asText(), open) + " " + r.get("value").asInt());
            }
          }
          return got.containsAll(wanted);
        });
      } catch (AssertionError e) {
        Set<String> missing = new java.util.TreeSet<>(wanted);
        missing.removeAll(got);
        throw new AssertionError(missing.size() + " of " + wanted.size() + " outputs never arrived (seed " + seed
            + "), e.g. " + missing.stream().limit(5).toList(), e);
      }
      Set<String> unexpected = new HashSet<>(got);
      unexpected.removeAll(wanted);
      assertEquals(Set.of(), unexpected, "outputs a crash-free run would not give");
      JsonNode after = server.json("/api/pipelines/hooked");
      assertEquals(0, after.get("counters").get("late").asInt(), "nothing late");
      List<String> log = Files.readAllLines(tmp.resolve("serve.log"));
      assertTrue(log.stream().noneMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", log));
      System.out.println("WebhookOutageIT: " + wanted.size() + " outputs, " + receiver.records.size()
          + " records received (duplicates allowed), " + healthChecks + " health checks during the outage, at most "
          + mostPending + " records and windows held (" + heldAtPushBack + " at the first push-back), "
          + after.get("deliveries").get(0));
      server.stop();
    }
  }
}
