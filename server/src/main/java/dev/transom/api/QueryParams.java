package dev.transom.api;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * A query parameter a route does not take is a {@code 400} naming it: a misspelt {@code limt=5}
 * quietly answered with the default would look like the server ignoring the client.
 */
final class QueryParams {
  private QueryParams() {}

  /** False, after answering 400, when the query holds a parameter other than {@code taken}. */
  static boolean only(RoutingContext ctx, String... taken) {
    Set<String> names = ctx.queryParams().names();
    if (names.isEmpty()) {
      return true;
    }
    List<String> allowed = List.of(taken);
    for (String name : names) {
      if (!allowed.contains(name)) {
        String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        ApiRoutes.error(ctx, 400, "unknown query parameter '" + shown + "': " + ctx.request().method() + " "
            + ctx.request().path() + " takes " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)),
            List.of());
        return false;
      }
    }
    return true;
  }
}
