package dev.transom.e2e;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 written by hand on a socket: for what {@code java.net.http} will not send (a forged
 * {@code Host}, a request dripped a byte at a time, a body that stalls) and to see when the server
 * closes the connection.
 */
final class RawHttp implements Closeable {
  final Socket socket;
  /** {@link System#nanoTime} just after the connection was established. */
  final long openedNanos;
  private final InputStream in;
  private final OutputStream out;

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    openedNanos = System.nanoTime();
    socket.setSoTimeout(15_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** One request on a fresh connection, {@code Connection: close}; Host is 127.0.0.1:port unless given. */
  static Response exchange(int port, String method, String path, Map<String, String> headers, String body)
      throws IOException {
    try (RawHttp c = new RawHttp(port)) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", "127.0.0.1:" + port);
      h.putAll(headers);
      h.put("Connection", "close");
      c.send(request(method, path, h, body));
      return c.readResponse();
    }
  }

  static String request(String method, String path, Map<String, String> headers, String body) {
    StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (body != null) {
      sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    sb.append("\r\n");
    if (body != null) {
      sb.append(body);
    }
    return sb.toString();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The status line and headers; then the body, read by {@code Content-Length}. */
  Response readResponse() throws IOException {
    Response head = readHead();
    String length = head.header("content-length");
    byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
    return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
  }

  /** The status line and headers only (an event stream's body never ends). */
  Response readHead() throws IOException {
    String status = readLine();
    if (status == null) {
      throw new IOException("the server closed the connection without answering");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, "");
  }

  /** Some of what arrives next (blocks until something does; "" at the end of the stream). */
  String readSome() throws IOException {
    byte[] buf = new byte[4096];
    int n = in.read(buf);
    return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * Sends {@code text} one byte every {@code everyMillis} until the server closes the connection;
   * the {@link System#nanoTime} of the close, or -1 if still open once all is sent or
   * {@code maxMillis} passed. {@code sent[0]} gets the number of bytes written.
   */
  long dripUntilClosed(String text, long everyMillis, long maxMillis, int[] sent) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    long[] closedAt = {-1};
    Thread reader = new Thread(() -> {
      try {
        socket.setSoTimeout((int) maxMillis + 1_000);
        while (in.read() >= 0) {
          // a response to a dripped request is not expected; keep reading until the end
        }
      } catch (IOException e) {
        // a reset is a close too
      }
      closedAt[0] = System.nanoTime();
    });
    reader.setDaemon(true);
    reader.start();
    long start = System.nanoTime();
    for (int i = 0; i < bytes.length && reader.isAlive(); i++) {
      if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(maxMillis)) {
        break;
      }
      try {
        out.write(bytes[i]);
        out.flush();
        sent[0] = i + 1;
      } catch (IOException e) {
        break; // the server is gone: the reader sees it too
      }
      reader.join(everyMillis);
    }
    reader.join(Math.max(1, maxMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    return closedAt[0];
  }

  /** Reads (and drops) whatever comes until the server closes; the ms that took, or -1 after {@code maxMillis}. */
  long awaitClose(long maxMillis) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) maxMillis);
    try {
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (SocketTimeoutException e) {
      return -1;
    } catch (IOException e) {
      // reset: closed as well
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] b = line.toByteArray();
        int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
