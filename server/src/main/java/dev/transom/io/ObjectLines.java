package dev.transom.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON object lines into maps, as {@link JsonValues#parse} does, with one parser for all of
 * them: the HTTP ingest path's per-line parser was most of the server's allocation per event.
 *
 * <p>Not thread-safe. {@link #read} only answers for a line that {@link JsonValues#parse} would
 * read as the same object; for anything else (not an object, malformed, too deep, trailing text)
 * it answers {@code null} and the caller parses the line the general way, which also says what is
 * wrong.
 */
public final class ObjectLines {
  private final LineFeed feed = new LineFeed();

  /** The object on {@code buf[off, off+len)}, or {@code null}: ask {@link JsonValues#parse}. */
  public Object read(byte[] buf, int off, int len) {
    try {
      JsonParser p = feed.begin(buf, off, len);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        feed.abandon();
        return null;
      }
      Map<String, Object> object = new LinkedHashMap<>();
      JsonToken t = members(p, object);
      return feed.endsLine(t, buf, off, len) ? object : null;
    } catch (Exception e) {
      feed.abandon();
      return null;
    }
  }

  /**
   * Reads an object's members into {@code into}; returns the token that ended them: END_OBJECT,
   * or NOT_AVAILABLE when the line ran out first. (JsonValues' own reader cannot tell the two
   * apart on a non-blocking parser, so structures are walked here and scalars read there.)
   */
  private static JsonToken members(JsonParser p, Map<String, Object> into) throws IOException, JsonValues.Invalid {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      into.put(name, value(p, p.nextToken()));
    }
    return t;
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException, JsonValues.Invalid {
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (members(p, m) != JsonToken.END_OBJECT) {
        throw new EOFException("the line ends inside an object");
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      JsonToken n;
      while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
        l.add(value(p, n));
      }
      return l;
    }
    if (t == null || t == JsonToken.NOT_AVAILABLE) {
      throw new EOFException("the line ends inside a value");
    }
    return JsonValues.readFieldValue(p, t); // a scalar
  }
}
