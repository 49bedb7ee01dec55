package dev.transom.api;

import dev.transom.runtime.PipelineHost;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client's Server-Sent Events stream of a pipeline's outputs. Outputs are produced faster than
 * a slow client reads them, and whatever it has not read waits in memory; so each stream has a
 * bounded buffer, and a client that lets it fill is disconnected (it reconnects and reads
 * {@code /outputs} for what it missed) instead of holding the server's heap.
 */
final class LiveOutputs {
  /** Text waiting for one client: its connection's write queue, plus what is on its way to it. */
  static final int BUFFER_BYTES = 1 << 20;

  private final HttpServerResponse res;
  private final PipelineHost host;
  private final Context httpContext;
  /** Chars handed to the connection's context and not yet written (the runtime produces on other threads). */
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean cut;
  private Consumer<String> sub;

  private LiveOutputs(RoutingContext ctx, PipelineHost host, Vertx vertx) {
    this.res = ctx.response();
    this.host = host;
    this.httpContext = vertx.getOrCreateContext();
  }

  static void open(RoutingContext ctx, PipelineHost host, Vertx vertx, long pingMillis) {
    LiveOutputs s = new LiveOutputs(ctx, host, vertx);
    HttpServerResponse res = ctx.response();
    res.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    res.setWriteQueueMaxSize(BUFFER_BYTES);
    res.write(": connected\n\n");
    s.sub = host.subscribe(s::offer);
    long ping = vertx.setPeriodic(pingMillis, id -> {
      if (!res.closed() && !res.writeQueueFull()) {
        res.write(": ping\n\n");
      }
    });
    res.closeHandler(v -> {
      host.unsubscribe(s.sub);
      vertx.cancelTimer(ping);
    });
  }

  /** From the pipeline, on any thread. */
  private void offer(String json) {
    if (cut) {
      return;
    }
    if (inFlight.addAndGet(json.length()) > BUFFER_BYTES) {
      httpContext.runOnContext(v -> cutOff());
      return;
    }
    httpContext.runOnContext(v -> {
      inFlight.addAndGet(-json.length());
      if (cut || res.ended() || res.closed()) {
        return;
      }
      if (res.writeQueueFull()) {
        cutOff();
        return;
      }
      res.write("data: " + json + "\n\n");
    });
  }

  private void cutOff() {
    if (cut) {
      return;
    }
    cut = true;
    host.unsubscribe(sub);
    dev.transom.runtime.LifecycleLog.warn(dev.transom.runtime.LifecycleLog.SLOW_CLIENT, host.id()).log("closed a"
        + " live-outputs stream of pipeline '{}': the client read too slowly and {} KiB of outputs waited for it",
        host.id(), BUFFER_BYTES >> 10);
    res.reset(); // a stream has no end a client could take for a complete answer: close the connection
  }
}
