package dev.transom.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The route label is a template from a short fixed list, whatever path a client sends. */
class HttpRequestMetersTest {
  @Test
  void pipelinePathsBecomeTheirTemplate() {
    assertEquals("/api/pipelines/{id}", HttpRequestMeters.route("/api/pipelines/page-views"));
    assertEquals("/api/pipelines/{id}/events", HttpRequestMeters.route("/api/pipelines/x/events"));
    assertEquals("/api/pipelines/{id}/windows", HttpRequestMeters.route("/api/pipelines/x/windows"));
    assertEquals("/api/pipelines/{id}/outputs", HttpRequestMeters.route("/api/pipelines/x/outputs"));
    assertEquals("/api/pipelines/{id}/outputs/stream", HttpRequestMeters.route("/api/pipelines/x/outputs/stream"));
    assertEquals("/api/pipelines/{id}/history", HttpRequestMeters.route("/api/pipelines/x/history"));
    assertEquals("/api/pipelines/{id}/shape", HttpRequestMeters.route("/api/pipelines/x/shape"));
    assertEquals("/api/pipelines/{id}/errors", HttpRequestMeters.route("/api/pipelines/x/errors"));
    assertEquals("/api/pipelines", HttpRequestMeters.route("/api/pipelines"));
    assertEquals("/api/overview", HttpRequestMeters.route("/api/overview"));
    assertEquals("/api/validate", HttpRequestMeters.route("/api/validate"));
    assertEquals("/metrics", HttpRequestMeters.route("/metrics"));
    assertEquals("/health", HttpRequestMeters.route("/health"));
  }

  @Test
  void inventedPathsShareOneLabel() {
    assertEquals("/api/other", HttpRequestMeters.route("/api/pipelines/x/nope"));
    assertEquals("/api/other", HttpRequestMeters.route("/api/pipelines/"));
    assertEquals("/api/other", HttpRequestMeters.route("/api/nope/deeper"));
    assertEquals("/api/other", HttpRequestMeters.route("/api"));
    assertEquals("static", HttpRequestMeters.route("/app.js"));
    assertEquals("static", HttpRequestMeters.route("/../../etc/passwd"));
    assertEquals("static", HttpRequestMeters.route("/" + "x".repeat(5000)));
    assertEquals("other", HttpRequestMeters.route(null));
  }
}
