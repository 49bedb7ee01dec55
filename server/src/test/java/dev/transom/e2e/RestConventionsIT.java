package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's HTTP conventions against the real jar: status codes that say what happened (201 for a
 * created pipeline, 405 with Allow for a method a path does not take, 409 for events sent to a
 * pipeline that reads its own), query parameters and bodies (forms, multipart, JSON arrays) that are
 * read as the user meant or refused naming the problem, definitions whose sinks cannot open refused
 * like invalid ones, the {@code finished} status, and the schema served by the API.
 */
class RestConventionsIT {
  @TempDir
  Path tmp;
  ServerProcess server;

  static final String SUMS = BadRequestsIT.SUMS;

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.process.isAlive()) {
      server.stop();
    }
  }

  private ServerProcess start(String... flags) throws Exception {
    ServerProcess.define(tmp, "sums.yaml", SUMS);
    server = new ServerProcess(tmp, flags).start();
    return server;
  }

  private HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON error with {@code status} whose message contains {@code says}, and no trace of the inside. */
  private static JsonNode assertError(int status, String says, HttpResponse<String> r, String what) throws Exception {
    assertEquals(status, r.statusCode(), what + ": " + r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
    JsonNode n = ServerProcess.JSON.readTree(r.body());
    assertTrue(n.path("error").asText().contains(says), what + ": " + r.body());
    assertTrue(n.path("problems").isArray(), what + ": " + r.body());
    assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), what + ": " + r.body());
    return n;
  }

  private int count(String pipeline, String key) throws Exception {
    JsonNode w = server.json("/api/pipelines/" + pipeline + "/windows?key=" + key).get("windows");
    return w.isEmpty() ? 0 : w.get(0).get("count").asInt();
  }

  private static String event(String user, int n) {
    return "{\"user\":\"" + user + "\",\"n\":" + n + ",\"ts\":\"2030-01-01T00:00:00Z\"}";
  }

  @Test
  void aPutThatCreatesAnswers201WithLocationAndOneThatChangesAnswers200() throws Exception {
    start();
    String other = SUMS.replace("name: sums", "name: other");
    HttpResponse<String> created = send("PUT", "/api/pipelines/other", "text/yaml", other);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("/api/pipelines/other", created.headers().firstValue("Location").orElse(null));
    assertEquals("other", ServerProcess.JSON.readTree(created.body()).get("id").asText());
    assertEquals(200, server.get("/api/pipelines/other").statusCode(), "the Location names the pipeline");
    HttpResponse<String> changed = send("PUT", "/api/pipelines/other", "text/yaml", other.replace("1m", "2m"));
    assertEquals(200, changed.statusCode(), changed.body());
    assertTrue(changed.headers().firstValue("Location").isEmpty(), "a change creates nothing");
    assertEquals(200, send("PUT", "/api/pipelines/sums", "text/yaml", SUMS.replace("1h", "2h")).statusCode(),
        "a pipeline loaded from the directory exists too");
  }

  @Test
  void aMethodAPathDoesNotTakeIs405WithAllowAndUnknownPathsStay404() throws Exception {
    start();
    Map<String, String> allowed = Map.of(
        "PATCH /api/pipelines/sums", "GET, PUT, DELETE",
        "POST /api/pipelines", "GET",
        "GET /api/pipelines/sums/events", "POST",
        "DELETE /api/pipelines/sums/windows", "GET",
        "PUT /api/pipelines/sums/outputs", "GET",
        "POST /api/pipelines/sums/outputs/stream", "GET",
        "GET /api/validate", "POST",
        "POST /api/schema", "GET",
        "OPTIONS /api/pipelines/sums", "GET, PUT, DELETE");
    for (Map.Entry<String, String> e : allowed.entrySet()) {
      String[] req = e.getKey().split(" ");
      HttpResponse<String> r = send(req[0], req[1], null, req[0].equals("GET") || req[0].equals("OPTIONS") ? null : "");
      assertError(405, req[0] + " is not allowed on " + req[1], r, e.getKey());
      assertEquals(e.getValue(), r.headers().firstValue("Allow").orElse(null), e.getKey());
    }
    assertError(405, "allowed: GET", send("POST", "/api/pipelines/nosuch/windows", null, ""),
        "the path exists for every id");
    assertError(404, "no such API path", send("GET", "/api/nope", null, null), "an unknown path");
    assertError(404, "no such API path", send("PATCH", "/api/pipelines/sums/nope", null, ""), "an unknown sub-path");
    assertEquals(200, server.get("/api/pipelines/sums").statusCode(), "the allowed method still works");
  }

  @Test
  void badAndUnknownQueryParametersAre400NamingTheParameter() throws Exception {
    start();
    for (String path : new String[] {"/outputs", "/windows"}) {
      for (String bad : new String[] {"abc", "-1", "0", "1001", ""}) {
        assertError(400, "limit: expected a whole number from 1 to 1000, got '" + bad + "'",
            server.get("/api/pipelines/sums" + path + "?limit=" + bad), path + "?limit=" + bad);
      }
    }
    assertError(400, "cursor: expected a whole number", server.get("/api/pipelines/sums/windows?cursor=x"), "cursor");
    assertError(400, "unknown query parameter 'limt'", server.get("/api/pipelines/sums/outputs?limt=5"), "a misspelling");
    JsonNode n = assertError(400, "unknown query parameter 'page'", server.get("/api/pipelines/sums/windows?page=2"),
        "windows");
    assertTrue(n.get("error").asText().contains("takes key, cursor, limit"), n.toString());
    assertError(400, "takes none", server.get("/api/pipelines?verbose=1"), "the list takes none");
    assertError(400, "unknown query parameter 'dry_run'",
        send("PUT", "/api/pipelines/sums?dry_run=1", "text/yaml", SUMS.replace("1h", "3h")), "a PUT");
    assertEquals(1, server.json("/api/pipelines/sums").get("version").asInt(), "the refused PUT changed nothing");
    assertEquals(200, server.get("/api/pipelines/sums/windows?key=a&cursor=0&limit=5").statusCode());
    assertEquals(200, server.get("/api/pipelines/sums/outputs?limit=1000").statusCode());
  }

  @Test
  void formBodiesAreReadAsSentAndMultipartIs415() throws Exception {
    start();
    String form = "application/x-www-form-urlencoded"; // what curl -d sends
    assertEquals(202, send("POST", "/api/pipelines/sums/events", form, event("one", 1)).statusCode());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      lines.append(event("many", i)).append('\n');
    }
    HttpResponse<String> r = send("POST", "/api/pipelines/sums/events", form, lines.toString());
    assertEquals(202, r.statusCode(), r.body());
    assertEquals(100, ServerProcess.JSON.readTree(r.body()).get("accepted").asInt());
    // curl -d @file drops the newlines: the objects run together, and the answer says what to send instead
    JsonNode refused = assertError(400, "--data-binary", send("POST", "/api/pipelines/sums/events", form,
        lines.toString().replace("\n", "")), "newlines stripped");
    assertEquals(1, refused.get("problems").get(0).get("line").asInt(), refused.toString());
    String multipart = "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"e.jsonl\"\r\n\r\n"
        + event("parts", 1) + "\r\n--xyz--\r\n";
    assertError(415, "multipart", send("POST", "/api/pipelines/sums/events", "multipart/form-data; boundary=xyz",
        multipart), "multipart events");
    assertError(415, "text/yaml", send("PUT", "/api/pipelines/sums", "multipart/form-data; boundary=xyz", multipart),
        "a multipart definition");
    assertEquals(1, count("sums", "one"));
    assertEquals(100, count("sums", "many"));
    assertEquals(0, count("sums", "parts"), "nothing of a refused body is kept");
    // a definition sent as a form is read as the YAML it is
    HttpResponse<String> put = send("PUT", "/api/pipelines/formed", form, SUMS.replace("name: sums", "name: formed"));
    assertEquals(201, put.statusCode(), put.body());
  }

  @Test
  void aJsonArrayIsABatchOfItsElementsAndIsReplayedAsSuchAfterACrash() throws Exception {
    start();
    HttpResponse<String> r = send("POST", "/api/pipelines/sums/events", "application/json",
        "[\n  " + event("arr", 1) + ",\n  " + event("arr", 2) + ",\n  " + event("other", 3) + "\n]\n");
    assertEquals(202, r.statusCode(), r.body());
    assertEquals(3, ServerProcess.JSON.readTree(r.body()).get("accepted").asInt());
    assertEquals(2, count("sums", "arr"));
    JsonNode bad = assertError(400, "element 2 of the array is a number, not an object",
        send("POST", "/api/pipelines/sums/events", "application/json", "[" + event("arr", 4) + ",\n 5]"), "a number");
    assertEquals(2, bad.get("problems").get(0).get("line").asInt(), bad.toString());
    assertEquals(2, bad.get("problems").get(0).get("col").asInt(), bad.toString());
    assertEquals(2, count("sums", "arr"), "nothing of the refused array is kept");
    // before any checkpoint: the restart replays the logged batch, which must read as the same three events
    server.kill();
    server.start();
    assertEquals(2, count("sums", "arr"));
    assertEquals(1, count("sums", "other"));
    assertEquals(0, server.json("/api/pipelines/sums").get("counters").get("errors").asInt());
  }

  @Test
  void eventsPostedToAPipelineThatReadsItsOwnSourceAre409() throws Exception {
    Files.createDirectories(tmp.resolve("input"));
    Files.writeString(tmp.resolve("input/f.jsonl"), event("f", 1) + "\n");
    ServerProcess.define(tmp, "fromfile.yaml", SUMS.replace("name: sums", "name: fromfile")
        .replace("source: {kind: http}", "source: {kind: file, path: input/f.jsonl}"));
    ServerProcess.define(tmp, "gen.yaml", """
        name: gen
        source: {kind: generator, rate: 1, count: 1}
        key: event.key
        value: event.value
        clock: {kind: system}
        window: {kind: tumbling, length: 1h}
        aggregate: {count: true}
        """);
    start();
    assertError(409, "pipeline 'fromfile' has a file source", send("POST", "/api/pipelines/fromfile/events",
        "application/x-ndjson", event("posted", 1)), "a file pipeline");
    assertError(409, "has a generator source", send("POST", "/api/pipelines/gen/events", "application/x-ndjson",
        event("posted", 1)), "a generator pipeline");
    assertError(409, "nothing was accepted", send("POST", "/api/pipelines/fromfile/events", "application/x-ndjson",
        event("posted", 1)), "says nothing was taken");
    assertEquals(0, count("fromfile", "posted"));
  }

  @Test
  void aFilePipelineIsFinishedOnceItsInputIsReadAndItsWindowsAreWritten() throws Exception {
    Files.createDirectories(tmp.resolve("input"));
    Files.writeString(tmp.resolve("input/f.jsonl"), event("a", 1) + "\n" + event("b", 2) + "\n" + event("a", 3) + "\n");
    ServerProcess.define(tmp, "fromfile.yaml", SUMS.replace("name: sums", "name: fromfile")
        .replace("source: {kind: http}", "source: {kind: file, path: input/f.jsonl}")
        + "checkpoint: {interval: 100ms}\nsinks:\n  - {kind: file, path: out/fromfile.jsonl}\n");
    ServerProcess.define(tmp, "tail.yaml", SUMS.replace("name: sums", "name: tail")
        .replace("source: {kind: http}", "source: {kind: file, path: input/f.jsonl, follow: true}")
        + "checkpoint: {interval: 100ms}\n");
    start();
    ServerProcess.await("the file pipeline to finish",
        () -> server.json("/api/pipelines/fromfile").get("status").asText().equals("finished"));
    // finished means flushed and written: every window is in the exactly-once file already
    assertEquals(2, ServerProcess.lines(tmp.resolve("out/fromfile.jsonl")).size());
    assertEquals(0, server.json("/api/pipelines/fromfile").get("open_windows").asInt());
    JsonNode list = server.json("/api/pipelines").get("pipelines");
    for (JsonNode p : list) {
      String expected = switch (p.get("id").asText()) {
        case "fromfile" -> "finished";
        default -> "running"; // http and a followed file have no end of input
      };
      assertEquals(expected, p.get("status").asText(), p.toString());
    }
    // after a restart there is nothing left to read: finished again, and nothing written twice
    server.stop();
    server.start();
    ServerProcess.await("finished after a restart",
        () -> server.json("/api/pipelines/fromfile").get("status").asText().equals("finished"));
    assertEquals(2, ServerProcess.lines(tmp.resolve("out/fromfile.jsonl")).size());
  }

  @Test
  void aDefinitionWhoseSinksCannotOpenIsRefusedAndTheRunningVersionKeepsRunning() throws Exception {
    // a table of an h2 sink's name that is not a sink's table, made before the server owns the database
    Files.createDirectories(tmp.resolve("data"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
        "jdbc:h2:file:" + tmp.resolve("data/transom").toAbsolutePath() + ";COMPRESS=TRUE", "sa", "")) {
      c.createStatement().execute("CREATE TABLE \"handmade\" (x INT)");
    }
    Files.createDirectories(tmp.resolve("out"));
    Files.writeString(tmp.resolve("out/plain-file"), "not a directory\n");
    start();
    assertEquals(202, server.post("/api/pipelines/sums/events", event("a", 1), null).statusCode());
    String blocked = SUMS + "sinks:\n  - {kind: file, path: out/plain-file/sums.jsonl}\n";
    JsonNode n = assertError(400, "cannot open the sinks", send("PUT", "/api/pipelines/sums", "text/yaml", blocked),
        "a file sink under a file");
    JsonNode p = n.get("problems").get(0);
    String sinkLine = blocked.split("\n")[8];
    assertEquals(9, p.get("line").asInt(), p.toString());
    assertEquals(sinkLine.indexOf("out/plain-file") + 1, p.get("col").asInt(), p.toString());
    assertTrue(p.get("message").asText().startsWith("sinks[0].path: cannot write "), p.toString());
    assertTrue(p.get("message").asText().contains("is not a directory"), p.toString());
    Files.createDirectories(tmp.resolve("out/a-directory"));
    String dir = SUMS + "late: {kind: file, path: out/a-directory}\n";
    assertError(400, "cannot open the sinks", send("PUT", "/api/pipelines/sums", "text/yaml", dir), "a directory");
    String table = SUMS + "sinks:\n  - {kind: h2, table: handmade}\n";
    n = assertError(400, "cannot open the sinks", send("PUT", "/api/pipelines/sums", "text/yaml", table), "an h2 table");
    assertTrue(n.get("problems").get(0).get("message").asText().startsWith("sinks[0].table: table handmade exists but "
        + "is not an h2 sink's table"), n.toString());
    assertEquals(400, send("PUT", "/api/pipelines/fresh", "text/yaml", blocked.replace("name: sums", "name: fresh"))
        .statusCode(), "a new pipeline likewise");
    assertEquals(404, server.get("/api/pipelines/fresh").statusCode(), "and it is not there");
    assertFalse(Files.exists(tmp.resolve("defs/fresh.yaml")));
    assertEquals(SUMS, Files.readString(tmp.resolve("defs/sums.yaml")), "the file is untouched");
    JsonNode sums = server.json("/api/pipelines/sums");
    assertEquals("running", sums.get("status").asText());
    assertEquals(1, sums.get("version").asInt());
    assertEquals(202, server.post("/api/pipelines/sums/events", event("a", 2), null).statusCode());
    assertEquals(2, count("sums", "a"));

    // the same edit made to the file: the watcher keeps the running version and shows the problem
    ServerProcess.define(tmp, "sums.yaml", blocked);
    ServerProcess.await("the reload's problem shown",
        () -> server.json("/api/pipelines/sums").get("problems").size() == 1);
    sums = server.json("/api/pipelines/sums");
    assertEquals("running", sums.get("status").asText(), sums.toString());
    assertEquals(1, sums.get("version").asInt());
    assertTrue(sums.get("problems").get(0).get("message").asText().contains("sinks[0].path: cannot write"),
        sums.toString());
    assertEquals(202, server.post("/api/pipelines/sums/events", event("a", 3), null).statusCode());
    assertEquals(3, count("sums", "a"));
    assertFalse(Files.exists(tmp.resolve("out/sums.jsonl")));
    // and a sink that can open is taken as before
    HttpResponse<String> ok = send("PUT", "/api/pipelines/sums", "text/yaml",
        SUMS + "sinks:\n  - {kind: file, path: out/deep/er/sums.jsonl}\n");
    assertEquals(200, ok.statusCode(), ok.body());
  }

  @Test
  void theSchemaOfDefinitionsIsServedAsTransomSchemaPrintsIt() throws Exception {
    start();
    HttpResponse<String> r = server.get("/api/schema");
    assertEquals(200, r.statusCode());
    assertEquals("application/schema+json", r.headers().firstValue("Content-Type").orElse(null));
    assertEquals(Files.readString(Path.of("../docs/transom.schema.json")), r.body());
    assertEquals("Transom pipeline definition", ServerProcess.JSON.readTree(r.body()).get("title").asText());
  }
}
