package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding and cross-site request forgery against the real jar: a request naming another host
 * is refused, and so is a change sent from another site's page, while the server's own names and
 * pages, and clients that send no {@code Origin}, keep working.
 */
class HostAndOriginIT {
  @TempDir
  static Path dir;
  static ServerProcess server;
  static int port;

  private static final String COUNTS = """
      name: %s
      source: {kind: http}
      key: event.user
      clock: {kind: system}
      window: {kind: tumbling, length: 1h}
      aggregate: {count: true}
      """;

  @BeforeAll
  static void start() throws Exception {
    ServerProcess.define(dir, "victim.yaml", COUNTS.formatted("victim"));
    ServerProcess.define(dir, "open.yaml", COUNTS.formatted("open"));
    server = new ServerProcess(dir, "--allow-host", "transom.test").start();
    port = server.port;
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static RawHttp.Response send(String method, String path, Map<String, String> headers, String body)
      throws Exception {
    return RawHttp.exchange(port, method, path, headers, body);
  }

  private static void assertRefused(int status, String mustSay, RawHttp.Response r, String what) throws Exception {
    assertEquals(status, r.status(), what + ": " + r.body());
    assertTrue(r.header("content-type").startsWith("application/json"), what);
    JsonNode body = ServerProcess.JSON.readTree(r.body());
    assertTrue(body.get("error").asText().contains(mustSay), what + ": " + r.body());
    assertEquals("close", r.header("connection"), what);
  }

  private static long eventsIn(String id) throws Exception {
    return server.json("/api/pipelines/" + id).get("counters").get("in").asLong();
  }

  @Test
  void aForgedHostIsRefusedEverywhereExceptHealth() throws Exception {
    Map<String, String> forged = Map.of("Host", "evil.example:" + port);
    for (String path : List.of("/api/pipelines", "/", "/metrics", "/api/pipelines/victim/outputs/stream")) {
      assertRefused(421, "'evil.example:" + port + "'", send("GET", path, forged, null), "GET " + path);
    }
    assertRefused(421, "--allow-host evil.example",
        send("POST", "/api/pipelines/victim/events", Map.of("Host", "evil.example"), "{\"user\":\"x\"}"), "POST");
    assertEquals(0, eventsIn("victim"), "a refused batch is not ingested");
    assertRefused(421, "'localhost:" + (port + 1) + "'",
        send("GET", "/api/pipelines", Map.of("Host", "localhost:" + (port + 1)), null), "our name, another port");
    assertRefused(400, "Host header", send("GET", "/api/pipelines", Map.of("Host", "[::1"), null), "malformed");
    // probes and load balancers name the server their own way; the answer is a constant
    assertEquals(200, send("GET", "/health", forged, null).status());
  }

  @Test
  void theServersOwnNamesAndAllowedHostsAreServed() throws Exception {
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port, "transom.test",
        "transom.test:8443")) {
      RawHttp.Response r = send("GET", "/api/pipelines", Map.of("Host", host), null);
      assertEquals(200, r.status(), host + ": " + r.body());
    }
  }

  @Test
  void changesFromAForeignOriginAreRefusedAndChangeNothing() throws Exception {
    Path file = dir.resolve("defs/victim.yaml");
    String before = Files.readString(file);
    for (String origin : List.of("http://evil.example", "null", "http://localhost:" + (port + 1),
        "http://127.0.0.1:" + port + ".evil.example")) {
      Map<String, String> h = Map.of("Origin", origin, "Content-Type", "text/plain");
      String what = " from " + origin;
      assertRefused(403, "forgery", send("POST", "/api/pipelines/victim/events", h, "{\"user\":\"x\"}"), "POST events" + what);
      assertRefused(403, "forgery", send("PUT", "/api/pipelines/victim", h, COUNTS.formatted("victim").replace("1h", "1m")),
          "PUT" + what);
      assertRefused(403, "forgery", send("PUT", "/api/pipelines/planted", h, COUNTS.formatted("planted")), "PUT new" + what);
      assertRefused(403, "forgery", send("DELETE", "/api/pipelines/victim", h, null), "DELETE" + what);
      assertRefused(403, "forgery", send("POST", "/api/validate", h, "name: x"), "POST validate" + what);
    }
    assertEquals(0, eventsIn("victim"));
    assertEquals(before, Files.readString(file), "the definition is untouched");
    assertEquals("running", server.json("/api/pipelines/victim").get("status").asText());
    assertTrue(Files.notExists(dir.resolve("defs/planted.yaml")));
    assertEquals(404, server.get("/api/pipelines/planted").statusCode());
    // reading is not refused: without a CORS header the browser shows the answer to no foreign page
    assertEquals(200, send("GET", "/api/pipelines", Map.of("Origin", "http://evil.example"), null).status());
  }

  @Test
  void changesFromTheServersOwnPagesAndFromClientsWithoutOriginWork() throws Exception {
    List<Map<String, String>> senders = List.of(Map.of(), Map.of("Origin", "http://127.0.0.1:" + port),
        Map.of("Origin", "http://localhost:" + port), Map.of("Origin", "https://transom.test"));
    for (Map<String, String> h : senders) {
      RawHttp.Response r = send("POST", "/api/pipelines/open/events", h, "{\"user\":\"a\"}");
      assertEquals(202, r.status(), h + ": " + r.body());
      assertEquals(200, send("POST", "/api/validate", h, COUNTS.formatted("x")).status(), h.toString());
    }
    assertEquals(4, eventsIn("open"));
    Map<String, String> own = Map.of("Origin", "http://127.0.0.1:" + port);
    RawHttp.Response put = send("PUT", "/api/pipelines/added", own, COUNTS.formatted("added"));
    assertEquals(201, put.status(), put.body());
    assertEquals("running", server.json("/api/pipelines/added").get("status").asText());
    RawHttp.Response delete = send("DELETE", "/api/pipelines/added", own, null);
    assertEquals(200, delete.status(), delete.body());
    assertTrue(Files.notExists(dir.resolve("defs/added.yaml")));
  }
}
