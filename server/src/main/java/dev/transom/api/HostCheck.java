package dev.transom.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Refuses requests whose {@code Host} is not one of {@link ServerNames} (DNS rebinding), with 421
 * Misdirected Request: "not a name this server answers to", told apart from a 401 or 403.
 */
final class HostCheck implements Handler<RoutingContext> {
  private final ServerNames names;

  HostCheck(ServerNames names) {
    this.names = names;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<String> hosts = ctx.request().headers().getAll("Host");
    if (hosts.size() > 1) {
      ApiRoutes.refuseAndClose(ctx, 400, "more than one Host header");
      return;
    }
    if (hosts.isEmpty()) {
      // only HTTP/1.0 gets here without one (the router refuses HTTP/1.1); a browser always sends
      // Host, so there is no rebinding to fear
      ctx.next();
      return;
    }
    String reason = names.refuseHost(hosts.get(0));
    if (reason == null) {
      ctx.next();
    } else {
      ApiRoutes.refuseAndClose(ctx, 421, reason);
    }
  }
}
