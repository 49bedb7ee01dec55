package dev.transom.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests the HTTP parser could not read (a request line or headers over the size limits, a
 * garbled head) never reach the router; Vert.x's own answer to them has no body. This one says what
 * was wrong in the API's error format, then closes the connection, as the parser cannot resync.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {
  @Override
  public void handle(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "the request line is longer than " + NetworkLimits.MAX_REQUEST_LINE_BYTES + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "the request headers are larger than " + NetworkLimits.MAX_HEADER_BYTES + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("problems", List.of());
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(io.vertx.core.buffer.Buffer.buffer(dev.transom.io.JsonValues.toJsonBytes(body)))
        .onComplete(ar -> req.connection().close());
  }
}
