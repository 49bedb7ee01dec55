package dev.transom.api;

import dev.transom.runtime.OutputFeed;
import dev.transom.runtime.PipelineHost;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client's Server-Sent Events stream of a pipeline's outputs (the events are in
 * {@code docs/live-outputs.md}). Outputs are produced faster than a slow client reads them, and
 * whatever it has not read waits in memory; so each stream has a bounded buffer, and a client that
 * lets it fill is disconnected (it reconnects with its {@code Last-Event-ID} and is sent what it
 * missed) instead of holding the server's heap.
 */
final class LiveOutputs {
  /** Text waiting for one client: its connection's write queue, plus what is on its way to it. */
  static final int BUFFER_BYTES = 1 << 20;
  /** How long a client waits before it reconnects, sent as {@code retry:}. */
  static final int RETRY_MILLIS = 2_000;

  private final HttpServerResponse res;
  private final String pipeline;
  private final OutputFeed feed;
  private final Context httpContext;
  private final Vertx vertx;
  /** Chars handed to the connection's context and not yet written (the runtime produces on other threads). */
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean cut;
  private final Consumer<OutputFeed.Event> sub = this::offer;
  private long ping = -1;

  private LiveOutputs(RoutingContext ctx, PipelineHost host, Vertx vertx) {
    this.res = ctx.response();
    this.pipeline = host.id();
    // The feed, not the host: a failed version's replacement takes the feed over, and the stream with it.
    this.feed = host.outputFeed();
    this.httpContext = vertx.getOrCreateContext();
    this.vertx = vertx;
  }

  static void open(RoutingContext ctx, PipelineHost host, Vertx vertx, long pingMillis) {
    LiveOutputs s = new LiveOutputs(ctx, host, vertx);
    HttpServerResponse res = ctx.response();
    // no-store: the URL may hold the token (access_token), and nothing of a live stream is worth keeping.
    // X-Accel-Buffering: nginx would otherwise hold events back until its buffer fills.
    res.setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
    res.setWriteQueueMaxSize(BUFFER_BYTES);
    // What the subscription replays is queued on this context, so it is written after this first block.
    String start = s.feed.subscribe(s.pipeline, ctx.request().getHeader("Last-Event-ID"), BUFFER_BYTES / 2, s.sub);
    res.write(": connected\nretry: " + RETRY_MILLIS + "\nid: " + start + "\n\n");
    s.ping = vertx.setPeriodic(pingMillis, id -> {
      if (!res.closed() && !res.ended() && !res.writeQueueFull()) {
        res.write(": ping\n\n");
      }
    });
    res.closeHandler(v -> s.release());
  }

  private void release() {
    feed.unsubscribe(sub);
    vertx.cancelTimer(ping);
  }

  /** From the feed, on any thread. */
  private void offer(OutputFeed.Event e) {
    if (cut) {
      return;
    }
    String text = "event: " + e.name() + "\nid: " + e.id() + "\ndata: " + e.data() + "\n\n";
    if (inFlight.addAndGet(text.length()) > BUFFER_BYTES) {
      httpContext.runOnContext(v -> cutOff());
      return;
    }
    httpContext.runOnContext(v -> {
      inFlight.addAndGet(-text.length());
      if (cut || res.ended() || res.closed()) {
        return;
      }
      if (res.writeQueueFull()) {
        cutOff();
        return;
      }
      res.write(text);
      if (e.last()) {
        // The pipeline is gone: a complete end, which EventSource answers by reconnecting to a 404 (or
        // to a pipeline of the same id created since, from its start, after a gap event).
        release();
        res.end();
      }
    });
  }

  private void cutOff() {
    if (cut) {
      return;
    }
    cut = true;
    feed.unsubscribe(sub);
    dev.transom.runtime.LifecycleLog.warn(dev.transom.runtime.LifecycleLog.SLOW_CLIENT, pipeline).log("closed a"
        + " live-outputs stream of pipeline '{}': the client read too slowly and {} KiB of outputs waited for it",
        pipeline, BUFFER_BYTES >> 10);
    res.reset(); // a stream has no end a client could take for a complete answer: close the connection
  }
}
