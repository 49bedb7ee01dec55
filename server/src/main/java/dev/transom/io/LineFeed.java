package dev.transom.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;

/**
 * One non-blocking Jackson parser fed line after line, so reading a line allocates no parser,
 * buffers or name table. Creating a parser per line costs more than parsing a short line; this is
 * the shared part of the fast readers ({@link FieldProjection}, {@link ObjectLines}), which each
 * take only lines that are simply one JSON object and leave the rest to {@link JsonValues#parse}.
 *
 * <p>Not thread-safe.
 */
final class LineFeed {
  /** Well under {@link JsonValues}' own depth limit, so a line it rejects is never taken here. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build())
      .build();

  private static final int LINES_PER_PARSER = 100_000;
  private JsonParser parser;
  private int linesOnParser;
  /** Bytes given to {@link #parser} before the current line: its offsets count from its first line. */
  private long fedBefore;

  /** The parser, given {@code buf[off, off+len)} as its next input. */
  JsonParser begin(byte[] buf, int off, int len) throws java.io.IOException {
    if (parser == null || ++linesOnParser > LINES_PER_PARSER) {
      // A fresh one now and then keeps its table of field names from growing without bound.
      parser = FACTORY.createNonBlockingByteArrayParser();
      linesOnParser = 0;
      fedBefore = 0;
    }
    ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(buf, off, off + len);
    return parser;
  }

  /**
   * After the line's object was read, {@code last} being the last token the parser returned: true
   * when that closed the object and nothing but blanks follows on the line. (The parser's
   * {@code currentToken()} would not do: running out of input does not change it.) Asking the
   * parser about the rest is not enough either: a trailing number or unclosed string is "not
   * available yet" to it, not an error.
   */
  boolean endsLine(JsonToken last, byte[] buf, int off, int len) throws java.io.IOException {
    JsonParser p = parser;
    if (last != JsonToken.END_OBJECT) {
      return abandon();
    }
    int end = off + len;
    // Where the parser stopped, just past the '}': not the token's own location, which for an
    // empty object {} points one byte past its '}' and so skipped the byte after it ("{}1" was taken).
    for (int i = (int) (p.currentLocation().getByteOffset() - fedBefore) + off; i < end; i++) {
      byte c = buf[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return abandon();
      }
    }
    if (p.nextToken() != JsonToken.NOT_AVAILABLE) {
      return abandon();
    }
    fedBefore += len;
    return true;
  }

  /** The parser may be mid-value: the next line starts on a fresh one. Always false. */
  boolean abandon() {
    parser = null;
    return false;
  }
}
