package dev.transom.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A body that is one JSON array, each element an event: what {@code JSON.stringify(events)} and
 * {@code jq -s} produce, pretty-printed or not. Its elements must be objects, since a line that is
 * not an object is no event either; a problem is located by line and byte column in the body, as a
 * bad line of JSON lines is.
 */
final class EventArray {
  private EventArray() {}

  static IngestBody.Parsed parse(byte[] bytes) {
    Utf8.Malformed bad = Utf8.firstMalformed(bytes, 0, bytes.length);
    if (bad != null) {
      // Jackson stops at bad UTF-8 too, but words it its own way and points past the bad bytes.
      int lineStart = bad.byteOffset();
      while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
        lineStart--;
      }
      return refused(bad.line(), bad.byteOffset() - lineStart + 1, bad.getMessage() + ": events must be UTF-8 text");
    }
    List<Object> events = new ArrayList<>();
    try (JsonParser p = JsonValues.parser(bytes)) {
      try {
        p.nextToken(); // the '[' the caller saw
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == null) {
            return at(bytes, p.currentLocation(), "the array is not closed (a body is one JSON array, or JSON lines)");
          }
          if (t != JsonToken.START_OBJECT) {
            return at(bytes, p.currentTokenLocation(), "element " + (events.size() + 1) + " of the array is " + what(t)
                + ", not an object: each element is one event");
          }
          events.add(JsonValues.readFieldValue(p, t));
        }
        if (p.nextToken() != null) {
          return at(bytes, p.currentTokenLocation(), "more JSON after the array: a body is one JSON array, or JSON lines");
        }
      } catch (JsonValues.Invalid e) {
        return refused(bytes, p.currentLocation().getLineNr(), e.column(), e.getMessage());
      } catch (StreamConstraintsException e) {
        JsonValues.Invalid tooLong = JsonValues.tooLong(e, p);
        return refused(bytes, p.currentTokenLocation().getLineNr(), tooLong.column(), tooLong.getMessage());
      }
    } catch (JsonParseException e) {
      JsonLocation l = e.getLocation();
      return refused(bytes, l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(),
          "not JSON: " + JsonValues.lowerFirst(JsonValues.words(e.getOriginalMessage())));
    } catch (IOException e) {
      return refused(1, 1, "not JSON: " + e.getMessage());
    }
    return new IngestBody.Parsed(events, null, true);
  }

  private static String what(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  private static IngestBody.Parsed at(byte[] bytes, JsonLocation l, String message) {
    return refused(bytes, l.getLineNr(), l.getColumnNr(), message);
  }

  /**
   * A refusal at Jackson's row and byte column, moved to the body's lines. Jackson also breaks rows
   * at a lone {@code \r}, where a body's lines break at {@code \n} only (as JSON lines do): without
   * this, a body with a lone {@code \r} would be refused at a line it does not have.
   */
  private static IngestBody.Parsed refused(byte[] bytes, long jacksonRow, long jacksonColumn, String message) {
    long row = 1;
    int rowStart = 0;
    for (int i = 0; i < bytes.length && row < jacksonRow; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
        }
        row++;
        rowStart = i + 1;
      }
    }
    int offset = (int) Math.min(bytes.length, Math.max(0, rowStart + Math.max(1, jacksonColumn) - 1));
    while (offset > rowStart && offset < bytes.length && (bytes[offset] & 0xC0) == 0x80) {
      offset--; // Jackson points into a character it has read; name its first byte
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return refused(line, offset - lineStart + 1, message);
  }

  private static IngestBody.Parsed refused(long line, long column, String message) {
    return new IngestBody.Parsed(List.of(),
        new IngestBody.Refusal((int) Math.max(1, line), (int) Math.max(1, column), message), true);
  }
}
