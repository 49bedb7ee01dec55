package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-outputs stream as EventSource clients and proxies read it, over real HTTP to the jar:
 * {@code retry:}, an id per output, resume from {@code Last-Event-ID} with no duplicate and no gap
 * while outputs keep coming, {@code gap} for ids it cannot resume from (too old, another run,
 * unparseable), {@code reload} after a PUT, {@code deleted} and the end of the stream after a
 * DELETE, a re-created pipeline's stream, the replacement of a failed version (the stream follows
 * it), and the token as {@code access_token}.
 */
class LiveOutputsIT {
  private static final String TOKEN = "sse-Tok3n_x9";
  static final String VIEWS = """
      name: views
      source: {kind: http}
      key: event.k
      clock: {kind: event, timestamp: event.ts, wait: 0s}
      window: {kind: tumbling, length: 1s}
      aggregate: {count: true}
      """;
  private static final String STREAM = "/api/pipelines/views/outputs/stream";
  @TempDir
  Path dir;
  private ServerProcess server;
  private final List<SseReader> streams = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    streams.forEach(SseReader::close);
    if (server != null) {
      server.stop();
    }
  }

  private Map<String, String> auth(String... more) {
    Map<String, String> h = new HashMap<>();
    if (server.extra.length > 0) {
      h.put("Authorization", "Bearer " + TOKEN);
    }
    for (int i = 0; i < more.length; i += 2) {
      h.put(more[i], more[i + 1]);
    }
    return h;
  }

  private SseReader open(String query, Map<String, String> headers) throws Exception {
    SseReader r = SseReader.open(server.http, server.base(), STREAM + query, headers);
    streams.add(r);
    return r;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    auth().forEach(b::header);
    return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One event for each of {@code n} new keys, at {@code ts}: {@code n} windows that close within a second or so. */
  private void post(String prefix, int n, Instant ts) throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("{\"k\":\"").append(prefix).append(i).append("\",\"ts\":\"").append(ts).append("\"}\n");
    }
    HttpResponse<String> r = send("POST", "/api/pipelines/views/events", body.toString());
    assertEquals(202, r.statusCode(), r.body());
  }

  private static String incarnation(SseReader.Block b) {
    return b.id().substring(0, b.id().lastIndexOf('-'));
  }

  private static JsonNode data(SseReader.Block b) throws Exception {
    return ServerProcess.JSON.readTree(b.data());
  }

  /** Blocks until an output with sequence number {@code seq}; every block read on the way. */
  private static List<SseReader.Block> readThrough(SseReader r, long seq) throws Exception {
    List<SseReader.Block> got = new ArrayList<>();
    while (true) {
      SseReader.Block b = r.next();
      got.add(b);
      if (b.isOutput() && b.seq() >= seq) {
        return got;
      }
    }
  }

  /** Blocks until an event named {@code name}; every block read on the way. */
  private static List<SseReader.Block> readUntil(SseReader r, String name) throws Exception {
    List<SseReader.Block> got = new ArrayList<>();
    while (true) {
      SseReader.Block b = r.next();
      got.add(b);
      if (name.equals(b.name())) {
        return got;
      }
    }
  }

  private void assertRefused(String query, Map<String, String> headers, int status, String mustSay) throws Exception {
    SseReader r = open(query, headers);
    assertEquals(status, r.response.statusCode(), query + " " + headers);
    String body = r.errorBody();
    assertTrue(ServerProcess.JSON.readTree(body).get("error").asText().contains(mustSay), body);
    assertFalse(body.contains(TOKEN), "an answer never echoes the token: " + body);
  }

  @Test
  void outputsCarryIdsResumeWithoutDuplicatesOrGapsAndTheStreamTellsOfGapsReloadsAndDeletion() throws Exception {
    // In the directory, not by PUT: the watcher sees a PUT's file too and reloads it once more (kept windows),
    // a reload event this test would have to wait out before its first output.
    ServerProcess.define(dir, "views.yaml", VIEWS);
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    server = new ServerProcess(dir, "--token-file", tokenFile.toString()).start();

    // EventSource cannot send headers: the token as access_token, on this route only
    SseReader a = open("?access_token=" + TOKEN, Map.of());
    assertEquals(200, a.response.statusCode());
    assertTrue(a.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    assertEquals("no-store", a.response.headers().firstValue("Cache-Control").orElse(""));
    SseReader.Block opening = a.next();
    assertEquals("2000", opening.retry(), opening.lines().toString());
    assertEquals(0, opening.seq(), "a new stream starts at the current position");
    String inc = incarnation(opening);
    assertRefused("?access_token=" + TOKEN + "x", Map.of(), 401, "wrong token in access_token");
    assertRefused("", Map.of(), 401, "missing bearer token");
    assertRefused("?access_token=" + TOKEN + "&access_token=" + TOKEN, Map.of(), 400, "given more than once");
    assertRefused("?access_token=" + TOKEN, auth(), 400, "send it one way");
    HttpResponse<String> elsewhere = server.http.send(HttpRequest.newBuilder(
        URI.create(server.base() + "/api/pipelines?access_token=" + TOKEN)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, elsewhere.statusCode(), elsewhere.body());
    assertTrue(elsewhere.body().contains("accepted only by GET /api/pipelines/{id}/outputs/stream"), elsewhere.body());

    // an id per output: this run's incarnation, numbered from 1
    post("a", 5, Instant.now());
    List<SseReader.Block> five = a.next(5);
    for (int i = 0; i < 5; i++) {
      assertEquals("output", five.get(i).name(), five.get(i).lines().toString());
      assertEquals(inc + "-" + (i + 1), five.get(i).id());
      assertEquals("views", data(five.get(i)).get("pipeline").asText());
    }

    // resume from Last-Event-ID while outputs keep closing: each output after the id exactly once
    CompletableFuture<Void> poster = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < 30; i++) {
          post("b" + i + "-", 3, Instant.now());
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    SseReader b = open("", auth("Last-Event-ID", inc + "-2"));
    poster.get(60, TimeUnit.SECONDS);
    SseReader.Block resumedAt = b.next();
    assertEquals(inc + "-2", resumedAt.id(), "the stream starts where the client was");
    List<SseReader.Block> fromA = readThrough(a, 95);
    List<SseReader.Block> fromB = readThrough(b, 95);
    assertEquals(93, fromB.size(), "outputs 3 to 95, each once");
    Map<String, String> seenByA = new HashMap<>();
    five.forEach(x -> seenByA.put(x.id(), x.data()));
    fromA.forEach(x -> seenByA.put(x.id(), x.data()));
    for (int i = 0; i < fromB.size(); i++) {
      SseReader.Block x = fromB.get(i);
      assertEquals(inc + "-" + (i + 3), x.id(), "no duplicate and no gap");
      assertEquals(seenByA.get(x.id()), x.data(), "a replayed output is the output of that id");
    }

    // ids it cannot resume from: a gap event, and the stream goes live from now
    post("c", 1_000, Instant.now()); // more than the 1,000 recent outputs the server keeps
    readThrough(a, 1_095);
    SseReader old = open("", auth("Last-Event-ID", inc + "-3"));
    assertEquals(inc + "-1095", old.next().id());
    SseReader.Block gap = old.next();
    assertEquals("gap", gap.name(), gap.lines().toString());
    assertEquals(inc + "-1095", gap.id(), "after a gap the client's position is now");
    JsonNode g = data(gap);
    assertEquals("too_old", g.get("reason").asText());
    assertEquals(1_092, g.get("missed").asInt());
    assertEquals("/api/pipelines/views/outputs?limit=1000", g.get("outputs").asText());
    for (String[] c : new String[][] {{"not-an-id", "unknown_id"}, {"ffffffffffff-7", "other_run"}}) {
      SseReader bad = open("", auth("Last-Event-ID", c[0]));
      bad.next();
      SseReader.Block badGap = bad.next();
      assertEquals("gap", badGap.name());
      assertEquals(c[1], data(badGap).get("reason").asText());
      assertTrue(data(badGap).get("missed").isNull());
      bad.close();
    }
    post("d", 1, Instant.now());
    SseReader.Block live = old.next();
    assertEquals(inc + "-1096", live.id(), "live after the gap");
    readThrough(a, 1_096);

    // a reload that changes the windowing flushes the open window first, then says so
    post("future", 1, Instant.now().plusSeconds(3_600));
    HttpResponse<String> flushing = send("PUT", "/api/pipelines/views", VIEWS.replace("length: 1s", "length: 2s"));
    assertEquals(200, flushing.statusCode(), flushing.body());
    List<SseReader.Block> untilReload = readUntil(a, "reload");
    SseReader.Block flushed = untilReload.get(untilReload.size() - 2);
    assertEquals("future0", data(flushed).get("key").asText(), "the flushed window before the reload");
    SseReader.Block reload = untilReload.get(untilReload.size() - 1);
    assertEquals(flushed.id(), reload.id());
    assertEquals("flushed", data(reload).get("windows").asText());
    assertEquals(ServerProcess.JSON.readTree(flushing.body()).get("version").asInt(), data(reload).get("version").asInt(),
        "the version the PUT deployed");
    HttpResponse<String> keeping = send("PUT", "/api/pipelines/views",
        VIEWS.replace("length: 1s", "length: 2s") + "then: [{filter: 'true'}]\n");
    assertEquals(200, keeping.statusCode(), keeping.body());
    // the next reload: this PUT's, or the watcher's second look at the last PUT's file; windows kept either way
    List<SseReader.Block> untilKept = readUntil(a, "reload");
    SseReader.Block kept = untilKept.get(untilKept.size() - 1);
    assertEquals("kept", data(kept).get("windows").asText());
    assertEquals(data(reload).get("version").asInt() + 1, data(kept).get("version").asInt());

    // DELETE: the flushed windows, then deleted, then the response ends
    post("gone", 1, Instant.now().plusSeconds(3_600));
    HttpResponse<String> deleted = send("DELETE", "/api/pipelines/views", null);
    assertEquals(200, deleted.statusCode(), deleted.body());
    List<SseReader.Block> untilDeleted = readUntil(a, "deleted");
    assertEquals("gone0", data(untilDeleted.get(untilDeleted.size() - 2)).get("key").asText());
    SseReader.Block end = untilDeleted.get(untilDeleted.size() - 1);
    assertEquals("views", data(end).get("pipeline").asText());
    assertTrue(a.ended(), "the stream ends after deleted");
    assertTrue(a.complete, "ended as a complete response, not a reset");
    readUntil(b, "deleted");
    assertTrue(b.ended(), "every stream of the pipeline ends");

    // created again: a new feed; the old stream's id is from another one
    assertEquals(201, send("PUT", "/api/pipelines/views", VIEWS).statusCode(), "created again");
    SseReader again = open("", auth("Last-Event-ID", end.id()));
    SseReader.Block start = again.next();
    assertNotEquals(inc, incarnation(start), "a re-created pipeline numbers its outputs anew");
    SseReader.Block otherRun = again.next();
    assertEquals("gap", otherRun.name());
    assertEquals("other_run", data(otherRun).get("reason").asText());
    post("e", 1, Instant.now());
    List<SseReader.Block> untilOutput = readUntil(again, "output");
    SseReader.Block first = untilOutput.get(untilOutput.size() - 1);
    assertEquals(incarnation(start) + "-1", first.id());
    assertFalse(Files.readString(dir.resolve("serve.log")).contains(TOKEN), "the server never logs the token");
  }

  @Test
  void anIdFromBeforeARestartIsAGapAndTheNewRunNumbersAnew() throws Exception {
    ServerProcess.define(dir, "views.yaml", VIEWS);
    server = new ServerProcess(dir).start();
    SseReader a = open("", Map.of());
    String before = incarnation(a.next());
    post("a", 2, Instant.now());
    String lastId = readThrough(a, 2).get(1).id();
    a.close();
    server.stop();
    server.start();
    SseReader b = open("", Map.of("Last-Event-ID", lastId));
    SseReader.Block opening = b.next();
    assertNotEquals(before, incarnation(opening));
    SseReader.Block gap = b.next();
    assertEquals("gap", gap.name(), gap.lines().toString());
    assertEquals("other_run", data(gap).get("reason").asText());
    post("b", 1, Instant.now());
    SseReader.Block out = b.next();
    assertEquals("output", out.name());
    assertEquals(incarnation(opening) + "-1", out.id());
    assertEquals("b0", data(out).get("key").asText());
  }

  @Test
  void theReplacementOfAFailedVersionKeepsItsStreamsWithAReloadEvent() throws Exception {
    String faulty = VIEWS.replace("clock: {kind: event, timestamp: event.ts, wait: 0s}\n", "clock: {kind: system}\n");
    ServerProcess.define(dir, "views.yaml", faulty);
    server = new ServerProcess(dir);
    server.env.put("TRANSOM_FAULT", "error:views:" + IsolationIT.MARKER);
    server.start();
    SseReader a = open("", Map.of());
    String inc = incarnation(a.next());
    post("a", 2, Instant.now());
    List<SseReader.Block> two = readThrough(a, 2);
    long seen = two.get(two.size() - 1).seq();
    HttpResponse<String> marked = send("POST", "/api/pipelines/views/events",
        "{\"k\":\"x\",\"note\":\"" + IsolationIT.MARKER + "\"}\n");
    assertEquals(202, marked.statusCode(), marked.body());
    ServerProcess.await("the pipeline to fail", () -> server.json("/api/pipelines/views").get("status").asText().equals("failed"));
    HttpResponse<String> fixed = send("PUT", "/api/pipelines/views",
        faulty.replace("key: event.k\n", "steps:\n  - filter: '!has(event.note)'\nkey: event.k\n"));
    assertEquals(200, fixed.statusCode(), fixed.body());
    assertTrue(fixed.body().contains("replaced the failed version"), fixed.body());
    List<SseReader.Block> untilReload = readUntil(a, "reload");
    JsonNode reload = data(untilReload.get(untilReload.size() - 1));
    assertEquals("restored", reload.get("windows").asText());
    assertEquals(ServerProcess.JSON.readTree(fixed.body()).get("version").asInt(), reload.get("version").asInt());
    post("b", 1, Instant.now());
    SseReader.Block after;
    do {
      after = a.next();
    } while (!(after.isOutput() && data(after).get("key").asText().equals("b0")));
    assertEquals(inc, incarnation(after), "the same count goes on");
    assertTrue(after.seq() > seen, after.id());
  }
}
