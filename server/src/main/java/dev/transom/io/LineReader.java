package dev.transom.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines of bytes without decoding them to strings first (the JSON parser takes bytes), reusing
 * one buffer: the line returned by {@link #next()} is valid until the following call.
 */
public final class LineReader implements AutoCloseable {
  private final InputStream in;
  private byte[] buf = new byte[1 << 16];
  private int start;
  private int end;
  private boolean eof;
  private int lineStart;
  private int lineLength;
  private long lineNumber;
  private long bytesConsumed;

  public LineReader(InputStream in) {
    this.in = in;
  }

  /** Advances to the next line; false at end of input. A final line without newline counts. */
  public boolean next() throws IOException {
    while (true) {
      for (int i = start; i < end; i++) {
        if (buf[i] == '\n') {
          lineStart = start;
          lineLength = i - start;
          if (lineLength > 0 && buf[i - 1] == '\r') {
            lineLength--;
          }
          bytesConsumed += i + 1 - start;
          start = i + 1;
          lineNumber++;
          return true;
        }
      }
      if (eof) {
        if (start < end) {
          lineStart = start;
          lineLength = end - start;
          bytesConsumed += end - start;
          start = end;
          lineNumber++;
          return true;
        }
        return false;
      }
      fill();
    }
  }

  private void fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return lineStart;
  }

  public int length() {
    return lineLength;
  }

  /** 1-based number of the current line. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Bytes of input consumed through the end of the current line (a resumable position). */
  public long position() {
    return bytesConsumed;
  }

  public boolean isBlank() {
    return isBlank(buf, lineStart, lineStart + lineLength);
  }

  /** Whether {@code b[from, to)} holds only spaces, tabs and carriage returns: a blank line of JSON lines. */
  public static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
