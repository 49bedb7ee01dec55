package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris against the real jar, with deadlines short enough for a test: clients that send their
 * request slowly, or not at all, are closed by the header, idle and body deadlines; an output stream
 * that is read lives past the idle timeout; connections beyond the limit get a 503 and are closed.
 */
class SlowClientsIT {
  private static final long HEADER_MS = 1_000;
  private static final long IDLE_MS = 2_000;
  private static final long BODY_MS = 4_000;
  private static final int MAX_CONNECTIONS = 4;

  @TempDir
  static Path dir;
  static ServerProcess server;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    ServerProcess.define(dir, "clicks.yaml", ServeIT.CLICKS);
    server = new ServerProcess(dir, "--header-timeout", "1s", "--idle-timeout", "2s", "--body-timeout", "4s",
        "--max-connections", String.valueOf(MAX_CONNECTIONS)).start();
    port = server.port;
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static final String ENDLESS_HEAD = "GET /api/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(500);

  @Test
  void aRequestHeadDrippedAByteAtATimeIsCutAtTheHeaderDeadline() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      int[] sent = {0};
      long closedAt = c.dripUntilClosed(ENDLESS_HEAD, 100, 8_000, sent);
      assertTrue(closedAt >= 0, "the dripping connection was still open after 8 s (" + sent[0] + " bytes sent)");
      long closedAfter = (closedAt - c.openedNanos) / 1_000_000;
      assertTrue(closedAfter >= HEADER_MS - 100 && closedAfter < IDLE_MS,
          "closed after " + closedAfter + " ms: by the header deadline, not the idle timeout");
      assertTrue(sent[0] >= 5, "bytes kept arriving (" + sent[0] + "), so it was never idle");
    }
  }

  @Test
  void aSlowSecondRequestOnAKeptAliveConnectionIsCutToo() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals(200, c.readResponse().status());
      long answered = System.nanoTime();
      int[] sent = {0};
      long closedAt = c.dripUntilClosed(ENDLESS_HEAD, 100, 8_000, sent);
      assertTrue(closedAt >= 0, "the dripping connection was still open after 8 s (" + sent[0] + " bytes sent)");
      long closedAfter = (closedAt - answered) / 1_000_000;
      assertTrue(closedAfter < IDLE_MS, "closed " + closedAfter + " ms after the first answer");
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      long closedAfter = c.awaitClose(8_000);
      assertTrue(closedAfter >= 0, "a silent connection was still open after 8 s");
      assertTrue(closedAfter >= HEADER_MS - 100 && closedAfter < IDLE_MS, "closed after " + closedAfter + " ms");
    }
  }

  private static long eventsIn() throws Exception {
    return server.json("/api/pipelines/clicks").get("counters").get("in").asLong();
  }

  @Test
  void aBodyThatStallsIsClosedByTheIdleTimeout() throws Exception {
    long before = eventsIn();
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /api/pipelines/clicks/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"user\":");
      long closedAfter = c.awaitClose(10_000);
      assertTrue(closedAfter >= 0, "a stalled upload was still open after 10 s");
      assertTrue(closedAfter >= IDLE_MS - 100 && closedAfter < BODY_MS, "closed after " + closedAfter
          + " ms: by the idle timeout, before the body deadline");
    }
    assertEquals(before, eventsIn(), "nothing of the cut request was ingested");
  }

  @Test
  void aBodyDrippedTooSlowlyIsAnswered408AtTheBodyDeadline() throws Exception {
    long before = eventsIn();
    try (RawHttp c = new RawHttp(port)) {
      String body = "{\"user\":\"a\",\"clicks\":1,\"ts\":\"2024-05-01T10:00:01Z\"}" + " ".repeat(200);
      c.send("POST /api/pipelines/clicks/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length() + "\r\n\r\n");
      long start = System.nanoTime();
      StringBuilder answer = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          for (String s = c.readSome(); !s.isEmpty(); s = c.readSome()) {
            synchronized (answer) {
              answer.append(s);
            }
          }
        } catch (Exception e) {
          // the close after the answer
        }
      });
      reader.start();
      for (int i = 0; i < body.length() && reader.isAlive(); i++) {
        try {
          c.send(body.substring(i, i + 1));
        } catch (java.io.IOException e) {
          break;
        }
        reader.join(150);
      }
      reader.join(5_000);
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      String text;
      synchronized (answer) {
        text = answer.toString();
      }
      assertTrue(text.startsWith("HTTP/1.1 408"), "answer after " + elapsed + " ms: " + text);
      assertTrue(text.contains("application/json") && text.contains("--body-timeout"), text);
      assertTrue(elapsed >= BODY_MS - 100, "answered after " + elapsed + " ms");
      assertTrue(!reader.isAlive(), "the connection was closed after the 408");
    }
    assertEquals(before, eventsIn(), "nothing of the cut request was ingested");
  }

  @Test
  void anOutputStreamThatIsReadLivesPastTheIdleTimeout() throws Exception {
    try (RawHttp stream = new RawHttp(port)) {
      stream.send("GET /api/pipelines/clicks/outputs/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals(200, openedStream(stream));
      long start = System.nanoTime();
      int pings = 0;
      while (System.nanoTime() - start < 3 * IDLE_MS * 1_000_000) {
        String s = stream.readSome();
        assertTrue(!s.isEmpty(), "the stream was closed after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        pings += s.split(": ping", -1).length - 1;
      }
      assertTrue(pings >= 3, "pings kept it busy: " + pings);
      // and it still carries outputs: this event's watermark closes the first one's window
      assertEquals(202, server.post("/api/pipelines/clicks/events", "{\"user\":\"s\",\"clicks\":2,\"ts\":\"2024-05-01T10:00:01Z\"}\n"
          + "{\"user\":\"s\",\"clicks\":1,\"ts\":\"2024-05-01T10:00:30Z\"}", null).statusCode());
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().contains("data: ")) {
        String s = stream.readSome();
        assertTrue(!s.isEmpty(), "closed before the output arrived: " + seen);
        seen.append(s);
      }
      assertTrue(seen.toString().contains("\"key\":\"s\""), seen.toString());
    }
  }

  @Test
  void anOversizedHeadIsAnswered431WithJsonAndClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /api/pipelines HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n");
      RawHttp.Response r = c.readResponse();
      assertEquals(431, r.status(), r.body());
      assertTrue(ServerProcess.JSON.readTree(r.body()).get("error").asText().contains("8192 bytes"), r.body());
      assertTrue(c.awaitClose(3_000) >= 0, "closed after the answer");
    }
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals(414, c.readResponse().status());
    }
  }

  /** The status of an event stream's answer, the stream left open. */
  private static int openedStream(RawHttp c) throws Exception {
    return c.readHead().status();
  }

  @Test
  void connectionsBeyondTheLimitAreAnswered503AndClosed() throws Exception {
    List<RawHttp> held = new ArrayList<>();
    try {
      // Output streams hold their connections open legitimately. A connection the harness left from
      // startup may still count for a moment, so a stream refused now is tried again.
      ServerProcess.await("holding " + MAX_CONNECTIONS + " streams", () -> {
        RawHttp c = new RawHttp(port);
        c.send("GET /api/pipelines/clicks/outputs/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        if (openedStream(c) == 200) {
          held.add(c);
        } else {
          c.close();
        }
        return held.size() == MAX_CONNECTIONS;
      });
      RawHttp.Response refused = RawHttp.exchange(port, "GET", "/api/pipelines", Map.of(), null);
      assertEquals(503, refused.status(), refused.body());
      assertEquals("1", refused.header("retry-after"));
      assertTrue(ServerProcess.JSON.readTree(refused.body()).get("error").asText().contains("--max-connections"),
          refused.body());
      try (RawHttp extra = new RawHttp(port)) {
        extra.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(503, extra.readResponse().status());
        assertTrue(extra.awaitClose(3_000) >= 0, "the refused connection is closed, even though it asked to stay open");
      }
      for (RawHttp c : held) {
        assertTrue(!c.readSome().isEmpty(), "the held streams keep streaming");
      }
      held.remove(0).close();
      ServerProcess.await("a free connection after one stream closed",
          () -> RawHttp.exchange(port, "GET", "/api/pipelines", Map.of(), null).status() == 200);
    } finally {
      for (RawHttp c : held) {
        c.close();
      }
    }
  }
}
