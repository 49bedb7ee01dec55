package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import dev.transom.fuzz.DefinitionInputs;
import dev.transom.fuzz.EventInputs;
import dev.transom.fuzz.FuzzRun;
import dev.transom.fuzz.Locations;
import dev.transom.fuzz.Words;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of generated requests against one real server: random methods, the API's routes with
 * random and mutated segments (%-escapes, dot segments, very long ones), repeated and garbled query
 * parameters, odd headers (content types, lengths that do not match the body, chunked bodies,
 * {@code Expect}, foreign {@code Origin}s, oversized heads) and fuzzed bodies (definitions for
 * {@code PUT} and {@code /api/validate}, JSON lines for events). Every answer: no 5xx but a 503
 * that says so; every 4xx and 5xx a JSON object with an {@code error}; problems located inside the
 * body they are about; no body with an exception's name or a stack trace. At the end the server
 * still answers {@code /health} and its log holds no stack trace. Requests go over a few
 * keep-alive connections at once. Seeded: see {@link FuzzRun} (a case replayed alone meets a fresh
 * server, not the state the run had built up).
 */
class HttpFuzzIT {
  @TempDir
  static Path dir;
  static ServerProcess server;
  static final int CLIENTS = 3;
  static final int READ_TIMEOUT_MS = 15_000;
  static final Map<String, Integer> UNANSWERED = new java.util.concurrent.ConcurrentSkipListMap<>();
  /** How often each kind of answer came: the status and the first words of its error. */
  static final Map<String, Integer> ANSWERS = new java.util.concurrent.ConcurrentHashMap<>();

  private static String words(Response res) {
    if (res.status() < 400) {
      return "";
    }
    try {
      String e = ServerProcess.JSON.readTree(res.body()).path("error").asText("");
      return e.replaceAll("'[^']*'", "'…'").replaceAll("\\d+", "N").replaceAll("^(\\S+ \\S+ \\S+ \\S+).*", "$1");
    } catch (IOException e) {
      return "(not JSON)";
    }
  }

  private static final String COUNTS = """
      name: counts
      source: {kind: http}
      key: event.page
      clock: {kind: system}
      window: {kind: session, gap: 1h}
      aggregate: {count: true}
      """;

  @BeforeAll
  static void start() throws Exception {
    ServerProcess.define(dir, "sums.yaml", BadRequestsIT.SUMS);
    ServerProcess.define(dir, "counts.yaml", COUNTS);
    // short body and header timeouts: a request whose body never comes is answered soon
    server = new ServerProcess(dir, "--body-timeout", "2s", "--header-timeout", "2s").start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  /** One generated request, as bytes on the wire. */
  /**
   * One generated request, as bytes on the wire. {@code closes}: the connection is not reused after
   * it; {@code halfClose}: the client stops sending after it (its body never ends otherwise).
   */
  record Request(String method, String target, byte[] wire, boolean closes, boolean halfClose, String about, byte[] body,
      String pipelineId) {}

  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @Test
  void noRequestGetsA500AStackTraceOrAnUnlocatedProblem() throws Exception {
    FuzzRun run = new FuzzRun("HttpFuzzIT", 3_000);
    DefinitionInputs definitions = DefinitionInputs.fromRepository();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long started = System.nanoTime();
    List<Future<int[]>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int first = c;
      clients.add(pool.submit(() -> client(run, definitions, first)));
    }
    int[] statuses = new int[6];
    for (Future<int[]> f : clients) {
      int[] s = f.get();
      for (int k = 0; k < s.length; k++) {
        statuses[k] += s[k];
      }
    }
    pool.shutdown();
    System.out.printf("HttpFuzzIT: %d requests in %.1f s; answers 1xx-5xx (and none): %s%n", run.cases,
        (System.nanoTime() - started) / 1e9, java.util.Arrays.toString(statuses));
    System.out.println("HttpFuzzIT: unanswered (the connection closed or reset): " + UNANSWERED);
    System.out.println("HttpFuzzIT: most common answers: " + ANSWERS.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue()).limit(25).map(e -> e.getValue() + " × " + e.getKey()).toList());
    assertEquals(200, server.get("/health").statusCode(), "the server is still up");
    assertEquals(200, server.get("/api/pipelines").statusCode(), "and answers the API");
    String log = Files.readString(dir.resolve("serve.log"));
    String leak = Words.leak(log);
    if (leak != null) {
      run.fail(0, "the server's log shows " + leak, log.length() > 4000 ? log.substring(0, 4000) : log);
    }
    if (run.failedAny()) {
      Files.createDirectories(Path.of("target", "fuzz-failures"));
      Files.copy(dir.resolve("serve.log"), Path.of("target", "fuzz-failures", "HttpFuzzIT-serve.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    run.check();
  }

  /** Requests the fuzzer found answered wrongly, kept as they were sent. */
  @Test
  void requestsTheFuzzerFoundGetJsonErrorsAndNo500() throws Exception {
    String form = "multipart/form-data; boundary=xyz";
    // a form's Content-Type on a method the body handler does not decode forms for: a 500 with a stack trace
    for (String[] req : new String[][] {{"OPTIONS", "/api"}, {"OPTIONS", "/api/validate"}, {"get", "/api/nope"},
        {"TRACE", "/api/"}, {"OPTIONS", "/api/pipelines/counts/windows"}, {"CONNECT", "/api/pipelines/sums/outputs/stream"}}) {
      RawHttp.Response r = RawHttp.exchange(server.port, req[0], req[1], Map.of("Content-Type", form), null);
      assertJsonError(r, req[0] + " " + req[1] + " as a form");
    }
    RawHttp.Response r = RawHttp.exchange(server.port, "GET", "/api/pipelines", Map.of("Content-Type", form), "{}");
    assertEquals(200, r.status(), "a GET with a form's Content-Type and a body: " + r.body());
    // what no route answers: Vert.x's HTML page
    for (String[] req : new String[][] {{"POST", "/metrics"}, {"PATCH", "/API/Pipelines"}, {"FOO", "/../../etc/passwd"},
        {"OPTIONS", "/"}, {"TRACE", "/index.html"}, {"get", "/health"}}) {
      r = RawHttp.exchange(server.port, req[0], req[1], Map.of(), null);
      assertEquals(404, r.status(), req[0] + " " + req[1]);
      assertJsonError(r, req[0] + " " + req[1]);
    }
    assertEquals(200, server.get("/").statusCode(), "the dashboard is still served");
    // a file name with a NUL for validate's problems: Path.of threw, a 500
    r = RawHttp.exchange(server.port, "POST", "/api/validate?file=%00", Map.of(), BadRequestsIT.SUMS.replace("name: sums\n", ""));
    assertEquals(200, r.status(), r.body());
    org.junit.jupiter.api.Assertions.assertTrue(r.body().contains("name: missing"), r.body());
    // a client that leaves while a dashboard file is being sent: the log got a ClosedChannelException's stack
    for (int k = 0; k < 20; k++) {
      try (RawHttp c = new RawHttp(server.port)) {
        c.send("GET /" + (k % 2 == 0 ? "" : "app.js") + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port + "\r\n\r\n");
        c.socket.setSoLinger(true, 0); // the close is a reset
      }
    }
    assertEquals(200, server.get("/health").statusCode());
    String log = Files.readString(dir.resolve("serve.log"));
    org.junit.jupiter.api.Assertions.assertNull(Words.leak(log), log);
  }

  private static void assertJsonError(RawHttp.Response r, String what) throws Exception {
    Response res = new Response(r.status(), r.headers(), r.body().getBytes(StandardCharsets.UTF_8));
    String broken = judge(new Request("GET", "/api", new byte[0], true, false, what, null, null), res);
    org.junit.jupiter.api.Assertions.assertNull(broken, what + ": " + r.status() + " " + r.body());
    org.junit.jupiter.api.Assertions.assertTrue(r.status() >= 400 && r.status() < 500, what + ": " + r.status() + " " + r.body());
  }

  /** Sends cases first, first + CLIENTS, ... over one keep-alive connection (reopened when closed). */
  private static int[] client(FuzzRun run, DefinitionInputs definitions, int first) throws IOException {
    int[] statuses = new int[6];
    Connection conn = null;
    String pendingDelete = null;
    for (int i = first; i < run.cases; i += CLIENTS) {
      SplittableRandom r = run.random(i);
      Request req = pendingDelete != null ? delete(pendingDelete) : generate(r, definitions);
      pendingDelete = null;
      if (conn == null || conn.closed) {
        if (conn != null) {
          conn.close();
        }
        conn = new Connection(server.port);
      }
      Response res;
      try {
        res = conn.exchange(req);
      } catch (SocketTimeoutException e) {
        run.fail(i, "no answer within " + READ_TIMEOUT_MS + " ms to " + req.about(), req.wire());
        conn.close();
        conn = null;
        statuses[5]++;
        continue;
      } catch (IOException e) {
        // the server may close a connection on a request it cannot read; it must have answered first
        conn.close();
        conn = null;
        // A server that refuses a request before reading its body closes with the body unread, and the
        // TCP reset that follows can overtake the answer: only a request without a body must be answered.
        if (!req.halfClose() && req.body() == null && !req.about().contains("chunked")) {
          run.fail(i, "the connection broke (" + e.getMessage() + ") on " + req.about(), req.wire());
        }
        if (req.body() == null && !req.halfClose() && UNANSWERED.size() < 40) {
          System.out.println("HttpFuzzIT: unanswered, seed " + run.seed(i) + ": " + FuzzRun.show(req.wire()));
        }
        UNANSWERED.merge(e.getMessage() + " / " + (req.about().contains("(") ? req.about().replaceAll(".*\\(", "(")
            .replaceAll("\\d+", "N") : req.method()), 1, Integer::sum);
        statuses[5]++;
        continue;
      }
      if (req.closes() || "close".equalsIgnoreCase(res.header("connection"))) {
        conn.close();
        conn = null;
      }
      statuses[Math.min(5, Math.max(0, res.status() / 100 - 1))]++;
      ANSWERS.merge(res.status() + " " + words(res), 1, Integer::sum);
      String broken = judge(req, res);
      if (broken != null) {
        run.fail(i, broken + " (" + req.about() + " -> " + res.status() + " " + cut(res.text()) + ")", req.wire());
      }
      if (req.method().equals("PUT") && (res.status() == 200 || res.status() == 201) && req.pipelineId() != null
          && req.pipelineId().startsWith("fuzz")) {
        pendingDelete = req.pipelineId(); // the next request of this client removes it again
      }
    }
    if (conn != null) {
      conn.close();
    }
    return statuses;
  }

  /** What is wrong with {@code res} as the answer to {@code req}, or null. */
  static String judge(Request req, Response res) {
    int s = res.status();
    if (s >= 500 && s != 503) {
      return "a " + s;
    }
    boolean head = req.method().equals("HEAD");
    String type = res.header("content-type");
    if (s >= 400 && !head) {
      if (type == null || !type.startsWith("application/json")) {
        return "an error answer of type " + type;
      }
      JsonNode n;
      try {
        n = ServerProcess.JSON.readTree(res.body());
      } catch (IOException e) {
        return "an error answer that is not JSON";
      }
      if (n == null || !n.isObject() || !n.path("error").isTextual() || n.path("error").asText().isBlank()) {
        return "an error answer without an error";
      }
      if (s == 503 && res.header("retry-after") == null && !n.path("error").asText().contains("connections")) {
        return "a 503 without Retry-After";
      }
    }
    boolean api = req.target().startsWith("/api") && type != null && type.startsWith("application/json");
    if ((s >= 400 || api) && !head) {
      String leak = Words.leak(s >= 400 ? res.text() : withoutEchoes(res));
      if (leak != null) {
        return "an answer with " + leak;
      }
    }
    if (api && !head && req.body() != null && (s == 400 || s == 200 || s == 201)) {
      return located(req, res);
    }
    return null;
  }

  /** A 200 about one pipeline holds its definition, which the fuzzer wrote: judged without it. */
  private static String withoutEchoes(Response res) {
    try {
      JsonNode n = ServerProcess.JSON.readTree(res.body());
      if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        o.remove("definition");
        return o.toString();
      }
    } catch (IOException e) {
      // judged as it is
    }
    return res.text();
  }

  /** Problems in an answer about a body (a definition or events) point into that body. */
  private static String located(Request req, Response res) {
    JsonNode n;
    try {
      n = ServerProcess.JSON.readTree(res.body());
    } catch (IOException e) {
      return "a JSON answer that is not JSON";
    }
    if (n == null || !n.path("problems").isArray()) {
      return null;
    }
    for (JsonNode p : n.get("problems")) {
      if (!p.path("line").isInt()) {
        continue; // a problem about the request, not a place in the body
      }
      int line = p.get("line").asInt();
      int col = p.path("col").asInt(-1);
      if (!Locations.inside(req.body(), line, col)) {
        return "a problem outside the body: " + p;
      }
      String words = Words.problem(p.path("message").asText(null));
      if (words != null) {
        return words + ": " + p;
      }
    }
    return null;
  }

  // ---- generation ----

  static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "PUT", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
      "get", "FOO", "CONNECT", "PRI", "G ET", ""};
  static final String[] ROUTES = {"/api/pipelines", "/api/pipelines/{id}", "/api/pipelines/{id}", "/api/pipelines/{id}/events",
      "/api/pipelines/{id}/events", "/api/pipelines/{id}/events", "/api/pipelines/{id}/events", "/api/pipelines/{id}/windows?{q}", "/api/pipelines/{id}/windows", "/api/pipelines/{id}/outputs", "/api/pipelines/{id}/outputs/stream",
      "/api/validate", "/api/validate", "/metrics", "/health", "/", "/index.html", "/app.js", "/api", "/api/", "/api/nope",
      "/api/pipelines/{id}/nope", "/api/pipelines/{id}/events/x", "/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd", "/web-ui/../pom.xml",
      "/api/pipelines/{id}/", "//api//pipelines", "/API/Pipelines", "*", "", "http://127.0.0.1:{port}/api/pipelines",
      "http://evil.example/api/pipelines", "/api/pipelines/{id}?{q}", "/api/pipelines/{id}/windows?{q}",
      "/api/pipelines/{id}/outputs?{q}", "/api/validate?file={id}", "/api/pipelines/{id}/windows?{q}#frag"};
  static final String[] IDS = {"sums", "sums", "counts", "fuzz-0", "fuzz-1", "fuzz-2", "fuzz", "nosuch", "%00", "%ff", "a%2Fb", "..",
      "%2e%2e", ".", "Sums", "-x", "x".repeat(64), "x".repeat(63), "x".repeat(5000), "é", "%C3%A9", "%", "%zz", "%e9", "a b", "%20",
      "a;b", "a%3Fb", "%u0041", "\u0000", "%0d%0aX-Injected:%201", "sums%2F..%2Fcounts", "😀", "%F0%9F%98%80", "%c0%ae%c0%ae"};
  static final String[] PARAMS = {"key=a", "key=a&key=b", "key=", "key=%ff", "key=%", "key=%C3%A9", "key=" + "k".repeat(3000),
      "cursor=0", "cursor=-1", "cursor=1e3", "cursor=99999999999", "cursor=", "cursor=0&cursor=1", "limit=1", "limit=0", "limit=1000",
      "limit=1001", "limit=-5", "limit=ten", "limit=&limit=", "limit=2147483648", "&&&", "=", "cursor", "a=b=c", "%", ";", "key",
      "file=x.yaml", "file=../../etc/passwd", "file=%00", "file="};
  static final String[] TYPES = {"application/json", "application/x-ndjson", "text/yaml", "application/yaml", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain; charset=latin1",
      "application/json; charset=utf-16", "*/*", "", ";;;", "application/octet-stream"};

  static Request delete(String id) {
    List<String[]> headers = new ArrayList<>();
    headers.add(host());
    return build("DELETE", "/api/pipelines/" + id, headers, null, -1, false, false, "DELETE of " + id, id);
  }

  private static String[] host() {
    return new String[] {"Host", "127.0.0.1:" + server.port};
  }

  static Request generate(SplittableRandom r, DefinitionInputs definitions) {
    String method = pick(r, METHODS);
    String route = pick(r, ROUTES);
    // half of the time a pipeline that runs, so that requests get past the lookup
    String id = r.nextBoolean() ? (r.nextBoolean() ? "sums" : "counts") : r.nextInt(6) == 0 ? mutateSegment(r, pick(r, IDS)) : pick(r, IDS);
    String query = params(r);
    String target = route.replace("{id}", id).replace("{q}", query).replace("{port}", String.valueOf(server.port));
    if (r.nextInt(8) == 0 && !target.contains("?")) {
      target += "?" + query;
    }
    if (r.nextInt(30) == 0) {
      target = target + "/" + "s".repeat(new int[] {100, 4_000, 5_000, 70_000}[r.nextInt(4)]); // past the request-line limit
    }
    // the method follows the route most of the time, so that requests get past the router
    if (r.nextInt(5) > 0) {
      if (route.endsWith("/events") || route.startsWith("/api/validate")) {
        method = "POST";
      } else if (route.equals("/api/pipelines/{id}") && r.nextBoolean()) {
        method = r.nextInt(3) > 0 ? "PUT" : "DELETE";
      } else {
        method = "GET";
      }
    }
    if (method.equals("DELETE") && (id.equals("sums") || id.equals("counts"))) {
      id = "fuzz-" + r.nextInt(3); // the two standing pipelines stay (a PUT may change them)
      target = route.replace("{id}", id).replace("{q}", query);
    }
    byte[] body = null;
    String pipelineId = route.contains("{id}") ? id : null;
    if (method.equals("PUT") || route.equals("/api/validate") && r.nextInt(5) > 0) {
      body = definition(r, definitions, pipelineId);
    } else if (route.endsWith("/events") || method.equals("POST") && r.nextBoolean()) {
      body = r.nextBoolean() ? EventInputs.cleanBody(r) : EventInputs.body(r); // some batches get in, and make windows
    } else if (r.nextInt(6) == 0) {
      body = EventInputs.body(r);
    }
    List<String[]> headers = new ArrayList<>();
    if (r.nextInt(25) > 0) {
      headers.add(r.nextInt(30) > 0 ? host() : new String[] {"Host", pick(r, new String[] {"", "[::1", "evil.example",
          "localhost:" + server.port, "127.0.0.1:" + server.port + ", evil.example", "127.0.0.1:99999", "LOCALHOST:" + server.port})});
    }
    if (body != null && r.nextInt(4) > 0) {
      headers.add(new String[] {"Content-Type", route.endsWith("/events") && r.nextBoolean() ? "application/x-ndjson"
          : method.equals("PUT") && r.nextBoolean() ? "text/yaml" : pick(r, TYPES)});
    }
    if (r.nextInt(15) == 0) {
      headers.add(new String[] {"Origin", pick(r, new String[] {"http://127.0.0.1:" + server.port, "http://evil.example", "null",
          "", "http://127.0.0.1", "file://"})});
    }
    if (r.nextInt(20) == 0) {
      headers.add(new String[] {"Authorization", pick(r, new String[] {"Bearer x", "Bearer", "Basic YTpi", "", "bearer " + "t".repeat(500)})});
    }
    if (r.nextInt(10) == 0) {
      headers.add(new String[] {"Transom-Batch-Id", pick(r, new String[] {"b-" + r.nextInt(5), "", " ", "x".repeat(201), "é", "\u0001"})});
    }
    if (r.nextInt(40) == 0) {
      headers.add(new String[] {"X-Big", "v".repeat(new int[] {100, 9_000, 20_000}[r.nextInt(3)])});
    }
    if (r.nextInt(40) == 0) {
      headers.add(new String[] {pick(r, new String[] {"No-Colon-Header", " Leading: space", "Bad Name: x", "X: a\r\n folded",
          "\u00e9: x", ": empty-name"}), null});
    }
    if (r.nextInt(30) == 0) {
      headers.add(new String[] {"Expect", r.nextBoolean() ? "100-continue" : "something-else"});
    }
    if (r.nextInt(12) == 0) {
      headers.add(new String[] {"Accept", pick(r, new String[] {"text/event-stream", "application/json", "*/*", "text/html", ""})});
    }
    // the body's framing: Content-Length (right, short, long, garbled, twice), chunked, or none
    int framing = body == null ? 5 : r.nextInt(20);
    int declared = -1;
    boolean closes = false;
    boolean halfClose = false;
    String about = method + " " + cut(target);
    switch (framing) {
      case 0 -> { // declares more than it sends: the body never ends; the client stops sending
        declared = body.length + 1 + r.nextInt(100);
        closes = true;
        halfClose = true;
        about += " (Content-Length " + declared + ", " + body.length + " bytes sent)";
      }
      case 1 -> { // declares less: the rest would be the next request; sent as the connection's last
        declared = r.nextInt(body.length + 1);
        closes = true;
        headers.add(new String[] {"Connection", "close"});
        about += " (Content-Length " + declared + " of " + body.length + " bytes)";
      }
      case 2 -> {
        headers.add(new String[] {"Content-Length", pick(r, new String[] {"abc", "-1", "", "1e3", "99999999999999999999", "0x10",
            body.length + ", " + body.length, body.length + ", " + (body.length + 1)})});
        closes = true;
        about += " (garbled Content-Length)";
      }
      case 3 -> {
        headers.add(new String[] {"Transfer-Encoding", "chunked"});
        if (r.nextInt(3) == 0) {
          headers.add(new String[] {"Content-Length", String.valueOf(body.length)});
        }
        closes = r.nextInt(3) == 0;
        body = r.nextInt(4) > 0 ? chunked(r, body) : garbledChunks(r, body);
        if (body.length > 0 && body[body.length - 1] != '\n') {
          closes = true; // a broken chunked body: the server may wait for the rest
          halfClose = true;
        }
        about += " (chunked)";
        declared = -2;
      }
      case 4 -> {
        headers.add(new String[] {"Transfer-Encoding", pick(r, new String[] {"gzip", "chunked, gzip", "identity", "x"})});
        closes = true;
        halfClose = true;
        about += " (odd Transfer-Encoding)";
      }
      default -> {
        // right Content-Length (or none without a body)
      }
    }
    if (r.nextInt(40) == 0) {
      headers.add(new String[] {"Connection", "close"});
      closes = true;
    }
    if (target.contains("/outputs/stream") || target.contains(" ") || method.isEmpty() || method.contains(" ")
        || !target.startsWith("/") || target.length() > 4096 || headers.stream().anyMatch(h -> h[1] == null)) {
      closes = true; // an event stream never ends; a head the parser cannot read closes the connection
    }
    return build(method, target, headers, body, declared, closes, halfClose, about, pipelineId);
  }

  private static Request build(String method, String target, List<String[]> headers, byte[] body, int declared, boolean closes,
      boolean halfClose, String about, String pipelineId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
    boolean framed = headers.stream().anyMatch(h -> h[1] != null && (h[0].equalsIgnoreCase("Content-Length")
        || h[0].equalsIgnoreCase("Transfer-Encoding")));
    for (String[] h : headers) {
      out.writeBytes((h[1] == null ? h[0] : h[0] + ": " + h[1]).getBytes(StandardCharsets.UTF_8));
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    if (body != null && !framed) {
      out.writeBytes(("Content-Length: " + (declared >= 0 ? declared : body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(new byte[] {'\r', '\n'});
    if (body != null) {
      out.writeBytes(body);
    }
    return new Request(method, target, out.toByteArray(), closes, halfClose, about, declared == -2 ? null : body, pipelineId);
  }

  /**
   * A definition for PUT or validate, usually named after the pipeline in the path. One that would
   * be deployed must stay inside the server's directory and off the network: a file path that is
   * absolute or climbs out, a webhook anywhere but a closed local port, or a fast generator makes it
   * a plain one (the server runs as whoever runs the tests).
   */
  static byte[] definition(SplittableRandom r, DefinitionInputs definitions, String id) {
    byte[] b = definitions.next(r);
    if (id != null && r.nextInt(3) > 0) {
      String text = new String(b, StandardCharsets.UTF_8);
      text = text.matches("(?s)name: [^\n]*\n.*") ? text.replaceFirst("name: [^\n]*", "name: " + id) : "name: " + id + "\n" + text;
      b = text.getBytes(StandardCharsets.UTF_8);
    }
    DefinitionLoader.Result loaded = DefinitionLoader.load("fuzz.yaml", b);
    if (loaded.ok() && !harmless(loaded.definition())) {
      return ("name: " + (id == null ? "fuzz-0" : id) + "\n" + COUNTS.substring(COUNTS.indexOf('\n') + 1)).getBytes(StandardCharsets.UTF_8);
    }
    return b;
  }

  private static boolean harmless(PipelineDef d) {
    List<ComponentDef> parts = new ArrayList<>(d.sinks());
    parts.add(d.source());
    if (d.late() != null) {
      parts.add(d.late());
    }
    for (ComponentDef c : parts) {
      String path = c.text("path", null);
      if (path != null && (path.startsWith("/") || path.startsWith("~") || path.contains("..") || path.contains("\\") || path.isBlank())) {
        return false;
      }
      String url = c.text("url", null);
      if (url != null && !url.startsWith("http://127.0.0.1:1/")) {
        return false;
      }
      if (c.kind().equals("generator")) {
        return false;
      }
    }
    return true;
  }

  static byte[] chunked(SplittableRandom r, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + r.nextInt(4096));
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.writeBytes(new byte[] {'\r', '\n'});
      at += n;
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  static byte[] garbledChunks(SplittableRandom r, byte[] body) {
    String[] heads = {"zz\r\n", "-1\r\n", "ffffffffffffffff\r\n", "5;ext=1\r\nabcde\r\n0\r\n\r\n", "3\r\nabcdef\r\n0\r\n\r\n", "0\r\n",
        "1\r\n"};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(pick(r, heads).getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, Math.min(body.length, 10));
    return out.toByteArray();
  }

  private static String params(SplittableRandom r) {
    StringBuilder q = new StringBuilder();
    for (int k = r.nextInt(4); k >= 0; k--) {
      q.append(q.length() == 0 ? "" : "&").append(pick(r, PARAMS));
    }
    return q.toString();
  }

  private static String mutateSegment(SplittableRandom r, String s) {
    String[] bits = {"%", "%2", "%2F", "%00", "/", "//", "/./", "/../", "..", ";", "?", "#", "%3F", "%23", "+", " ", "\t", "%C3", "é"};
    int at = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
    return s.substring(0, at) + pick(r, bits) + s.substring(at);
  }

  static String pick(SplittableRandom r, String[] pool) {
    return pool[r.nextInt(pool.length)];
  }

  private static String cut(String s) {
    s = s.replace("\n", "\\n").replace("\r", "\\r");
    return s.length() > 300 ? s.substring(0, 300) + "... (" + s.length() + " characters)" : s;
  }

  // ---- a keep-alive client ----

  /** One connection: writes a request's bytes, reads its answer (skipping 1xx), by length, chunks or to the end. */
  static final class Connection implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    boolean closed;

    Connection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    Response exchange(Request req) throws IOException {
      try {
        out.write(req.wire());
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading all of a request it refuses: read its answer
      }
      if (req.halfClose()) {
        try {
          socket.shutdownOutput(); // a body that never ends, ends here (the server may then close unanswered)
        } catch (IOException e) {
          // already closed
        }
      }
      Response res;
      do {
        res = readResponse(req.method().equals("HEAD"));
      } while (res.status() >= 100 && res.status() < 200);
      if (req.closes()) {
        closed = true;
      }
      return res;
    }

    private Response readResponse(boolean headOnly) throws IOException {
      String status = line();
      if (status == null) {
        closed = true;
        throw new IOException("closed without an answer");
      }
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not a status line: " + cut(status));
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String l = line(); l != null && !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
      }
      int code = Integer.parseInt(parts[1]);
      Response head = new Response(code, headers, new byte[0]);
      if (code < 200 || code == 204 || code == 304) {
        return head;
      }
      if (headOnly || "text/event-stream".equals(head.header("content-type"))) {
        closed = true; // an event stream's body never ends: this connection is done
        return head;
      }
      String length = head.header("content-length");
      byte[] body;
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
        body = chunks();
      } else {
        body = in.readAllBytes();
        closed = true;
      }
      return new Response(code, headers, body);
    }

    private byte[] chunks() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        if (size == null) {
          throw new IOException("the chunked answer ended early");
        }
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
        if (n == 0) {
          for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            // trailers
          }
          return b.toByteArray();
        }
        b.writeBytes(in.readNBytes(n));
        line();
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream l = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          byte[] b = l.toByteArray();
          int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
          return new String(b, 0, n, StandardCharsets.UTF_8);
        }
        l.write(c);
      }
      return l.size() == 0 ? null : l.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
