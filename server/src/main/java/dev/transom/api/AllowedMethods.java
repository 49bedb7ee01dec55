package dev.transom.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The methods each API path answers: a request with another method on that path gets {@code 405}
 * with {@code Allow} (RFC 9110 §15.5.6), not the {@code 404} of a path that does not exist.
 * {@code OPTIONS} is no exception: the server offers no CORS, so there is nothing for a preflight
 * to learn, and its {@code 405} carries the same {@code Allow} a client would ask OPTIONS for.
 */
final class AllowedMethods {
  private AllowedMethods() {}

  /** Path patterns (as routed) and what they answer; kept next to the routes in {@link ApiRoutes#router}. */
  static final Map<String, String> BY_PATH = new java.util.LinkedHashMap<>();

  static {
    BY_PATH.put("/api/pipelines", "GET");
    BY_PATH.put("/api/pipelines/:id", "GET, PUT, DELETE");
    BY_PATH.put("/api/pipelines/:id/events", "POST");
    BY_PATH.put("/api/pipelines/:id/windows", "GET");
    BY_PATH.put("/api/pipelines/:id/windows/close", "POST");
    BY_PATH.put("/api/pipelines/:id/preview", "POST");
    BY_PATH.put("/api/pipelines/:id/outputs", "GET");
    BY_PATH.put("/api/pipelines/:id/outputs/stream", "GET");
    BY_PATH.put("/api/validate", "POST");
    BY_PATH.put("/api/schema", "GET");
    BY_PATH.put("/api/overview", "GET");
    BY_PATH.put("/api/pipelines/:id/history", "GET");
    BY_PATH.put("/api/pipelines/:id/shape", "GET");
    BY_PATH.put("/api/pipelines/:id/errors", "GET");
  }

  /** After the routes themselves: what reaches these answered no method of its path. */
  static void register(Router r) {
    BY_PATH.forEach((path, allow) -> r.route(path).handler(ctx -> refuse(ctx, allow)));
  }

  private static void refuse(RoutingContext ctx, String allow) {
    ctx.response().putHeader("Allow", allow);
    String method = ctx.request().method().name();
    method = method.length() > 20 ? method.substring(0, 20) + "..." : method;
    ApiRoutes.error(ctx, 405, method + " is not allowed on " + ctx.request().path() + " (allowed: "
        + allow + ")", List.of());
  }
}
