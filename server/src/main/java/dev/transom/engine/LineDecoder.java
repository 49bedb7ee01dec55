package dev.transom.engine;

import dev.transom.io.JsonValues;
import dev.transom.io.LineReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * JSON lines into events, the one way every input takes: a request's logged body, a file source's
 * batch, {@code run}'s input. Lines break at {@code \n}, a {@code \r} before it is dropped, blank
 * lines are skipped but counted, and a line that is not JSON is a {@link BadLine} naming its line and
 * byte column; the other lines go on.
 */
public final class LineDecoder {
  private LineDecoder() {}

  /** A line that is not JSON: where, why, and its text. */
  public record BadLine(long line, int column, String message, String text) {
    /** {@code line N:COL: why}, as every report of a bad line starts. */
    public String describe() {
      return "line " + line + ":" + column + ": " + message;
    }
  }

  /** One non-blank line: {@code buf[off, off+len)}, without its line break. */
  public interface Visitor {
    void line(byte[] buf, int off, int len, long lineNo);
  }

  /** What {@link #parse} gives for a line that is not JSON (it went to the bad-line handler). */
  public static final Object NOT_JSON = new Object();

  /** Visits each non-blank line of {@code text}, numbered from {@code firstLine}. */
  public static void forEachLine(byte[] text, long firstLine, Visitor v) {
    int start = 0;
    long lineNo = firstLine;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '\n') {
        int end = i > start && text[i - 1] == '\r' ? i - 1 : i;
        if (!LineReader.isBlank(text, start, end)) {
          v.line(text, start, end - start, lineNo);
        }
        start = i + 1;
        lineNo++;
      }
    }
  }

  /** The event on a line, or {@link #NOT_JSON} after telling {@code bad} why not. */
  public static Object parse(byte[] buf, int off, int len, long lineNo, Consumer<BadLine> bad) {
    try {
      return JsonValues.parse(buf, off, len);
    } catch (JsonValues.Invalid e) {
      bad.accept(new BadLine(lineNo, e.column(), e.getMessage(), new String(buf, off, len, StandardCharsets.UTF_8)));
      return NOT_JSON;
    }
  }

  /**
   * The events of a text of JSON lines whose numbers matter (a file's, numbered from
   * {@code firstLine}), each event keeping its line for the item errors found later.
   */
  public static NumberedEvents numberedEvents(byte[] text, long firstLine, Consumer<BadLine> bad) {
    NumberedEvents events = new NumberedEvents();
    forEachLine(text, firstLine, (buf, off, len, lineNo) -> {
      Object e = parse(buf, off, len, lineNo, bad);
      if (e != NOT_JSON) {
        events.add(e, lineNo);
      }
    });
    return events;
  }

  /** The events of a text of JSON lines, its lines numbered from {@code firstLine}. */
  public static List<Object> events(byte[] text, long firstLine, Consumer<BadLine> bad) {
    List<Object> events = new ArrayList<>();
    forEachLine(text, firstLine, (buf, off, len, lineNo) -> {
      Object e = parse(buf, off, len, lineNo, bad);
      if (e != NOT_JSON) {
        events.add(e);
      }
    });
    return events;
  }
}
