package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against requests that are wrong in small ways: each gets a 4xx with a JSON body that
 * says what is wrong (never a 500, an internal message or a stack trace), and nothing else changes.
 */
class BadRequestsIT {
  @TempDir
  Path tmp;
  ServerProcess server;

  static final String SUMS = """
      name: sums
      source: {kind: http}
      key: event.user
      value: event.n
      clock: {kind: event, timestamp: event.ts, wait: 1h}
      window: {kind: tumbling, length: 1m}
      aggregate: {sum: true}
      """;

  @BeforeEach
  void start() throws Exception {
    ServerProcess.define(tmp, "sums.yaml", SUMS);
    server = new ServerProcess(tmp).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", method.equals("PUT") ? "text/yaml" : "application/x-ndjson");
    return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON error answer with {@code status}, whose message contains {@code says}. */
  private static JsonNode assertError(int status, String says, int actualStatus, String body, String what) throws Exception {
    assertEquals(status, actualStatus, what + ": " + body);
    JsonNode n = ServerProcess.JSON.readTree(body);
    assertTrue(n.get("error").asText().contains(says), what + ": " + body);
    assertTrue(n.get("problems").isArray(), what + ": " + body);
    assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("internal error"), what + ": " + body);
    return n;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int count(String key) throws Exception {
    JsonNode w = server.json("/api/pipelines/sums/windows?key=" + key).get("windows");
    return w.isEmpty() ? 0 : w.get(0).get("count").asInt();
  }

  @Test
  void eventsThatAreNotUtf8OrHoldInfiniteNumbersAreRefusedNamingTheLineAndNothingIsKept() throws Exception {
    byte[] good = bytes("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n");
    byte[] badKey = bytes("{\"user\":\"a\u00e9\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n");
    badKey[10] = (byte) 0xc0; // é's lead byte becomes the start of an overlong sequence
    byte[] batch = new byte[good.length + badKey.length];
    System.arraycopy(good, 0, batch, 0, good.length);
    System.arraycopy(badKey, 0, batch, good.length, badKey.length);
    HttpResponse<String> r = send("POST", "/api/pipelines/sums/events", batch);
    JsonNode n = assertError(400, "line 2: invalid UTF-8 (byte 0xc0)", r.statusCode(), r.body(), "bad UTF-8");
    assertEquals(2, n.get("problems").get(0).get("line").asInt());
    assertEquals(11, n.get("problems").get(0).get("col").asInt(), "the byte column of the bad byte");

    r = send("POST", "/api/pipelines/sums/events",
        bytes("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n{\"user\":\"a\",\"n\":-1e999,\"ts\":\"2024-05-01T10:00:01Z\"}"));
    n = assertError(400, "line 2: number out of range: -1e999", r.statusCode(), r.body(), "infinite number");
    assertEquals(17, n.get("problems").get(0).get("col").asInt());

    assertEquals(202, send("POST", "/api/pipelines/sums/events", good).statusCode());
    ServerProcess.await("the good event counted", () -> count("a") == 1);
    assertEquals(1, server.json("/api/pipelines/sums/windows").get("windows").size(), "no other key was made up");
    assertEquals(1, server.json("/api/pipelines/sums").get("counters").get("in").asInt(), "the refused batches kept nothing");
  }

  @Test
  void badIdsAndQueryParametersAre400sOnEveryRoute() throws Exception {
    List<String> ids = List.of("%00", "%ff", "a%2Fb", "..%2F..%2Fetc", "Sums", "x".repeat(64), "-x");
    List<String> routes = List.of("", "/windows", "/outputs", "/outputs/stream", "/events");
    for (String id : ids) {
      for (String route : routes) {
        for (String method : route.equals("/events") ? List.of("POST") : route.isEmpty() ? List.of("GET", "PUT", "DELETE")
            : List.of("GET")) {
          String path = "/api/pipelines/" + id + route;
          HttpResponse<String> r = send(method, path, method.equals("GET") || method.equals("DELETE") ? null : bytes(SUMS));
          assertError(400, id.equals("%ff") ? "not UTF-8" : "invalid pipeline id", r.statusCode(), r.body(), method + " " + path);
        }
      }
    }
    for (String path : List.of("/api/pipelines/%", "/api/pipelines/sums/windows?key=%", "/api/pipelines/a%zz/windows",
        "/api/pipelines/sums/windows?key=%ff")) {
      RawHttp.Response r = RawHttp.exchange(server.port, "GET", path, Map.of(), null);
      assertError(400, "malformed request target", r.status(), r.body(), path);
      assertEquals("application/json", r.header("content-type"), path);
    }
    Map<String, String> params = Map.of("windows?cursor=-5", "cursor: expected a whole number from 0 to 2147483647, got '-5'",
        "windows?cursor=abc", "cursor:", "windows?cursor=1e3", "cursor:", "windows?cursor=99999999999", "cursor:",
        "windows?limit=", "limit: expected a whole number from 1 to 1000, got ''", "windows?limit=0", "limit:",
        "windows?limit=1001", "limit:", "outputs?limit=-1", "limit:", "outputs?limit=ten", "limit:",
        "windows?limit=5&limit=6", "limit: given more than once");
    for (Map.Entry<String, String> e : params.entrySet()) {
      HttpResponse<String> r = server.get("/api/pipelines/sums/" + e.getKey());
      assertError(400, e.getValue(), r.statusCode(), r.body(), e.getKey());
    }
    assertEquals(200, server.get("/api/pipelines/sums/windows?cursor=0&limit=1000").statusCode());
    assertEquals(200, server.get("/api/pipelines/sums/outputs?limit=1").statusCode());
    assertEquals(404, server.get("/api/pipelines/nosuch/windows").statusCode(), "a valid id that names nothing");
    assertEquals("running", server.json("/api/pipelines/sums").get("status").asText());
  }

  @Test
  void aPutThatValidateRefusesChangesNothingAndSaysWhere() throws Exception {
    Path file = tmp.resolve("defs/sums.yaml");
    byte[] before = Files.readAllBytes(file);
    byte[] latin1 = bytes(SUMS.replace("value: event.n", "value: event.n  # caf\u00e9"));
    int at = new String(latin1, StandardCharsets.UTF_8).indexOf('\u00e9') + 1; // é's second byte
    latin1[at - 1] = (byte) 0xe9;
    latin1[at] = ' ';
    Files.write(tmp.resolve("latin1.yaml"), latin1);
    Jar.Result validate = Jar.run(tmp, null, "validate", "latin1.yaml");
    assertEquals(2, validate.exit());
    assertEquals("latin1.yaml:4:22: invalid UTF-8 (byte 0xe9): a definition must be UTF-8 text", validate.out().strip());

    HttpResponse<String> r = send("PUT", "/api/pipelines/sums", latin1);
    JsonNode n = assertError(400, "invalid definition", r.statusCode(), r.body(), "PUT of Latin-1 text");
    JsonNode p = n.get("problems").get(0);
    assertEquals(List.of(4, 22), List.of(p.get("line").asInt(), p.get("col").asInt()), r.body());
    assertTrue(p.get("message").asText().startsWith("invalid UTF-8 (byte 0xe9)"), r.body());
    r = send("POST", "/api/validate", latin1);
    assertEquals(200, r.statusCode());
    assertFalse(ServerProcess.JSON.readTree(r.body()).get("ok").asBoolean(), "POST /api/validate agrees: " + r.body());

    r = send("PUT", "/api/pipelines/sums", bytes(SUMS.replace("length: 1m", "length: 0s")));
    assertError(400, "invalid definition", r.statusCode(), r.body(), "PUT of an invalid window");
    r = send("PUT", "/api/pipelines/sums", bytes(SUMS + "checkpoint: {interval: 1us}\n"));
    n = assertError(400, "invalid definition", r.statusCode(), r.body(), "PUT of a 1us checkpoint interval");
    assertEquals("checkpoint.interval: must be at least 100ms (got 1us)", n.get("problems").get(0).get("message").asText());
    assertArrayEquals(before, Files.readAllBytes(file), "a refused PUT leaves the file alone");
    assertEquals(1, server.json("/api/pipelines/sums").get("version").asInt(), "and the running version");

    // a new id whose file name is taken by another pipeline: writing it would replace that one
    ServerProcess.define(tmp, "other.yaml", SUMS.replace("name: sums", "name: taken"));
    ServerProcess.await("the pipeline in other.yaml deployed", () -> server.get("/api/pipelines/taken").statusCode() == 200);
    byte[] other = Files.readAllBytes(tmp.resolve("defs/other.yaml"));
    r = send("PUT", "/api/pipelines/other", bytes(SUMS.replace("name: sums", "name: other")));
    assertError(409, "holds pipeline 'taken'", r.statusCode(), r.body(), "PUT over another pipeline's file");
    assertArrayEquals(other, Files.readAllBytes(tmp.resolve("defs/other.yaml")));
    assertEquals("running", server.json("/api/pipelines/taken").get("status").asText());
  }

  @Test
  void aDefinitionFileThatIsNotUtf8IsALocatedProblemAndTheRunningVersionStays() throws Exception {
    Path file = tmp.resolve("defs/sums.yaml");
    byte[] edit = bytes(SUMS.replace("key: event.user", "key: event.user # caf\u00e9"));
    int at = new String(edit, StandardCharsets.UTF_8).indexOf('\u00e9');
    edit[at] = (byte) 0xe9; // é as Latin-1 has it
    edit[at + 1] = ' ';
    Files.write(file, edit);
    ServerProcess.await("the edit's problem shown", () -> server.json("/api/pipelines/sums").get("problems").size() > 0);
    JsonNode p = server.json("/api/pipelines/sums");
    assertEquals("running", p.get("status").asText(), "the running version keeps running");
    JsonNode problem = p.get("problems").get(0);
    assertEquals("defs/sums.yaml", problem.get("file").asText());
    assertEquals(List.of(3, 22), List.of(problem.get("line").asInt(), problem.get("col").asInt()), problem.toString());
    assertEquals("invalid UTF-8 (byte 0xe9): a definition must be UTF-8 text", problem.get("message").asText());
  }
}
