package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open windows survive a change of {@code --workers}: 3 workers, a clean stop, 2 workers, more
 * input, {@code kill -9}, 1 worker, more input, 4 workers. After each start every key's open window
 * is there with the sum of everything acknowledged for it (counted here), and the flush at the end
 * writes exactly those sums once each.
 */
class WorkersChangeIT {
  @TempDir
  Path tmp;

  private static final int KEYS = 300;

  private static final String DEF = "name: sums\nsource: {kind: http}\nkey: event.k\nvalue: event.v\n"
      + "clock: {kind: event, timestamp: event.at, wait: 1h}\nwindow: {kind: tumbling, length: 1h}\n"
      + "aggregate: {sum: true}\ncheckpoint: {interval: 300ms}\nsinks:\n  - {kind: file, path: out/sums.jsonl}\n";

  private final Map<String, Long> expected = new TreeMap<>();
  private final Random random = new Random();

  private void post(ServerProcess s, int events) throws Exception {
    StringBuilder b = new StringBuilder();
    Map<String, Long> batch = new TreeMap<>();
    for (int i = 0; i < events; i++) {
      String k = "key-" + random.nextInt(KEYS);
      long v = 1 + random.nextInt(9);
      batch.merge(k, v, Long::sum);
      b.append("{\"k\":\"").append(k).append("\",\"v\":").append(v).append(",\"at\":\"2024-05-01T10:00:00Z\"}\n");
    }
    HttpResponse<String> r = s.post("/api/pipelines/sums/events", b.toString(), null);
    assertEquals(202, r.statusCode(), r.body());
    batch.forEach((k, v) -> expected.merge(k, v, Long::sum));
  }

  /** Every open window, by key: its current sum. */
  private static Map<String, Long> windows(ServerProcess s) throws Exception {
    Map<String, Long> got = new TreeMap<>();
    String cursor = "0";
    while (cursor != null) {
      JsonNode page = s.json("/api/pipelines/sums/windows?limit=1000&cursor=" + cursor);
      for (JsonNode w : page.get("windows")) {
        Long before = got.put(w.get("key").asText(), w.get("value").asLong());
        assertEquals(null, before, "key " + w.get("key") + " has two open windows (two partitions hold it)");
      }
      cursor = page.path("next").isNull() ? null : page.path("next").asText();
    }
    return got;
  }

  private void assertAllThere(ServerProcess s, String when) throws Exception {
    ServerProcess.await("every acknowledged event in the windows " + when, () -> windows(s).equals(expected));
    assertEquals(expected, windows(s), when);
  }

  @Test
  void everyOpenWindowAndItsValueSurvivesAChangeOfWorkers() throws Exception {
    ServerProcess.define(tmp, "sums.yaml", DEF);
    ServerProcess three = new ServerProcess(tmp, "--workers", "3").start();
    for (int i = 0; i < 5; i++) {
      post(three, 400);
    }
    assertAllThere(three, "with 3 workers");
    three.stop();

    ServerProcess two = new ServerProcess(tmp, "--workers", "2").start();
    assertAllThere(two, "after 3 -> 2 workers");
    assertEquals(2, two.json("/api/pipelines/sums").path("partitions").asInt());
    assertTrue(two.json("/api/pipelines/sums").path("recovery").asText().contains("spread over 2"),
        two.json("/api/pipelines/sums").toString());
    for (int i = 0; i < 3; i++) {
      post(two, 400);
    }
    assertAllThere(two, "with 2 workers, more input");
    two.kill(); // the last batches may be in the log only: replayed into the new layout

    ServerProcess one = new ServerProcess(tmp, "--workers", "1").start();
    assertAllThere(one, "after a kill -9, 2 -> 1 worker");
    post(one, 400);
    assertAllThere(one, "with 1 worker, more input");
    one.stop();

    ServerProcess four = new ServerProcess(tmp, "--workers", "4").start();
    assertAllThere(four, "after 1 -> 4 workers");
    assertEquals(200, four.http.send(HttpRequest.newBuilder(URI.create(four.base() + "/api/pipelines/sums")).DELETE()
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    Map<String, Long> flushed = new TreeMap<>();
    for (String line : Files.readAllLines(tmp.resolve("out/sums.jsonl"))) {
      JsonNode r = ServerProcess.JSON.readTree(line);
      Long before = flushed.put(r.get("key").asText(), r.get("value").asLong());
      assertEquals(null, before, "two outputs for " + r.get("key"));
    }
    assertEquals(expected, flushed, "the flushed sums");
    four.stop();
  }
}
