package dev.transom.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/pipelines/{id}/events}: one JSON value per line ({@code \n}; a
 * {@code \r} before it and blank lines are ignored), read as it came, with no text copy of the
 * whole batch. Either every line is read, or the first bad one is named with its byte column and
 * nothing is kept. Lines go through {@link ObjectLines} first (one reused parser: most lines are
 * plain objects); a line it declines is parsed the general way, which also words the error. A body
 * whose first non-blank byte is {@code [} is one JSON array of events instead ({@link EventArray}).
 */
public final class IngestBody {
  private IngestBody() {}

  /** The first line that is not JSON: its 1-based number and byte column, and why. */
  public record Refusal(int line, int column, String message) {}

  /**
   * Either the events in order, or the refusal (and no events); {@code array}: the body was one
   * JSON array, whose bytes are no JSON lines (see {@link #jsonLines}).
   */
  public record Parsed(List<Object> events, Refusal refusal, boolean array) {
    public boolean ok() {
      return refusal == null;
    }
  }

  /** @param fast the calling thread's reader (not thread-safe) */
  public static Parsed parse(byte[] bytes, ObjectLines fast) {
    if (startsArray(bytes)) {
      return EventArray.parse(bytes);
    }
    List<Object> events = new ArrayList<>();
    int lineNo = 0;
    for (int start = 0; start <= bytes.length; ) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNo++;
      int from = start;
      start = end + 1;
      Object event = fast.read(bytes, from, end - from);
      if (event != null) {
        events.add(event);
        continue;
      }
      if (LineReader.isBlank(bytes, from, end)) {
        continue;
      }
      try {
        // The bytes themselves, never a decoded copy: decoding would turn bad UTF-8 into U+FFFD
        // and accept it, where the parser refuses it and says where.
        events.add(JsonValues.parse(bytes, from, end - from));
      } catch (JsonValues.Invalid e) {
        return new Parsed(List.of(), new Refusal(lineNo, e.column(), e.getMessage()), false);
      }
    }
    return new Parsed(events, null, false);
  }

  /**
   * The events as JSON lines: how an array body is logged, since the ingest log's batches are
   * JSON lines and a replay reads them so.
   */
  public static byte[] jsonLines(List<Object> events) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(events.size() * 64);
    for (Object e : events) {
      out.writeBytes(JsonValues.toJsonBytes(e));
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static boolean startsArray(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return c == '[';
      }
    }
    return false;
  }
}
