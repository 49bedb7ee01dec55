package dev.transom.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Refuses state-changing requests sent by a page of another site (cross-site request forgery).
 *
 * <p>A browser may send a cross-site POST with a {@code text/plain} body without asking first (no
 * CORS preflight), and it always adds {@code Origin} to such a request; so an {@code Origin} that is
 * not this server's is refused with 403 before the body is read. Without {@code Origin} the request
 * did not come from a web page (curl, scripts, other servers) and goes ahead. Reads are left alone:
 * the browser does not let a foreign page see their answers, since no CORS header allows it.
 */
final class OriginCheck implements Handler<RoutingContext> {
  private static final Set<HttpMethod> CHANGES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
  private final ServerNames names;

  OriginCheck(ServerNames names) {
    this.names = names;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || !CHANGES.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    String reason = names.refuseOrigin(origin, ctx.request().getHeader("Host"));
    if (reason == null) {
      ctx.next();
    } else {
      ApiRoutes.refuseAndClose(ctx, 403, reason);
    }
  }
}
