package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads and deletes while many clients post: every acknowledged event is counted exactly once,
 * by the version it reached or by a flush (README: hot reload).
 */
class SwapIT {
  static final int CLIENTS = 20;
  @TempDir
  Path tmp;

  /** Windows that never close by themselves: only a windowing change or the removal flushes them. */
  static String definition(String length, String filter) {
    return "name: swap\n"
        + "source: {kind: http}\n"
        + "steps:\n  - filter: '" + filter + "'\n"
        + "key: event.k\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 1h}\n"
        + "window: {kind: tumbling, length: " + length + "}\n"
        + "aggregate: {count: true}\n"
        + "checkpoint: {interval: 200ms}\n"
        + "sinks:\n  - {kind: file, path: out/swap.jsonl}\n";
  }

  private static HttpResponse<String> put(ServerProcess s, String text) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/swap"))
        .PUT(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void acknowledgedEqualsCountedThroughStatelessAndWindowingReloadsAndADelete() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    Files.writeString(tmp.resolve("defs/swap.yaml"), definition("1h", "true"));
    ServerProcess s = new ServerProcess(tmp, "--workers", "2").start();
    AtomicBoolean posting = new AtomicBoolean(true);
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 100; i++) {
          batch.append("{\"k\":\"c").append(client).append('-').append(i % 7)
              .append("\",\"ts\":\"2024-05-01T10:00:00Z\"}\n");
        }
        String body = batch.toString();
        while (posting.get()) {
          try {
            HttpResponse<String> r = s.post("/api/pipelines/swap/events", body, null);
            if (r.statusCode() == 202) {
              acknowledged.addAndGet(100);
            } else {
              refused.incrementAndGet(); // 503 while stopping, 404 once gone: not acknowledged
            }
          } catch (Exception e) {
            refused.incrementAndGet();
          }
        }
      }, "swap-client-" + c);
      t.start();
      clients.add(t);
    }
    ServerProcess.await("some load", () -> acknowledged.get() > 20_000);
    assertEquals(200, put(s, definition("1h", "has(event.k)")).statusCode(), "a stateless change");
    ServerProcess.await("more load", () -> acknowledged.get() > 60_000);
    assertEquals(200, put(s, definition("2h", "has(event.k)")).statusCode(), "a windowing change");
    ServerProcess.await("more load", () -> acknowledged.get() > 100_000);
    assertEquals(200, put(s, definition("2h", "true")).statusCode(), "a stateless change again");
    ServerProcess.await("more load", () -> acknowledged.get() > 140_000);
    HttpResponse<String> deleted = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/swap"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(deleted.statusCode() / 100 == 2, deleted.statusCode() + " " + deleted.body());
    ServerProcess.await("the pipeline gone", () -> s.get("/api/pipelines/swap").statusCode() == 404);
    posting.set(false);
    for (Thread t : clients) {
      t.join(30_000);
    }
    s.stop();

    long counted = 0;
    for (String line : Files.readAllLines(tmp.resolve("out/swap.jsonl"))) {
      counted += ServerProcess.JSON.readTree(line).get("value").asLong();
    }
    System.out.println("SwapIT: " + acknowledged.get() + " events acknowledged, " + refused.get() + " requests refused");
    assertEquals(acknowledged.get(), counted, "every acknowledged event counted once, by the old version's flush or "
        + "the new version's");
  }
}
