package dev.transom.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8: text that is not UTF-8 is refused where it goes wrong, never patched with
 * U+FFFD. A patched key would silently merge with another (two different invalid bytes both
 * become the same replacement character), and a patched definition would differ from its file.
 */
public final class Utf8 {
  private Utf8() {}

  /** Bytes that are not UTF-8: where the first bad sequence starts, and what it is. */
  public static final class Malformed extends Exception {
    private final int byteOffset;
    private final int line;
    private final int column;

    Malformed(String message, int byteOffset, int line, int column) {
      super(message, null, false, false);
      this.byteOffset = byteOffset;
      this.line = line;
      this.column = column;
    }

    /** Offset of the first bad byte from the start of the bytes given. */
    public int byteOffset() {
      return byteOffset;
    }

    /** 1-based line of the first bad byte. */
    public int line() {
      return line;
    }

    /** 1-based column of the first bad byte, counting the characters before it on its line. */
    public int column() {
      return column;
    }
  }

  /** The text of {@code bytes}, or where it stops being UTF-8. */
  public static String decode(byte[] bytes) throws Malformed {
    return decode(bytes, 0, bytes.length);
  }

  public static String decode(byte[] bytes, int off, int len) throws Malformed {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
    CharBuffer out = CharBuffer.allocate(len); // UTF-8 never decodes to more chars than bytes
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position() - off;
      int line = 1;
      int lineStart = 0;
      char[] decoded = out.array();
      for (int i = 0; i < out.position(); i++) {
        if (decoded[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int column = 1 + Character.codePointCount(decoded, lineStart, out.position() - lineStart);
      throw new Malformed("invalid UTF-8 (" + describe(bytes, off + at, r.length(), off + len) + ")", at, line, column);
    }
    return out.flip().toString();
  }

  /** What {@link #decode} would refuse in {@code bytes[off, off+len)}, or {@code null} when it is all UTF-8. */
  public static Malformed firstMalformed(byte[] bytes, int off, int len) {
    try {
      decode(bytes, off, len);
      return null;
    } catch (Malformed e) {
      return e;
    }
  }

  private static String describe(byte[] bytes, int at, int length, int end) {
    int n = Math.max(1, Math.min(length, end - at));
    StringBuilder sb = new StringBuilder(n == 1 ? "byte" : "bytes");
    for (int i = 0; i < n; i++) {
      sb.append(String.format(" 0x%02x", bytes[at + i] & 0xff));
    }
    return sb.toString();
  }
}
