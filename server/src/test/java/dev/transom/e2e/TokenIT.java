package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token from a file or the environment, any-case scheme, wrong tokens, and {@code /metrics} under it. */
class TokenIT {
  private static final String TOKEN = "kq7-Zt2_wN9xR4";
  @TempDir
  Path dir;
  private ServerProcess server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return server.http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertUnauthorized(String path, String authorization, String mustSay) throws Exception {
    HttpResponse<String> r = get(path, authorization);
    assertEquals(401, r.statusCode(), path + " with " + authorization);
    assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
    String error = ServerProcess.JSON.readTree(r.body()).get("error").asText();
    assertTrue(error.contains(mustSay), error);
    assertFalse(r.body().contains(TOKEN), "an answer never echoes the token");
  }

  @Test
  void aTokenFileGuardsTheApiAndMetricsAndStaysOutOfTheCommandLine() throws Exception {
    Files.createDirectories(dir.resolve("defs"));
    Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    server = new ServerProcess(dir, "--token-file", file.toString()).start();
    for (String path : new String[] {"/api/pipelines", "/metrics"}) {
      assertUnauthorized(path, null, "missing bearer token");
      assertUnauthorized(path, "Bearer " + TOKEN.substring(1), "wrong bearer token");
      assertUnauthorized(path, "Bearer " + TOKEN + "x", "wrong bearer token");
      assertUnauthorized(path, "Bearer " + TOKEN.toUpperCase(), "wrong bearer token");
      assertUnauthorized(path, "Basic " + TOKEN, "Bearer scheme");
      for (String scheme : new String[] {"Bearer", "bearer", "BEARER"}) {
        assertEquals(200, get(path, scheme + " " + TOKEN).statusCode(), path + " with scheme " + scheme);
      }
    }
    assertEquals(200, get("/health", null).statusCode(), "liveness needs no token");
    String commandLine = server.process.info().commandLine().orElse("");
    assertTrue(commandLine.contains("--token-file"), "the process's command line is readable here: " + commandLine);
    assertFalse(commandLine.contains(TOKEN), commandLine);
  }

  @Test
  void theEnvironmentGivesTheTokenToo() throws Exception {
    Files.createDirectories(dir.resolve("defs"));
    server = new ServerProcess(dir);
    server.env.put("TRANSOM_TOKEN", TOKEN);
    server.start();
    assertUnauthorized("/api/pipelines", "Bearer guess", "wrong bearer token");
    assertEquals(200, get("/api/pipelines", "bearer " + TOKEN).statusCode());
    assertUnauthorized("/metrics", null, "missing bearer token");
  }

  @Test
  void publicMetricsOpensMetricsOnly() throws Exception {
    Files.createDirectories(dir.resolve("defs"));
    server = new ServerProcess(dir, "--public-metrics");
    server.env.put("TRANSOM_TOKEN", TOKEN);
    server.start();
    HttpResponse<String> metrics = get("/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), metrics.headers().toString());
    assertUnauthorized("/api/pipelines", null, "missing bearer token");
  }

  @Test
  void anUnusableTokenFileStopsServeWithAMessage() throws Exception {
    Files.createDirectories(dir.resolve("defs"));
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    String[][] cases = {
        {"--token-file", dir.resolve("absent").toString()},
        {"--token-file", empty.toString()},
        {"--token-file", empty.toString(), "--token", "x"},
        {"--public-metrics"},
    };
    String[] says = {"no such file", "is empty", "not both", "only means something with a token"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 5];
      args[0] = "serve";
      args[1] = "--definitions";
      args[2] = dir.resolve("defs").toString();
      args[3] = "--port";
      args[4] = "1";
      System.arraycopy(cases[i], 0, args, 5, cases[i].length);
      Jar.Result r = Jar.run(dir, null, args);
      assertEquals(2, r.exit(), r.all());
      assertTrue(r.err().contains(says[i]), r.all());
      Jar.assertNoStackTrace(r);
    }
  }
}
