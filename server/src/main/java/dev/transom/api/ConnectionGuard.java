package dev.transom.api;

import dev.transom.io.DurationText;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deadlines and a ceiling per connection, against clients that hold connections open by sending
 * slowly (slowloris).
 *
 * <p>The idle timeout of the HTTP server (set from the same {@link NetworkLimits}) closes a
 * connection on which nothing moves, but a client that drips one header byte every few seconds is
 * never idle. So each connection carries a timer that runs whenever it waits for a request head:
 * from its opening, and again from the end of each response. Vert.x hands a request over only once
 * its head is complete, so the timer stops there; if it fires first, the connection is closed (there
 * is no request yet to answer). A second timer bounds the body, from the end of the head to the end
 * of the body, and answers 408. A response still being sent (an output stream) runs no timer: only
 * the idle timeout watches it, and its pings keep it from firing.
 *
 * <p>Connections beyond {@link NetworkLimits#maxConnections()} are still accepted, so that their
 * client learns why: the first request on one is answered 503 with {@code Retry-After} and the
 * connection closed. One that never completes a request is closed by the head deadline as any other.
 *
 * <p>Timers and the state of one connection are only touched on that connection's event loop.
 */
public final class ConnectionGuard {
  private final Vertx vertx;
  private final NetworkLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<HttpConnection, Tracked> tracked = new ConcurrentHashMap<>();

  private static final long NO_TIMER = -1;
  /** A timer this late fired after a stall of its event loop, not after the client's silence. */
  private static final long STALL_MILLIS = 500;

  private static final class Tracked {
    final HttpConnection connection;
    final boolean overLimit;
    long headTimer = NO_TIMER;
    int inFlight;
    boolean closed;

    Tracked(HttpConnection connection, boolean overLimit) {
      this.connection = connection;
      this.overLimit = overLimit;
    }
  }

  public ConnectionGuard(Vertx vertx, NetworkLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  public NetworkLimits limits() {
    return limits;
  }

  /** For {@code HttpServer.connectionHandler}: called once per accepted connection. */
  public void onConnection(HttpConnection connection) {
    int now = open.incrementAndGet();
    Tracked t = new Tracked(connection, limits.maxConnections() > 0 && now > limits.maxConnections());
    tracked.put(connection, t);
    connection.closeHandler(v -> {
      t.closed = true;
      cancelHead(t);
      tracked.remove(connection);
      open.decrementAndGet();
    });
    armHead(t);
  }

  /** The router's first handler: every request passes here once its head is complete. */
  Handler<RoutingContext> requests() {
    return this::onRequest;
  }

  private void onRequest(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Tracked t = tracked.get(req.connection());
    if (t == null) {
      ctx.next(); // not a connection this guard saw open (cannot happen with connectionHandler set)
      return;
    }
    cancelHead(t);
    t.inFlight++;
    ctx.addEndHandler(ar -> {
      t.inFlight--;
      if (t.inFlight == 0 && !t.closed) {
        armHead(t);
      }
    });
    if (t.overLimit) {
      ctx.response().putHeader("Retry-After", "1");
      ApiRoutes.refuseAndClose(ctx, 503, "too many open connections (the limit is " + limits.maxConnections()
          + ", --max-connections); close idle ones or try again later");
      return;
    }
    long bodyMillis = limits.bodyTimeout().toMillis();
    if (bodyMillis > 0 && !req.isEnded()) {
      long timer = vertx.setTimer(bodyMillis, id -> bodyTooSlow(ctx, t));
      req.end().onComplete(ar -> vertx.cancelTimer(timer));
      ctx.addEndHandler(ar -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }

  private void bodyTooSlow(RoutingContext ctx, Tracked t) {
    if (t.closed) {
      return;
    }
    if (ctx.response().headWritten()) {
      t.connection.close();
    } else {
      ApiRoutes.refuseAndClose(ctx, 408, "the request body did not arrive within "
          + DurationText.format(limits.bodyTimeout().toNanos() / 1_000) + " of its headers (--body-timeout)");
    }
  }

  private void armHead(Tracked t) {
    long millis = limits.headerTimeout().toMillis();
    if (millis <= 0) {
      return;
    }
    cancelHead(t);
    long armedAt = System.nanoTime();
    t.headTimer = vertx.setTimer(millis, id -> {
      t.headTimer = NO_TIMER;
      if (t.closed || t.inFlight != 0) {
        return;
      }
      long lateMillis = (System.nanoTime() - armedAt) / 1_000_000 - millis;
      if (lateMillis > STALL_MILLIS) {
        // The event loop was stalled (a long collection, a big checkpoint cut): a request head that
        // arrived meanwhile is still unread in the socket. Give it a moment to be read first.
        t.headTimer = vertx.setTimer(STALL_MILLIS, again -> {
          t.headTimer = NO_TIMER;
          if (!t.closed && t.inFlight == 0) {
            t.connection.close();
          }
        });
        return;
      }
      t.connection.close();
    });
  }

  private void cancelHead(Tracked t) {
    if (t.headTimer != NO_TIMER) {
      vertx.cancelTimer(t.headTimer);
      t.headTimer = NO_TIMER;
    }
  }
}
