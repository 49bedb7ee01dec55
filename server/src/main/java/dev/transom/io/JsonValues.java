package dev.transom.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.transom.expr.CelValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to and from the value model of {@link CelValues}: integers become {@code Long} (larger
 * ones {@code Double}), other numbers {@code Double}, {@code null} becomes {@link CelValues#NULL}.
 * A number beyond the finite doubles ({@code 1e999}) is not JSON this model can hold: refused.
 * Streaming Jackson, no data binding: one pass, no intermediate tree.
 */
public final class JsonValues {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private JsonValues() {}

  /** Not JSON, with a one-line reason and the column (1-based) where it went wrong. */
  public static final class Invalid extends Exception {
    private final int column;

    public Invalid(String message, int column) {
      super(message, null, false, false);
      this.column = column;
    }

    public int column() {
      return column;
    }
  }

  /** A parser over the whole of {@code buf}, configured as {@link #parse}'s (for a body that is one array). */
  static JsonParser parser(byte[] buf) throws IOException {
    return FACTORY.createParser(buf);
  }

  public static Object parse(String text) throws Invalid {
    byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  /** Parses exactly one JSON value from {@code buf[off, off+len)}. */
  public static Object parse(byte[] buf, int off, int len) throws Invalid {
    try (JsonParser p = FACTORY.createParser(buf, off, len)) {
      try {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new Invalid("empty line", 1);
        }
        Object v = read(p, t, 0);
        if (p.nextToken() != null) {
          throw new Invalid("more than one JSON value on the line", (int) p.currentLocation().getColumnNr());
        }
        return v;
      } catch (StreamConstraintsException e) {
        throw tooLong(e, p);
      }
    } catch (JsonParseException e) {
      throw invalid(e, buf, off, len);
    } catch (IOException e) {
      throw new Invalid("not JSON: " + e.getMessage(), 1);
    }
  }

  /** Kept out of {@link #parse} so that the line-per-call path stays small enough to inline. */
  private static Invalid invalid(JsonParseException e, byte[] buf, int off, int len) {
    int col = e.getLocation() == null ? 1 : (int) e.getLocation().getColumnNr();
    // Jackson stops at bad UTF-8 too, but words it its own way and points past the bad bytes.
    // Columns here count bytes, as Jackson's do on byte input.
    Utf8.Malformed bad = Utf8.firstMalformed(buf, off, len);
    if (bad != null && bad.byteOffset() < col) {
      return new Invalid(bad.getMessage() + ": events must be UTF-8 text", bad.byteOffset() + 1);
    }
    return new Invalid("not JSON: " + lowerFirst(words(e.getOriginalMessage())), Math.max(1, col));
  }

  /**
   * A number, string or name longer than Jackson reads (1,000 digits, 20 MB, 50,000 characters):
   * its words without the Jackson method they name, at the token before it (the field, for a value).
   */
  static Invalid tooLong(StreamConstraintsException e, JsonParser p) {
    String m = words(e.getOriginalMessage());
    int from = m.indexOf(", from `");
    if (from >= 0) {
      int close = m.indexOf("`)", from);
      m = m.substring(0, from) + (close >= 0 ? m.substring(close + 1) : ")");
    }
    return new Invalid("too long: " + lowerFirst(m), Math.max(1, (int) p.currentTokenLocation().getColumnNr()));
  }

  /**
   * Jackson's message on one line, without the copy of the input some of its messages end with
   * ({@code (for Object starting at [Source: (byte[])"..."; line: 1, column: 1])}): up to 500 bytes
   * of what the client sent, control characters and line breaks included.
   */
  static String words(String m) {
    int nl = m.indexOf('\n');
    m = nl >= 0 ? m.substring(0, nl) : m;
    int source = m.indexOf("[Source:");
    if (source >= 0) {
      int open = m.lastIndexOf(" (", source);
      m = m.substring(0, open >= 0 ? open : source).strip();
    }
    StringBuilder sb = new StringBuilder(m.length());
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return sb.toString();
  }

  private static final int MAX_DEPTH = 200;

  /** One value of a top-level object's field, exactly as {@link #parse} reads it there. */
  static Object readFieldValue(JsonParser p, JsonToken t) throws IOException, Invalid {
    return read(p, t, 1);
  }

  private static Object read(JsonParser p, JsonToken t, int depth) throws IOException, Invalid {
    if (depth > MAX_DEPTH) {
      throw new Invalid("JSON nested deeper than " + MAX_DEPTH, (int) p.currentLocation().getColumnNr());
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        String name;
        while ((name = p.nextFieldName()) != null) {
          m.put(name, read(p, p.nextToken(), depth + 1));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          l.add(read(p, n, depth + 1));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          BigInteger big = p.getBigIntegerValue();
          return finite(big.doubleValue(), p);
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return finite(p.getDoubleValue(), p);
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return CelValues.NULL;
      default:
        throw new Invalid("unexpected " + t, (int) p.currentLocation().getColumnNr());
    }
  }

  /**
   * A number too large for a double would be read as infinity, and then be summed and written out as
   * the string "Infinity": refused here instead, so no non-finite number enters a pipeline.
   */
  private static Double finite(double d, JsonParser p) throws IOException, Invalid {
    if (Double.isFinite(d)) {
      return d;
    }
    String text = p.getText();
    if (text.length() > 40) {
      text = text.substring(0, 20) + "..." + text.substring(text.length() - 10) + " (" + text.length() + " characters)";
    }
    throw new Invalid("number out of range: " + text + " is beyond the largest finite number (about 1.8e308)",
        (int) p.currentTokenLocation().getColumnNr());
  }

  public static byte[] toJsonBytes(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try {
      write(out, value);
    } catch (IOException e) {
      throw new IllegalStateException(e); // in-memory: cannot happen
    }
    return out.toByteArray();
  }

  public static String toJson(Object value) {
    return new String(toJsonBytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static void write(OutputStream out, Object value) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    }
  }

  public static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        // Nothing read or computed can be non-finite any more; only state checkpointed by an older
        // version could hold one. JSON has no such numbers.
        g.writeString(d.toString());
      }
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Instant i) {
      g.writeString(Rfc3339.format(i));
    } else if (v instanceof Duration d) {
      g.writeString(formatDuration(d));
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v == null || CelValues.isNull(v)) {
      g.writeNull();
    } else {
      g.writeString(v.toString());
    }
  }

  /** Protobuf's JSON form of a duration: seconds with a fraction, like {@code 1.5s}. */
  static String formatDuration(Duration d) {
    java.math.BigDecimal secs = java.math.BigDecimal.valueOf(d.getSeconds())
        .add(java.math.BigDecimal.valueOf(d.getNano(), 9));
    return secs.stripTrailingZeros().toPlainString() + "s";
  }

  static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
