package dev.transom.api;

import dev.transom.definition.DefinitionLoader;
import dev.transom.io.IngestBody;
import dev.transom.io.JsonValues;
import dev.transom.io.ObjectLines;
import dev.transom.io.RecordJson;
import dev.transom.runtime.PipelineHost;
import dev.transom.runtime.PipelineView;
import dev.transom.runtime.Pipelines;
import dev.transom.runtime.ProblemsJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The HTTP API of the README's API table and the dashboard's static files. Longer than most
 * files: one handler per route of the table, each short, sharing the token, id and query checks and
 * the JSON error shape; the dashboard's own routes are {@link DashboardRoutes}.
 */
public final class ApiRoutes {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.http");
  /** Largest request body: a batch of events or a definition. */
  public static final long MAX_BODY_BYTES = 16L << 20;
  private final Vertx vertx;
  private final Pipelines pipelines;
  private final Security security;
  private final ConnectionGuard guard;
  private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics;
  private final HttpRequestMeters requestMeters;

  /**
   * Who may reach the API: the names the server answers to, the token (null: none) and whether
   * {@code /metrics} is readable without it.
   */
  public record Security(ServerNames names, BearerToken token, boolean publicMetrics) {}

  /** The dashboard's files: {@code --web-root DIR}, or {@code null} for those packaged in the jar ({@link WebRoot}). */
  private final java.nio.file.Path webRoot;

  public ApiRoutes(Vertx vertx, Pipelines pipelines, Security security, ConnectionGuard guard,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics, java.nio.file.Path webRoot) {
    this.vertx = vertx;
    this.pipelines = pipelines;
    this.security = security;
    this.guard = guard;
    this.metrics = metrics;
    this.requestMeters = new HttpRequestMeters(metrics);
    this.webRoot = webRoot;
  }

  public Router router() {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      requestMeters.track(ctx);
      ctx.next();
    });
    r.route().handler(guard.requests());
    // Liveness stays answerable under any Host: probes and load balancers send addresses or names
    // of their own, and its constant answer gives a rebinding page nothing to read.
    r.get("/health").handler(ctx -> json(ctx, 200, Map.of("status", "ok")));
    r.route().handler(new HostCheck(security.names()));
    r.route().handler(new OriginCheck(security.names()));
    if (security.token() != null && !security.publicMetrics()) {
      r.route("/metrics").handler(this::authorize);
    }
    r.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    r.route("/api/*").handler(this::authorize);
    r.route("/api/pipelines/:id").handler(this::checkId);
    r.route("/api/pipelines/:id/*").handler(this::checkId);
    // Bodies are read only where a route takes one: given a form's Content-Type, the body handler
    // decodes any other method's request as a form and throws (a 500 for an OPTIONS or a GET).
    // Where it reads them, no body is decoded as a form (see FormBodies).
    BodyHandler bodies = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false);
    r.post("/api/*").handler(FormBodies::readAsSent);
    r.put("/api/*").handler(FormBodies::readAsSent);
    r.post("/api/*").handler(bodies);
    r.put("/api/*").handler(bodies);
    r.get("/api/pipelines").handler(ctx -> {
      if (QueryParams.only(ctx)) {
        pipelines.describeAll().onSuccess(list -> json(ctx, 200, Map.of("pipelines", RecordJson.of(list)))).onFailure(ctx::fail);
      }
    });
    r.get("/api/pipelines/:id").handler(this::getPipeline);
    r.put("/api/pipelines/:id").handler(this::putPipeline);
    r.delete("/api/pipelines/:id").handler(this::deletePipeline);
    r.post("/api/pipelines/:id/events").handler(this::postEvents);
    r.get("/api/pipelines/:id/windows").handler(this::getWindows);
    r.post("/api/pipelines/:id/windows/close").handler(this::closeWindows);
    r.post("/api/pipelines/:id/preview").handler(this::preview);
    r.get("/api/pipelines/:id/outputs").handler(this::getOutputs);
    r.get("/api/pipelines/:id/outputs/stream").handler(this::streamOutputs);
    r.post("/api/validate").handler(this::validate);
    r.get("/api/schema").handler(this::schema);
    DashboardRoutes dashboard = new DashboardRoutes(pipelines, this::host);
    r.get("/api/overview").handler(dashboard::overview);
    r.get("/api/pipelines/:id/history").handler(dashboard::history);
    r.get("/api/pipelines/:id/shape").handler(dashboard::shape);
    r.get("/api/pipelines/:id/errors").handler(dashboard::errors);
    AllowedMethods.register(r);
    r.route("/api/*").handler(ctx -> error(ctx, 404, "no such API path: " + ctx.request().path(), List.of()));
    r.route("/vendor/uplot/:file").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(VendorFiles::uplot);
    r.route("/*").handler(WebRoot.handler(webRoot));
    // what neither the API nor the dashboard's files answer (any method): Vert.x's own 404 is HTML
    r.route().handler(ctx -> error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.request().path(), List.of()));
    r.route().failureHandler(this::failure);
    return r;
  }

  /** For {@code HttpServer.requestHandler}: the router, behind a check of the request target it cannot make itself. */
  public io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> requestHandler() {
    Router router = router();
    return req -> {
      String problem = RequestTargets.problem(req.uri());
      if (problem == null) {
        router.handle(req);
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", problem);
      body.put("problems", List.of());
      requestMeters.answered(req, 400);
      // closed after the answer: the body (if any) is left unread
      req.response().setStatusCode(400).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
          .end(io.vertx.core.buffer.Buffer.buffer(JsonValues.toJsonBytes(body)))
          .onComplete(ar -> req.connection().close());
    };
  }

  /** For {@code HttpServer.invalidRequestHandler}: heads the parser could not read. */
  public io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> invalidRequests() {
    return new InvalidRequests();
  }

  /** The one route that takes the token in the query string: EventSource cannot send a header. */
  private static final java.util.regex.Pattern STREAM_PATH = java.util.regex.Pattern.compile(
      "/api/pipelines/[^/]+/outputs/stream");
  /** RFC 6750 §2.3's name for it (see docs/security.md for why a query parameter and not a cookie). */
  static final String ACCESS_TOKEN = "access_token";

  private void authorize(RoutingContext ctx) {
    if (security.token() == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    List<String> inQuery = ctx.queryParam(ACCESS_TOKEN);
    String reason;
    if (inQuery.isEmpty()) {
      reason = security.token().refuse(header);
    } else {
      boolean stream = ctx.request().method() == io.vertx.core.http.HttpMethod.GET
          && STREAM_PATH.matcher(ctx.normalizedPath()).matches();
      String bad = !stream
          ? ACCESS_TOKEN + " (the token in the query string) is accepted only by GET /api/pipelines/{id}/outputs/stream,"
              + " for EventSource; send Authorization: Bearer <token>"
          : inQuery.size() > 1 ? ACCESS_TOKEN + ": given more than once"
          : header != null ? "the token was sent both in the Authorization header and as " + ACCESS_TOKEN + ": send it one way"
          : null;
      if (bad != null) {
        error(ctx, 400, bad, List.of());
        return;
      }
      reason = security.token().refuseAccessToken(inQuery.get(0));
    }
    if (reason == null) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, reason, List.of());
    }
  }

  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(
      dev.transom.definition.PipelineSpec.ID_PATTERN);

  /**
   * Every pipeline route refuses an id no pipeline can have before it looks anything up or builds a
   * file name from it (a NUL made the file name itself throw).
   */
  private void checkId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id != null && ID.matcher(id).matches()) {
      ctx.next();
      return;
    }
    String shown = id == null ? "" : id.length() > 70 ? id.substring(0, 64) + "... (" + id.length() + " characters)" : id;
    error(ctx, 400, "invalid pipeline id '" + shown + "': an id is 1 to 63 lowercase letters, digits, '-' and '_',"
        + " starting with a letter or digit", List.of());
  }

  private PipelineHost host(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    PipelineHost h = pipelines.get(id);
    if (h == null) {
      error(ctx, 404, "no pipeline '" + id + "'", List.of());
    }
    return h;
  }

  private void getPipeline(RoutingContext ctx) {
    if (!QueryParams.only(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    PipelineHost h = pipelines.get(id);
    if (h == null) {
      PipelineView.Broken broken = pipelines.brokenById(id);
      if (broken != null) {
        json(ctx, 200, RecordJson.of(broken));
      } else {
        error(ctx, 404, "no pipeline '" + id + "'", List.of());
      }
      return;
    }
    h.describe(true).onSuccess(view -> json(ctx, 200, RecordJson.of(view))).onFailure(ctx::fail);
  }

  private void putPipeline(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!QueryParams.only(ctx)) {
      return;
    }
    byte[] body = bodyBytes(ctx);
    if (isBlankText(body)) {
      error(ctx, 400, "the body must be the pipeline's YAML definition", List.of());
      return;
    }
    // Checked, written and deployed in one step under the file's lock, by the same code that
    // loads the file from the directory: what the PUT accepts is exactly what the file will hold.
    // The answer is taken under that lock too: it describes this PUT's outcome, not a later one's.
    pipelines.offLoop(() -> pipelines.put(id, body)).onSuccess(result -> {
      if (result.view() == null) {
        String hint = result.problems().isEmpty() ? "" : FormBodies.hint(ctx);
        error(ctx, result.status(), result.error() + hint, ProblemsJson.of(result.problems()));
        return;
      }
      if (result.status() == 201) {
        ctx.response().putHeader("Location", "/api/pipelines/" + id);
      }
      json(ctx, result.status(), RecordJson.of(result.view()));
    }).onFailure(ctx::fail);
  }

  private static boolean isBlankText(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
    }
    return true;
  }

  private static byte[] bodyBytes(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }

  private void deletePipeline(RoutingContext ctx) {
    if (!QueryParams.only(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (pipelines.get(id) == null && pipelines.brokenById(id) != null) {
      // a file that never loaded is listed under its name, so it can be deleted under it too
      pipelines.offLoop(() -> pipelines.removeBroken(id)).onSuccess(result -> {
        if (result == null) {
          deleteHost(ctx); // it became a pipeline meanwhile
        } else {
          json(ctx, 200, Map.of("id", id, "status", "removed"));
        }
      }).onFailure(ctx::fail);
      return;
    }
    deleteHost(ctx);
  }

  private void deleteHost(RoutingContext ctx) {
    PipelineHost h = host(ctx);
    if (h == null) {
      return;
    }
    pipelines.offLoop(() -> pipelines.remove(h)).onSuccess(result -> json(ctx, 200, Map.of("id", h.id(), "status", "stopped")))
        .onFailure(ctx::fail);
  }

  /** Handlers run on event-loop threads: one reused parser each (see {@link IngestBody}). */
  private static final ThreadLocal<ObjectLines> OBJECT_LINES = ThreadLocal.withInitial(ObjectLines::new);

  private void postEvents(RoutingContext ctx) {
    long started = System.nanoTime();
    if (!QueryParams.only(ctx)) {
      return;
    }
    PipelineHost h = host(ctx);
    if (h == null) {
      return;
    }
    String source = h.sourceKind();
    if (!h.takesPosts()) {
      error(ctx, 409, "pipeline '" + h.id() + "' has a " + source + " source: it reads its own events and takes none "
          + "over HTTP (only a pipeline with source kind http does); nothing was accepted", List.of());
      return;
    }
    // The body's bytes are parsed and logged as they came: no text copy of the whole batch.
    byte[] bytes = bodyBytes(ctx);
    IngestBody.Parsed parsed = IngestBody.parse(bytes, OBJECT_LINES.get());
    if (!parsed.ok()) {
      IngestBody.Refusal bad = parsed.refusal();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("line", bad.line());
      p.put("col", bad.column());
      p.put("message", bad.message());
      error(ctx, 400, "line " + bad.line() + ": " + bad.message() + "; nothing of this batch was accepted"
          + FormBodies.hint(ctx), List.of(p));
      return;
    }
    List<Object> events = parsed.events();
    if (events.isEmpty()) {
      error(ctx, 400, "empty body: send one JSON object, JSON lines or a JSON array of objects" + FormBodies.hint(ctx),
          List.of());
      return;
    }
    if (events.size() > h.queueLimit()) {
      error(ctx, 413, "a batch of " + events.size() + " events is more than the pipeline can queue ("
          + h.queueLimit() + "); send smaller batches", List.of());
      return;
    }
    String batchId = ctx.request().getHeader("Transom-Batch-Id");
    if (batchId != null && (batchId.isBlank() || batchId.length() > 200)) {
      error(ctx, 400, "Transom-Batch-Id must be 1 to 200 characters", List.of());
      return;
    }
    Future<dev.transom.state.IngestLog.Appended> acked;
    try {
      // the log holds JSON lines, which is what a replay reads: an array is logged as its elements' lines
      acked = h.ingestDurably(parsed.array() ? IngestBody.jsonLines(events) : bytes, events, batchId);
    } catch (PipelineHost.Overloaded e) {
      acked = Future.failedFuture(e);
    }
    acked.onSuccess(a -> {
      h.recordIngestLatency(System.nanoTime() - started);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("accepted", events.size());
      m.put("seq", a.seq());
      // the system time the batch is processed at, live and after a crash (a replay reproduces it)
      m.put("arrival", java.time.Instant.ofEpochMilli(a.arrivalMillis()));
      if (a.duplicate()) {
        m.put("duplicate", true);
      }
      json(ctx, 202, m);
    }).onFailure(e -> unavailable(ctx, e));
  }

  /**
   * A pipeline that cannot do it now: failed (503, the body says why: it needs a fixed definition, not
   * a retry soon), overloaded or stopping (503, retry in a second); anything else is a failure of ours.
   */
  private static void unavailable(RoutingContext ctx, Throwable e) {
    if (e instanceof PipelineHost.Failed f) {
      ctx.response().putHeader("Retry-After", "5");
      failed(ctx, f);
    } else if (e instanceof PipelineHost.Overloaded) {
      ctx.response().putHeader("Retry-After", "1");
      error(ctx, 503, e.getMessage(), List.of());
    } else {
      ctx.fail(e);
    }
  }

  private static void failed(RoutingContext ctx, PipelineHost.Failed f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", f.getMessage());
    m.put("pipeline", f.pipeline());
    m.put("status", "failed");
    m.put("reason", f.reason());
    m.put("problems", List.of());
    json(ctx, 503, m);
  }


  private void getWindows(RoutingContext ctx) {
    PipelineHost h = host(ctx);
    if (h == null) {
      return;
    }
    if (!QueryParams.only(ctx, "key", "cursor", "limit")) {
      return;
    }
    Integer cursor = intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE);
    Integer limit = cursor == null ? null : intParam(ctx, "limit", 100, 1, MAX_PAGE);
    if (limit == null || !single(ctx, "key")) {
      return;
    }
    h.openWindows(ctx.request().getParam("key"), cursor, limit).onSuccess(page -> json(ctx, 200, RecordJson.of(page)))
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST .../windows/close?key=K} or {@code ?all=true}: closes those open windows now and
   * answers once the checkpoint holding what they emitted is stored. One of the two must be said:
   * a bare POST closing every window would be an easy accident.
   */
  private void closeWindows(RoutingContext ctx) {
    PipelineHost h = host(ctx);
    if (h == null || !QueryParams.only(ctx, "key", "all") || !single(ctx, "key") || !single(ctx, "all")) {
      return;
    }
    String key = ctx.request().getParam("key");
    String all = ctx.request().getParam("all");
    if (all != null && !all.equals("true")) {
      error(ctx, 400, "all: only all=true closes every key's windows (got '" + all + "')", List.of());
      return;
    }
    if ((key == null) == (all == null)) {
      error(ctx, 400, key == null ? "name the key whose windows to close (?key=K), or close every key's (?all=true)"
          : "give key or all=true, not both", List.of());
      return;
    }
    if (key != null && key.isEmpty()) {
      error(ctx, 400, "key: empty (a key is the text the pipeline's key expression gave)", List.of());
      return;
    }
    h.closeNow(key).onSuccess(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", h.id());
      m.put("key", key);
      m.put("closed", c.windows());
      m.put("stored", c.stored());
      if (!c.stored()) {
        // closed and emitted, but not yet durable: the next checkpoint stores them, a crash before it undoes the
        // close. 202, not a 5xx: the close happened, and a retry would close the windows opened since.
        m.put("warning", "the windows are closed, but the checkpoint that stores what they emitted failed ("
            + c.storageError() + "); the next checkpoint stores it, and a crash before then undoes the close");
      }
      json(ctx, c.stored() ? 200 : 202, m);
    }).onFailure(e -> {
      if (e instanceof PipelineHost.Refused) {
        error(ctx, 409, e.getMessage(), List.of());
      } else {
        unavailable(ctx, e);
      }
    });
  }

  /**
   * {@code POST .../preview?recent=N}, the body a new version's YAML: what applying it would do
   * ({@link dev.transom.runtime.Preview}); 200 also for an invalid text ({@code valid: false} and
   * its problems), as {@code /api/validate} answers, since finding problems is what it is for.
   */
  private void preview(RoutingContext ctx) {
    if (!QueryParams.only(ctx, "recent") || !single(ctx, "recent")) {
      return;
    }
    Integer recent = intParam(ctx, "recent", 20, 1, dev.transom.runtime.PipelineHost.RECENT_BEFORE_THEN);
    if (recent == null) {
      return;
    }
    byte[] body = bodyBytes(ctx);
    if (isBlankText(body)) {
      error(ctx, 400, "the body must be the pipeline's new YAML definition", List.of());
      return;
    }
    String id = ctx.pathParam("id");
    pipelines.offLoop(() -> pipelines.preview(id, body, recent)).onSuccess(v -> json(ctx, 200, RecordJson.of(v)))
        .onFailure(ctx::fail);
  }

  private void getOutputs(RoutingContext ctx) {
    PipelineHost h = host(ctx);
    if (h == null) {
      return;
    }
    if (!QueryParams.only(ctx, "limit")) {
      return;
    }
    Integer limit = intParam(ctx, "limit", 100, 1, MAX_PAGE);
    if (limit == null) {
      return;
    }
    h.recentOutputs(limit).onSuccess(list -> json(ctx, 200, Map.of("outputs", list))).onFailure(ctx::fail);
  }

  private void streamOutputs(RoutingContext ctx) {
    PipelineHost h = host(ctx);
    if (h == null) {
      return;
    }
    LiveOutputs.open(ctx, h, vertx, guard.limits().ssePing().toMillis());
  }

  /**
   * The JSON Schema of definitions, as {@code transom schema} prints it (and docs/transom.schema.json
   * holds). Written at the first request for it: at class load it took a few hundred ms of every start.
   */
  private static final class Schema {
    static final String TEXT = dev.transom.definition.spec.JsonSchemaWriter.write(
        dev.transom.definition.PipelineSpec.SPEC) + "\n";
  }

  private void schema(RoutingContext ctx) {
    if (QueryParams.only(ctx)) {
      ctx.response().putHeader("Content-Type", "application/schema+json").end(Schema.TEXT);
    }
  }

  private void validate(RoutingContext ctx) {
    if (!QueryParams.only(ctx, "file")) {
      return;
    }
    String name = ctx.request().getParam("file", "definition.yaml");
    DefinitionLoader.Result r = DefinitionLoader.load(name, bodyBytes(ctx), pipelines.paths());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", r.ok());
    m.put("id", r.ok() ? r.definition().id() : null);
    m.put("problems", ProblemsJson.of(r.problems()));
    m.put("lines", r.problems().stream().map(dev.transom.definition.spec.Problem::format).toList());
    json(ctx, 200, m);
  }

  private void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof java.nio.channels.ClosedChannelException
        || ctx.failure() instanceof java.io.IOException && !ctx.request().path().startsWith("/api")) {
      // The client went away while a file of the dashboard was being sent (a reset, a closed
      // channel): no one to answer, and nothing wrong here worth a stack trace in the log.
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 400 && ctx.request().authority() == null && ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_1_0) {
      // the router refuses these before any route runs, in words that miss a Host that is there but malformed
      refuseAndClose(ctx, 400, "missing or malformed Host header (HTTP/1.1 needs Host: name[:port])");
      return;
    }
    if (status >= 500 && ctx.failure() != null) {
      LOG.atError().addKeyValue("event", "http_error").setCause(ctx.failure())
          .log("{} {} failed", ctx.request().method(), ctx.request().path());
    }
    // What went wrong inside stays in the server's log: an exception's message names files,
    // classes and states that are nobody else's business (and can carry what a client sent).
    String message;
    if (status == 413) {
      message = "request body too large (at most " + (MAX_BODY_BYTES >> 20) + " MiB)";
    } else if (status >= 500) {
      message = "internal error (the server's log has the details)";
    } else if (ctx.failure() instanceof io.vertx.core.VertxException v && v.getMessage() != null) {
      message = "bad request: " + v.getMessage(); // Vert.x's own words about the request
    } else {
      message = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase()
          .toLowerCase(java.util.Locale.ROOT); // "not found", "method not allowed", ...
    }
    if (!ctx.response().ended()) {
      error(ctx, status, message, List.of());
    }
  }

  /** Most windows or outputs one answer holds. */
  static final int MAX_PAGE = 1_000;

  /**
   * A whole-number query parameter within {@code [min, max]}, {@code otherwise} when absent; or
   * {@code null} after answering 400: a value that is not what it should be is said so, never
   * quietly replaced by the default or clamped.
   */
  static Integer intParam(RoutingContext ctx, String name, int otherwise, int min, int max) {
    if (!single(ctx, name)) {
      return null;
    }
    String v = ctx.request().getParam(name);
    if (v == null) {
      return otherwise;
    }
    long n = -1;
    if (!v.isEmpty() && v.length() <= 10 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      n = Long.parseLong(v);
    }
    if (n < min || n > max) {
      String shown = v.length() > 20 ? v.substring(0, 20) + "..." : v;
      error(ctx, 400, name + ": expected a whole number from " + min + " to " + max + ", got '" + shown + "'",
          List.of());
      return null;
    }
    return (int) n;
  }

  /** False, after answering 400, when the query gives {@code name} more than once. */
  private static boolean single(RoutingContext ctx, String name) {
    if (ctx.queryParam(name).size() > 1) {
      error(ctx, 400, name + ": given more than once", List.of());
      return false;
    }
    return true;
  }

  static Future<Void> json(RoutingContext ctx, int status, Object body) {
    return ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(io.vertx.core.buffer.Buffer.buffer(JsonValues.toJsonBytes(body)));
  }

  static Future<Void> error(RoutingContext ctx, int status, String message, List<?> problems) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    m.put("problems", problems);
    return json(ctx, status, m);
  }

  /**
   * An error answer after which the connection is closed: for refusals that leave the body unread,
   * so that neither the rest of it nor a next request is read from a client we turned away.
   */
  static void refuseAndClose(RoutingContext ctx, int status, String message) {
    io.vertx.core.http.HttpConnection connection = ctx.request().connection();
    ctx.response().putHeader("Connection", "close");
    error(ctx, status, message, List.of()).onComplete(ar -> connection.close());
  }
}
