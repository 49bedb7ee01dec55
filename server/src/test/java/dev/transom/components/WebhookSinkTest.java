package dev.transom.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.DefinitionLoader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP receiver on 127.0.0.1 that answers 503 until it is switched on. */
class WebhookSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Receiver receiver = new Receiver();
  private final List<WebhookSink> sinks = new ArrayList<>();

  /** Keeps the {@code n} of every record it takes, in the order it took them. */
  static final class Receiver {
    final HttpServer server;
    final List<Integer> received = new CopyOnWriteArrayList<>();
    volatile boolean up;
    /**
     * Its own path: a port freed by an earlier test's receiver can be handed to this one while that
     * test's detached sink still has a batch on the wire, which must not count here.
     */
    final String path = "/hook-" + java.util.UUID.randomUUID();

    Receiver() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      server.createContext(path, ex -> {
        byte[] body = ex.getRequestBody().readAllBytes();
        boolean taking = up;
        if (taking) {
          for (JsonNode r : JSON.readTree(body)) {
            received.add(r.get("n").asInt());
          }
        }
        ex.sendResponseHeaders(taking ? 200 : 503, -1);
        ex.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }
  }

  @AfterEach
  void stop() {
    sinks.forEach(WebhookSink::detach);
    receiver.server.stop(0);
  }

  private WebhookSink sink(String options) {
    String yaml = "name: t\nsource: {kind: http}\nkey: event.k\nclock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\naggregate: {count: true}\n"
        + "sinks:\n  - {kind: webhook, url: '" + receiver.url() + "'" + options + "}\n";
    DefinitionLoader.Result r = DefinitionLoader.load("t.yaml", yaml);
    assertTrue(r.ok(), r.problems().toString());
    ComponentDef def = r.definition().sinks().get(0);
    WebhookSink s = new WebhookSink(def);
    sinks.add(s);
    return s;
  }

  private static Map<String, Object> record(int n) {
    return Map.of("n", (long) n);
  }

  private static List<Integer> numbers(List<byte[]> records) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (byte[] r : records) {
      out.add(JSON.readTree(new String(r, StandardCharsets.UTF_8)).get("n").asInt());
    }
    return out;
  }

  @Test
  void keepsEveryRecordWhileTheReceiverIsDownEvenPastTheOldDropLimit() throws Exception {
    WebhookSink s = sink(", batch: 10000, queue: 1000000, timeout: 30s");
    int n = 100_050; // the sink used to drop everything past 100,000
    for (int i = 0; i < n; i++) {
      s.write(record(i));
    }
    assertEquals(n, s.backlog());
    assertEquals(n, s.undelivered().size());
    receiver.up = true;
    assertTrue(s.drain(Duration.ofSeconds(30)), "not delivered: " + s.backlog() + " left, " + s.problem());
    // (a request that outlasts its timeout on a busy machine is sent again: at least once)
    List<Integer> firsts = new ArrayList<>(new java.util.LinkedHashSet<>(receiver.received));
    assertEquals(n, firsts.size());
    int wrong = IntStream.range(0, n).filter(i -> firsts.get(i) != i).findFirst().orElse(-1);
    assertEquals(-1, wrong, () -> "every record, in order; first out of place at " + wrong + ": "
        + firsts.subList(Math.max(0, wrong - 3), Math.min(n, wrong + 3)) + ", " + receiver.received.size()
        + " received, " + s.failedAttempts() + " failed attempts, " + s.problem());
    assertTrue(s.delivered() >= n);
    assertTrue(s.failedAttempts() > 0);
  }

  @Test
  void backlogCountsTheBatchInFlightAndReachesItsLimitAtQueue() throws Exception {
    WebhookSink s = sink(", batch: 2, queue: 5");
    SinkSet set = new SinkSet(List.of(s), null);
    for (int i = 0; i < 4; i++) {
      s.write(record(i));
    }
    assertEquals(4, s.backlog());
    assertNull(set.backlogged());
    s.write(record(4));
    assertEquals(5, s.backlog(), "the batch being retried counts too");
    assertSame(s, set.backlogged(), "at its queue limit the pipeline takes no more input");
    assertEquals(5, s.backlogLimit());
    receiver.up = true;
    assertTrue(s.drain(Duration.ofSeconds(30)));
    assertEquals(0, s.backlog());
    assertNull(set.backlogged());
    assertNull(s.lastError());
  }

  @Test
  void undeliveredIsInOrderWithTheBatchInFlightAndAReplacementDeliversItFirst() throws Exception {
    WebhookSink old = sink(", batch: 2");
    for (int i = 0; i < 3; i++) {
      old.write(record(i));
    }
    assertEquals(List.of(0, 1, 2), numbers(old.undelivered()));
    WebhookSink next = sink(", batch: 2");
    next.requeue(old.detach());
    assertEquals(0, old.backlog());
    next.write(record(3));
    assertEquals(List.of(0, 1, 2, 3), numbers(next.undelivered()));
    receiver.up = true;
    assertTrue(next.drain(Duration.ofSeconds(30)));
    // The old sink may still have had its batch on the wire when it was detached: that batch can
    // arrive twice (at least once), but every record arrives and in order of first arrival.
    assertEquals(List.of(0, 1, 2, 3), new ArrayList<>(new java.util.LinkedHashSet<>(receiver.received)),
        "every record, first arrivals in order: " + receiver.received);
  }

  @Test
  void requeuedRecordsGoAheadOfEverythingNotYetInFlight() throws Exception {
    WebhookSink s = sink(", batch: 1");
    for (int i = 0; i < 3; i++) {
      s.write(record(i));
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (s.failedAttempts() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // until record 0 is the batch in flight, retried as it is
    }
    s.requeue(List.of("{\"n\":10}".getBytes(StandardCharsets.UTF_8), "{\"n\":11}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(0, 10, 11, 1, 2), numbers(s.undelivered()));
    receiver.up = true;
    assertTrue(s.drain(Duration.ofSeconds(30)));
    assertEquals(List.of(0, 10, 11, 1, 2), receiver.received);
    assertEquals(5, s.delivered());
  }

  @Test
  void sinksOfOneDestinationHaveNamesOfTheirOwn() {
    WebhookSink a = sink("");
    WebhookSink b = sink("");
    WebhookSink late = sink("");
    String u = receiver.url();
    assertEquals(List.of("webhook " + u, "webhook " + u + " #2", "late webhook " + u),
        List.copyOf(new SinkSet(List.of(a, b), late).queues().keySet()));
  }

  /**
   * Found by HttpFuzzIT: a pipeline's deliveries in the API (and the dashboard) showed
   * "http://127.0.0.1:1/hook: java.net.ConnectException", the exception's name for want of a message.
   */
  @Test
  void aFailedDeliveryIsSaidInWordsNotByTheExceptionsName() {
    assertEquals("cannot connect (refused or unreachable)", WebhookSink.reason(new java.net.ConnectException()));
    assertEquals("no answer in time", WebhookSink.reason(new java.net.http.HttpTimeoutException("request timed out")));
    assertEquals("the connection failed", WebhookSink.reason(new java.io.IOException("java.nio.channels.ClosedChannelException")));
    assertEquals("the connection failed", WebhookSink.reason(new java.io.IOException()));
    assertEquals("GOAWAY received", WebhookSink.reason(new java.io.IOException("GOAWAY received")));
  }
}
