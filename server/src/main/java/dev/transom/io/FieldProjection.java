package dev.transom.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads only some top-level fields of a JSON object line and skips the rest without building
 * anything: for pipelines whose key, time and value are plain fields of the event, this is most
 * of the difference between parsing an event and building it as a map.
 *
 * <p>Not thread-safe: one parser is fed line after line ({@link LineFeed}). It only ever says
 * "here are the values" for a line that {@link JsonValues#parse} would read as an object with those
 * same field values; for anything else (not an object, malformed, too deep, trailing text) it says
 * no and the caller parses the line the general way, which also reports the error.
 */
public final class FieldProjection {
  private final String[] names;
  private final LineFeed feed = new LineFeed();

  public FieldProjection(String... names) {
    this.names = names.clone();
  }

  /**
   * Fills {@code values[i]} with field {@code names[i]} of the object on {@code buf[off, off+len)},
   * {@code null} where absent (a JSON {@code null} is a value, as in {@link JsonValues}). A field
   * given twice keeps its last value, as a parsed map does. False when the line is not simply one
   * JSON object; {@code values} is then undefined.
   */
  public boolean read(byte[] buf, int off, int len, Object[] values) {
    java.util.Arrays.fill(values, null);
    try {
      JsonParser p = feed.begin(buf, off, len);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return feed.abandon();
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        int i = indexOf(p.currentName());
        t = p.nextToken();
        if (i >= 0) {
          values[i] = JsonValues.readFieldValue(p, t);
        } else {
          skip(p, t);
        }
      }
      return feed.endsLine(t, buf, off, len);
    } catch (Exception e) {
      return feed.abandon(); // malformed, too deep or otherwise unusual: the general parse says why
    }
  }

  /**
   * Passes over a value, still decoding every string in it and checking every number that might
   * not fit a double: the general parse refuses bad UTF-8 and infinite numbers anywhere in the
   * line, so this must too (Jackson's own skipping does neither).
   */
  private static void skip(JsonParser p, JsonToken t) throws java.io.IOException {
    if (!t.isStructStart()) {
      check(p, t);
      return;
    }
    int depth = 1;
    while (depth > 0) {
      JsonToken n = p.nextToken();
      if (n == null || n == JsonToken.NOT_AVAILABLE) {
        throw new java.io.EOFException("unexpected end of line");
      }
      if (n.isStructStart()) {
        depth++;
      } else if (n.isStructEnd()) {
        depth--;
      } else {
        check(p, n);
      }
    }
  }

  private static void check(JsonParser p, JsonToken t) throws java.io.IOException {
    if (t == JsonToken.VALUE_STRING) {
      p.getTextLength();
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      if (mayBeInfinite(p) && !Double.isFinite(p.getDoubleValue())) {
        throw new java.io.IOException("number out of range");
      }
    } else if (t == JsonToken.VALUE_NUMBER_INT && p.getTextLength() > 308 && !Double.isFinite(p.getDoubleValue())) {
      throw new java.io.IOException("number out of range");
    }
  }

  /**
   * Whether a skipped floating-point number might not fit a double, from its text alone (converting
   * every skipped number would cost more than the rest of the projection): a number beyond
   * 1.8e308 needs 309 or more characters, or an exponent of three digits or more at its end.
   */
  private static boolean mayBeInfinite(JsonParser p) throws java.io.IOException {
    int len = p.getTextLength();
    if (len < 5) {
      return false; // 1e309 is the shortest
    }
    if (len > 308) {
      return true;
    }
    char[] c = p.getTextCharacters();
    int i = p.getTextOffset() + len - 1;
    int digits = 0;
    while (c[i] >= '0' && c[i] <= '9') { // stops within the token: it has a '.' or an exponent
      i--;
      digits++;
    }
    if (digits < 3) {
      return false;
    }
    if (c[i] == '+' || c[i] == '-') {
      i--;
    }
    return c[i] == 'e' || c[i] == 'E';
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
