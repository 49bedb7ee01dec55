package dev.transom.cli;

import dev.transom.engine.Shard;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A progress line on stderr, once a second, only when a person is watching a terminal. For a file
 * input it also shows how far through the file the run is (by bytes read) and an estimate of the
 * time left at the rate so far.
 */
final class RunProgress {
  private final PrintStream err;
  private final boolean enabled;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private boolean printed;
  private long totalBytes = -1;
  private final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();

  RunProgress(PrintStream err) {
    this(err, Terminal.stderrIsTerminal());
  }

  RunProgress(PrintStream err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** {@code in} (the file at {@code path}), counting the bytes read from it for the percentage. */
  InputStream counting(String path, InputStream in) {
    if (!enabled) {
      return in;
    }
    try {
      totalBytes = java.nio.file.Files.size(Path.of(path));
    } catch (IOException | RuntimeException e) {
      totalBytes = -1; // not a regular file (a pipe): no percentage
    }
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  long bytesRead() {
    return bytesRead.get();
  }

  long totalBytes() {
    return totalBytes;
  }

  void tick(Shard shard, long nowMicros) {
    var exec = shard.execution();
    if (!enabled) {
      return;
    }
    long t = System.nanoTime();
    if (t - lastNanos < 1_000_000_000L) {
      return;
    }
    lastNanos = t;
    double secs = (t - startNanos) / 1e9;
    long wm = exec.operator().pipelineWatermark(nowMicros);
    err.print("\r" + line(exec.inCount(), secs, exec.outCount(), dev.transom.windowing.Micros.format(wm),
        bytesRead.get(), totalBytes) + "   ");
    printed = true;
  }

  /** The progress line's text; {@code totalBytes} below 0 when the input's size is unknown. */
  static String line(long events, double secs, long outputs, String watermark, long bytesRead, long totalBytes) {
    StringBuilder sb = new StringBuilder();
    if (totalBytes > 0) {
      double done = Math.min(1.0, (double) bytesRead / totalBytes);
      sb.append(String.format("%3.0f%%  ", done * 100));
      if (done > 0 && secs > 0) {
        sb.append("ETA ").append(duration(secs * (1 - done) / done)).append("  ");
      }
    }
    sb.append(String.format("%,d events  %,.0f events/s  %,d outputs  watermark %s", events,
        secs > 0 ? events / secs : 0.0, outputs, watermark));
    return sb.toString();
  }

  private static String duration(double secs) {
    long s = Math.round(secs);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  void done() {
    if (printed) {
      err.println();
    }
  }
}
