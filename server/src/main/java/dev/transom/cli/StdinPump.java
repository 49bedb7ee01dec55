package dev.transom.cli;

import dev.transom.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads standard input on its own thread, so {@code run --input -} can wake up and close windows
 * on time while the producer is quiet (an event-clock watermark advances with system time).
 */
final class StdinPump {
  /** One input line, copied out of the reader's buffer. */
  record Line(long number, byte[] bytes) {}

  private static final Line END = new Line(-1, new byte[0]);
  private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(8192);
  private volatile IOException failure;

  StdinPump(InputStream in) {
    Thread t = new Thread(() -> pump(in), "transom-stdin");
    t.setDaemon(true);
    t.start();
  }

  private void pump(InputStream in) {
    try (LineReader lines = new LineReader(in)) {
      while (lines.next()) {
        if (!lines.isBlank()) {
          byte[] copy = Arrays.copyOfRange(lines.buffer(), lines.offset(), lines.offset() + lines.length());
          queue.put(new Line(lines.lineNumber(), copy));
        }
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for lines and returns those available (possibly none);
   * {@code null} at end of input.
   */
  List<Line> take(long timeoutMillis) throws IOException, InterruptedException {
    Line first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (first == null) {
      return List.of();
    }
    List<Line> out = new ArrayList<>(64);
    out.add(first);
    queue.drainTo(out, 1023);
    if (out.get(out.size() - 1) == END) {
      out.remove(out.size() - 1);
      if (failure != null) {
        throw failure;
      }
      if (out.isEmpty()) {
        return null;
      }
      queue.put(END); // deliver the lines first, the end on the next call
    }
    return out;
  }
}
