package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard reads beyond the pipeline views, against the real jar: a pipeline's history
 * (samples, checkpoints, reloads), its shape, its item errors by group, the overview, the bundled
 * chart library, and the 400s and 404s of these routes.
 */
class DashboardApiIT {
  @TempDir
  Path tmp;
  ServerProcess server;

  static final String SHOP = """
      name: shop
      source: {kind: http}
      steps:
        - filter: event.amount > 0
      key: event.user
      value: event.amount
      clock: {kind: event, timestamp: event.ts, wait: 1h}
      window: {kind: tumbling, length: 1m}
      aggregate: {sum: true}
      then:
        - map: '{"user": result.key, "total": result.value}'
      sinks:
        - {kind: file, path: out/shop.jsonl}
        - {kind: webhook, url: 'http://127.0.0.1:9/nowhere', timeout: 1s}
      late: {kind: file, path: out/late.jsonl}
      checkpoint: {interval: 200ms}
      """;

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.stop();
    }
  }

  private void start() throws Exception {
    ServerProcess.define(tmp, "shop.yaml", SHOP);
    server = new ServerProcess(tmp).start();
  }

  private void post(String body) throws Exception {
    HttpResponse<String> r = server.post("/api/pipelines/shop/events", body, null);
    assertEquals(202, r.statusCode(), r.body());
  }

  private static long sum(JsonNode column) {
    long n = 0;
    for (JsonNode v : column) {
      n += v.asLong();
    }
    return n;
  }

  @Test
  void historyHoldsEachSecondsCountsTheCheckpointsAndOnlyWhatIsNewSinceItsUntil() throws Exception {
    start();
    post("{\"user\":\"a\",\"amount\":2,\"ts\":\"2030-01-01T00:00:01Z\"}\n{\"user\":\"b\",\"amount\":3,\"ts\":\"2030-01-01T00:00:02Z\"}"
        + "\n{\"user\":\"a\",\"amount\":0,\"ts\":\"2030-01-01T00:00:03Z\"}");
    ServerProcess.await("the events in the history", () -> sum(server.json("/api/pipelines/shop/history").at("/samples/in")) == 3);
    JsonNode h = server.json("/api/pipelines/shop/history");
    assertEquals(900, h.get("capacity").asInt());
    JsonNode s = h.get("samples");
    int n = s.get("time_ms").size();
    for (String column : List.of("in", "out", "late", "errors", "pending", "open_windows", "lag_seconds", "held_bytes",
        "deliveries_pending", "checkpoint_ms")) {
      assertEquals(n, s.get(column).size(), column + " has a value per sample");
    }
    assertEquals(2, s.get("open_windows").get(n - 1).asInt(), "a and b each have a window open");
    JsonNode cps = h.get("checkpoints");
    assertTrue(cps.size() >= 1, h.toString());
    assertEquals("stored", cps.get(0).get("outcome").asText());
    assertTrue(cps.get(0).get("full").asBoolean(), "a pipeline's first checkpoint writes all its state");
    assertEquals("deployed", h.at("/reloads/0/outcome").asText());

    long until = h.get("until_ms").asLong();
    ServerProcess.await("a sample after until_ms", () ->
        server.json("/api/pipelines/shop/history?since=" + until).at("/samples/time_ms").size() > 0);
    JsonNode later = server.json("/api/pipelines/shop/history?since=" + until);
    for (JsonNode t : later.at("/samples/time_ms")) {
      assertTrue(t.asLong() > until, "only samples stamped after " + until + ": " + later);
    }
    for (JsonNode c : later.get("checkpoints")) {
      assertTrue(java.time.Instant.parse(c.get("time").asText()).toEpochMilli() > until, c.toString());
    }
    assertEquals(0, later.get("reloads").size(), "the deployment was answered before");
  }

  @Test
  void reloadsSayWhatChangedWhatBecameOfTheWindowsAndWhyAnEditWasRefused() throws Exception {
    start();
    post("{\"user\":\"a\",\"amount\":2,\"ts\":\"2030-01-01T00:00:01Z\"}");
    ServerProcess.await("a window open", () -> server.json("/api/pipelines/shop").get("open_windows").asInt() == 1);
    ServerProcess.define(tmp, "shop.yaml", SHOP.replace("\"total\": result.value", "\"sum\": result.value"));
    ServerProcess.await("version 2", () -> server.json("/api/pipelines/shop").get("version").asInt() == 2);
    ServerProcess.define(tmp, "shop.yaml", SHOP.replace("length: 1m", "length: 2m"));
    ServerProcess.await("version 3", () -> server.json("/api/pipelines/shop").get("version").asInt() == 3);
    ServerProcess.define(tmp, "shop.yaml", SHOP.replace("length: 1m", "lenght: 2m"));
    ServerProcess.await("the refused edit", () -> server.json("/api/pipelines/shop/history").get("reloads").size() == 4);
    JsonNode r = server.json("/api/pipelines/shop/history").get("reloads");
    assertEquals("deployed", r.get(0).get("outcome").asText());
    assertEquals("kept", r.get(1).get("outcome").asText());
    assertEquals("[\"then\"]", r.get(1).get("changed").toString());
    assertEquals(1, r.get(1).get("open_windows").asInt());
    assertEquals(2, r.get(1).get("version").asInt());
    assertEquals("flushed", r.get(2).get("outcome").asText());
    assertEquals("[\"window\",\"then\"]", r.get(2).get("changed").toString(), "against version 2's text");
    assertEquals("rejected", r.get(3).get("outcome").asText());
    assertEquals(3, r.get(3).get("version").asInt(), "version 3 keeps running");
    assertTrue(r.get(3).get("problems").toString().matches(".*defs/shop\\.yaml:8:\\d+: window\\.lenght: unknown field.*"),
        r.toString());
    JsonNode overview = server.json("/api/overview");
    assertEquals("rejected", overview.at("/pipelines/0/last_reload/outcome").asText());
  }

  @Test
  void theShapeHasEveryPartOfThePipelineWithTheCountsItKeeps() throws Exception {
    start();
    post("{\"user\":\"a\",\"amount\":2,\"ts\":\"2030-01-01T00:00:01Z\"}\n{\"user\":\"a\",\"amount\":3,\"ts\":\"2030-01-01T02:00:00Z\"}"
        + "\n{\"user\":\"a\",\"amount\":1,\"ts\":\"2030-01-01T00:00:30Z\"}"
        + "\n{\"user\":\"a\",\"amount\":0,\"ts\":\"2030-01-01T02:00:01Z\"}"); // the filter drops the last
    // a file sink's records count once the checkpoint that wrote them is stored, a moment after they are in the file
    ServerProcess.await("the closed window stored", () -> !ServerProcess.lines(tmp.resolve("out/shop.jsonl")).isEmpty()
        && edge(server.json("/api/pipelines/shop/shape"), "then", "sink-0").get("count").asLong() > 0);
    JsonNode shape = server.json("/api/pipelines/shop/shape");
    List<String> kinds = new ArrayList<>();
    shape.get("nodes").forEach(n -> kinds.add(n.get("kind").asText()));
    assertEquals(List.of("source", "steps", "windowing", "errors", "then", "sink", "sink", "late"), kinds);
    assertEquals("[\"filter: event.amount > 0\"]", shape.at("/nodes/1/details").toString());
    assertEquals("file out/shop.jsonl", shape.at("/nodes/5/label").asText());
    assertEquals("webhook http://127.0.0.1:9/nowhere", shape.at("/nodes/6/label").asText());
    assertEquals("late file out/late.jsonl", shape.at("/nodes/7/label").asText(), "named as in the metrics");
    assertEquals(4, edge(shape, "source", "steps").get("count").asLong());
    assertEquals(3, edge(shape, "steps", "windowing").get("count").asLong(), "the filtered event never reached them");
    assertEquals(1, edge(shape, "windowing", "then").get("count").asLong(), "one window closed");
    assertEquals(1, edge(shape, "then", "sink-0").get("count").asLong(), "one window closed, one record stored");
    assertEquals(0, edge(shape, "then", "sink-1").get("count").asLong(), "nothing reaches port 9");
    assertEquals(1, edge(shape, "windowing", "late").get("count").asLong(), "00:00:30 came after its window closed (the clock is at 01:00)");
    ServerProcess.await("the webhook's failed attempt", () ->
        server.json("/api/pipelines/shop/shape").at("/sinks/1/health").asText().equals("retrying"));
    JsonNode hook = server.json("/api/pipelines/shop/shape").at("/sinks/1");
    assertEquals(1, hook.get("pending").asLong());
    assertTrue(hook.get("last_error").asText().contains("127.0.0.1:9"), hook.toString());
    assertEquals("late", server.json("/api/pipelines/shop/shape").at("/sinks/2/role").asText());
  }

  private static JsonNode edge(JsonNode shape, String from, String to) {
    for (JsonNode e : shape.get("edges")) {
      if (e.get("from").asText().equals(from) && e.get("to").asText().equals(to)) {
        return e;
      }
    }
    throw new AssertionError("no edge " + from + " -> " + to + " in " + shape);
  }

  @Test
  void itemErrorsAreGroupedByFieldAndMessageWithTheLatestEvent() throws Exception {
    start();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      body.append("{\"user\":\"a\",\"amount\":\"x").append(i).append("\",\"ts\":\"2030-01-01T00:00:01Z\"}\n");
    }
    body.append("{\"amount\":1,\"ts\":\"2030-01-01T00:00:01Z\"}\n");
    post(body.toString());
    ServerProcess.await("six item errors", () -> server.json("/api/pipelines/shop/errors").get("total").asInt() == 6);
    JsonNode groups = server.json("/api/pipelines/shop/errors").get("groups");
    assertEquals(2, groups.size(), groups.toString());
    JsonNode filter = groups.get(0).get("field").asText().equals("steps[0].filter") ? groups.get(0) : groups.get(1);
    assertEquals(5, filter.get("count").asInt());
    assertEquals("x4", filter.at("/last_item/amount").asText(), "the latest of the five");
    JsonNode key = filter == groups.get(0) ? groups.get(1) : groups.get(0);
    assertEquals("key", key.get("field").asText());
    assertEquals(1, key.get("count").asInt());
  }

  @Test
  void theOverviewGivesEveryPipelineItsRecentSamplesSinksAndLastReload() throws Exception {
    start();
    ServerProcess.await("three samples", () -> server.json("/api/overview").at("/pipelines/0/samples/time_ms").size() >= 3);
    JsonNode o = server.json("/api/overview?seconds=2");
    assertEquals("shop", o.at("/pipelines/0/pipeline").asText());
    assertTrue(o.at("/pipelines/0/samples/time_ms").size() <= 2, o.toString());
    assertEquals(100_000, o.at("/pipelines/0/queue_capacity").asLong());
    assertEquals("deployed", o.at("/pipelines/0/last_reload/outcome").asText());
    assertEquals(3, o.at("/pipelines/0/sinks").size());
    long until = o.get("until_ms").asLong();
    for (JsonNode t : server.json("/api/overview?since=" + until).at("/pipelines/0/samples/time_ms")) {
      assertTrue(t.asLong() > until);
    }
  }

  @Test
  void aCheckpointThatFailsIsListedWithWhyAndTheExactlyOnceSinksWaitWhileStorageFails() throws Exception {
    java.nio.file.Path faults = java.nio.file.Files.createDirectories(tmp.resolve("faults"));
    ServerProcess.define(tmp, "shop.yaml", SHOP);
    server = new ServerProcess(tmp);
    server.env.put("TRANSOM_FAULT_DISK_FULL", faults.toString());
    server.start();
    post("{\"user\":\"a\",\"amount\":2,\"ts\":\"2030-01-01T00:00:01Z\"}");
    java.nio.file.Files.writeString(faults.resolve("shop"), ""); // its storage is full from now on
    ServerProcess.await("a failed checkpoint", () -> {
      for (JsonNode c : server.json("/api/pipelines/shop/history").get("checkpoints")) {
        if (c.get("outcome").asText().equals("failed")) {
          return true;
        }
      }
      return false;
    });
    JsonNode failed = null;
    for (JsonNode c : server.json("/api/pipelines/shop/history").get("checkpoints")) {
      failed = c.get("outcome").asText().equals("failed") ? c : failed;
    }
    assertTrue(failed.get("error").asText().contains("No space left on device"), failed.toString());
    assertTrue(failed.get("state_bytes").isNull() && failed.get("full").isNull(), "nothing was written: " + failed);
    ServerProcess.await("paused", () -> server.json("/api/pipelines/shop").get("status").asText().equals("paused"));
    JsonNode sinks = server.json("/api/pipelines/shop/shape").get("sinks");
    assertEquals("paused", sinks.get(0).get("health").asText(), "the file sink waits for storage: " + sinks);
    java.nio.file.Files.delete(faults.resolve("shop"));
    long failedEpoch = failed.get("epoch").asLong();
    ServerProcess.await("a checkpoint stored again", () -> {
      JsonNode cps = server.json("/api/pipelines/shop/history").get("checkpoints");
      JsonNode last = cps.get(cps.size() - 1);
      return last.get("outcome").asText().equals("stored") && last.get("epoch").asLong() >= failedEpoch;
    });
  }

  @Test
  void badQueriesAre400sUnknownPipelines404sAndOtherMethods405s() throws Exception {
    start();
    assertError(400, "since: expected milliseconds", server.get("/api/pipelines/shop/history?since=yesterday"));
    assertError(400, "since: expected milliseconds", server.get("/api/overview?since=-5"));
    assertError(400, "since: given more than once", server.get("/api/overview?since=1&since=2"));
    assertError(400, "seconds: expected a whole number from 1 to 900", server.get("/api/overview?seconds=901"));
    assertError(400, "unknown query parameter 'limit'", server.get("/api/pipelines/shop/shape?limit=3"));
    assertError(400, "unknown query parameter 'x'", server.get("/api/pipelines/shop/errors?x"));
    for (String path : List.of("history", "shape", "errors")) {
      assertError(404, "no pipeline 'gone'", server.get("/api/pipelines/gone/" + path));
    }
    HttpResponse<String> post = server.http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/overview"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertError(405, "not allowed", post);
    assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void theChartLibraryIsServedFromTheJarAndNothingElseOfItsWebJar() throws Exception {
    start();
    HttpResponse<String> js = server.get("/vendor/uplot/uPlot.iife.min.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertTrue(js.body().contains("uPlot"), "uPlot's own code");
    assertEquals(200, server.get("/vendor/uplot/uPlot.min.css").statusCode());
    assertError(404, "not found", server.get("/vendor/uplot/package.json"));
    assertError(404, "not found", server.get("/vendor/uplot/..%2Fpackage.json"));
  }

  private static void assertError(int status, String says, HttpResponse<String> r) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode n = ServerProcess.JSON.readTree(r.body());
    assertTrue(n.path("error").asText().contains(says), r.body());
    assertFalse(r.body().contains("Exception"), r.body());
  }
}
