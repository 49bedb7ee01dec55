package dev.transom.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code transom_http_requests_total{method, route, status}}, counted when each answer ends. The
 * route is the API's path template ({@code /api/pipelines/{id}/events}), never the raw path: a
 * client could otherwise make a series per URL it invents, and the scrape would grow without end.
 */
final class HttpRequestMeters {
  private final MeterRegistry registry;
  /** Counters by method, route and status: looked up once per request, registered once per combination. */
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  HttpRequestMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Counts the request once its answer is over (sent, or the connection dropped under it). Through
   * the router's end handlers: the router puts its own on the response, in place of any set there.
   */
  void track(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String method = method(req.method());
    String route = route(req.path());
    ctx.addEndHandler(v -> count(method, route, ctx.response().getStatusCode()));
  }

  /** A request answered before it reached the router (a request target it cannot take). */
  void answered(HttpServerRequest req, int status) {
    count(method(req.method()), route(req.path()), status);
  }

  private void count(String method, String route, int status) {
    String key = method + ' ' + route + ' ' + status;
    counters.computeIfAbsent(key, k -> Counter.builder("transom.http.requests")
        .description("HTTP requests answered, by method, route template and status")
        .tags("method", method, "route", route, "status", String.valueOf(status)).register(registry)).increment();
  }

  private static String method(HttpMethod m) {
    String name = m == null ? "" : m.name();
    return switch (name) {
      case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS" -> name;
      default -> "OTHER";
    };
  }

  /**
   * The route template a path is answered by: unknown API paths are {@code /api/other}, everything
   * else (the dashboard's files, unknown paths) is {@code static}.
   */
  static String route(String path) {
    if (path == null) {
      return "other";
    }
    switch (path) {
      case "/health", "/metrics", "/api/pipelines", "/api/validate", "/api/schema", "/api/overview":
        return path;
      default:
        break;
    }
    String prefix = "/api/pipelines/";
    if (!path.startsWith(prefix)) {
      return path.startsWith("/api/") || path.equals("/api") ? "/api/other" : "static";
    }
    String rest = path.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return rest.isEmpty() ? "/api/other" : "/api/pipelines/{id}";
    }
    return switch (rest.substring(slash)) {
      case "/events" -> "/api/pipelines/{id}/events";
      case "/windows" -> "/api/pipelines/{id}/windows";
      case "/outputs" -> "/api/pipelines/{id}/outputs";
      case "/outputs/stream" -> "/api/pipelines/{id}/outputs/stream";
      case "/history" -> "/api/pipelines/{id}/history";
      case "/shape" -> "/api/pipelines/{id}/shape";
      case "/errors" -> "/api/pipelines/{id}/errors";
      default -> "/api/other";
    };
  }
}
