package dev.transom.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * What the API makes of bodies sent as HTML forms. {@code curl -d} labels every body
 * {@code application/x-www-form-urlencoded}, so such a body is read as the bytes it is (JSON
 * lines, a JSON array, YAML) rather than decoded as a form, which no route takes: the label is
 * dropped before the body handler sees it, and remembered for the hint an error answer gives
 * ({@code curl -d @file} drops the file's newlines). A multipart body ({@code curl -F}) is a
 * {@code 415}: its parts are no event or definition, and read as one they would be garbage.
 */
final class FormBodies {
  private FormBodies() {}

  private static final String SENT_AS_FORM = "transom.sentAsForm";

  /** A handler for the routes that take a body, ahead of the body handler. */
  static void readAsSent(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String t = type == null ? "" : type.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("multipart/")) {
      refuseMultipart(ctx);
      return;
    }
    if (t.startsWith("application/x-www-form-urlencoded")) {
      ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
      ctx.put(SENT_AS_FORM, Boolean.TRUE);
    }
    ctx.next();
  }

  /** What to add to a refusal of the body's content when it came labelled as a form, or "". */
  static String hint(RoutingContext ctx) {
    return ctx.get(SENT_AS_FORM) == null ? "" : " (the body came as a form, Content-Type "
        + "application/x-www-form-urlencoded, which is read as it is sent; note that curl -d @file drops the "
        + "file's newlines: send a file with --data-binary @file and -H 'Content-Type: application/x-ndjson' for "
        + "events, text/yaml for a definition)";
  }

  /**
   * The answer waits for the body to arrive (and is dropped), so the client reads it instead of a
   * reset; a body larger than any route takes is refused at once and the connection closed.
   */
  private static void refuseMultipart(RoutingContext ctx) {
    String message = "multipart bodies (curl -F) are not accepted: send events as JSON lines "
        + "(Content-Type: application/x-ndjson, curl --data-binary @events.jsonl) or application/json, "
        + "definitions as text/yaml (curl --data-binary @pipeline.yaml)";
    HttpServerRequest req = ctx.request();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long n;
    try {
      n = length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 0 || n > ApiRoutes.MAX_BODY_BYTES || req.isEnded()) {
      if (req.isEnded()) {
        ApiRoutes.error(ctx, 415, message, List.of());
      } else {
        ApiRoutes.refuseAndClose(ctx, 415, message);
      }
      return;
    }
    req.handler(ignored -> { });
    req.endHandler(v -> ApiRoutes.error(ctx, 415, message, List.of()));
    req.resume();
  }
}
