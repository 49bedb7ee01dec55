package dev.transom.e2e;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An event stream read line by line as the server wrote it: every block (the lines up to a blank
 * one) becomes one {@link Block}, comments and fields as they came, and the end of the response is
 * seen as such. No SSE library in between: the test checks the text itself.
 */
final class SseReader implements Closeable {
  /** One block of the stream. {@code name}, {@code id}, {@code data} and {@code retry} are null when absent. */
  record Block(List<String> lines, String name, String id, String data, String retry) {
    boolean isOutput() {
      return "output".equals(name);
    }

    /** The sequence part of the id. */
    long seq() {
      return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }
  }

  private static final Block END = new Block(List.of(), null, null, null, null);
  final HttpResponse<InputStream> response;
  private final LinkedBlockingQueue<Block> blocks = new LinkedBlockingQueue<>();
  private final Thread reader;
  /** Set when the response ended as HTTP says a response ends (not a reset or a close by the test). */
  volatile boolean complete;

  private SseReader(HttpResponse<InputStream> response) {
    this.response = response;
    reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    if (response.statusCode() == 200) {
      reader.start();
    }
  }

  /** Opens {@code path}; {@code headers} as name, value pairs. */
  static SseReader open(HttpClient http, String base, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
    headers.forEach(b::header);
    return new SseReader(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  String errorBody() throws Exception {
    return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isEmpty()) {
          lines.add(line);
          continue;
        }
        blocks.add(block(lines));
        lines = new ArrayList<>();
      }
      complete = true;
    } catch (Exception e) {
      // closed by the test, or reset by the server: the end either way
    }
    blocks.add(END);
  }

  private static Block block(List<String> lines) {
    String name = null;
    String id = null;
    String data = null;
    String retry = null;
    for (String l : lines) {
      if (l.startsWith("event: ")) {
        name = l.substring(7);
      } else if (l.startsWith("id: ")) {
        id = l.substring(4);
      } else if (l.startsWith("data: ")) {
        data = data == null ? l.substring(6) : data + "\n" + l.substring(6);
      } else if (l.startsWith("retry: ")) {
        retry = l.substring(7);
      }
    }
    return new Block(List.copyOf(lines), name, id, data, retry);
  }

  /** The next block that is not a ping; fails after 30 s (pings or not), or at the end of the stream. */
  Block next() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Block b = blocks.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (b == null) {
        throw new AssertionError("no event within 30 s");
      }
      if (b == END) {
        blocks.add(END);
        throw new AssertionError("the stream ended");
      }
      if (!b.lines().equals(List.of(": ping"))) {
        return b;
      }
    }
  }

  /** The next {@code n} blocks that are not pings. */
  List<Block> next(int n) throws Exception {
    List<Block> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      got.add(next());
    }
    return got;
  }

  /** Whether the response ended (the server finished it) within 30 s, with only pings before. */
  boolean ended() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Block b = blocks.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (b == null) {
        return false;
      }
      if (b == END) {
        blocks.add(END);
        return true;
      }
      if (!b.lines().equals(List.of(": ping"))) {
        throw new AssertionError("expected the end of the stream, got " + b.lines());
      }
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (Exception ignored) {
      // already closed
    }
    reader.interrupt();
  }
}
