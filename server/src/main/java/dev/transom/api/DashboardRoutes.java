package dev.transom.api;

import dev.transom.io.RecordJson;
import dev.transom.runtime.DashboardViews;
import dev.transom.runtime.PipelineHistory;
import dev.transom.runtime.PipelineHost;
import dev.transom.runtime.Pipelines;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * The routes the dashboard reads beyond the pipeline views: the overview of every pipeline, and a
 * pipeline's history, shape and item errors by group (README's API table). Each answers a typed
 * view ({@link DashboardViews}) rendered by {@link RecordJson}.
 */
final class DashboardRoutes {
  /** The overview's samples when no {@code seconds} is given: five minutes, enough for a sparkline. */
  static final int OVERVIEW_SECONDS = 300;
  private final Pipelines pipelines;
  /** The pipeline of the path's {@code :id}, or null after answering 404. */
  private final Function<RoutingContext, PipelineHost> host;

  DashboardRoutes(Pipelines pipelines, Function<RoutingContext, PipelineHost> host) {
    this.pipelines = pipelines;
    this.host = host;
  }

  void overview(RoutingContext ctx) {
    if (!QueryParams.only(ctx, "since", "seconds")) {
      return;
    }
    Long since = since(ctx);
    Integer seconds = since == null ? null
        : ApiRoutes.intParam(ctx, "seconds", OVERVIEW_SECONDS, 1, PipelineHistory.SAMPLES);
    if (seconds != null) {
      render(ctx, DashboardViews.overview(pipelines, since, seconds));
    }
  }

  void history(RoutingContext ctx) {
    PipelineHost h = host.apply(ctx);
    if (h == null || !QueryParams.only(ctx, "since")) {
      return;
    }
    Long since = since(ctx);
    if (since != null) {
      render(ctx, DashboardViews.history(h, since));
    }
  }

  void shape(RoutingContext ctx) {
    PipelineHost h = host.apply(ctx);
    if (h != null && QueryParams.only(ctx)) {
      render(ctx, DashboardViews.shape(h));
    }
  }

  void errors(RoutingContext ctx) {
    PipelineHost h = host.apply(ctx);
    if (h != null && QueryParams.only(ctx)) {
      render(ctx, DashboardViews.errors(h));
    }
  }

  /**
   * {@code since}: milliseconds since 1970 (an answer's {@code until_ms}), 0 when absent; or null
   * after answering 400.
   */
  private static Long since(RoutingContext ctx) {
    List<String> given = ctx.queryParam("since");
    if (given.isEmpty()) {
      return 0L;
    }
    String v = given.get(0);
    if (given.size() == 1 && !v.isEmpty() && v.length() <= 18 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Long.parseLong(v);
    }
    String shown = v.length() > 20 ? v.substring(0, 20) + "..." : v;
    ApiRoutes.error(ctx, 400, given.size() > 1 ? "since: given more than once"
        : "since: expected milliseconds since 1970 (a whole number, as until_ms gives), got '" + shown + "'", List.of());
    return null;
  }

  private static void render(RoutingContext ctx, Record view) {
    ApiRoutes.json(ctx, 200, RecordJson.of(view));
  }
}
