package dev.transom.state;

import dev.transom.expr.CelValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a checkpoint stores (window accumulators): each as a tag, then its parts, so every
 * value keeps its type (an int stays an int, a double a double, a timestamp a timestamp), which
 * JSON would not. The kinds and tags are the same in both formats; how a part is written is the
 * format's ({@link Out}, {@link In}): fixed-width numbers in format 1 ({@link SnapshotCodec}),
 * varints in the compact format ({@link BlobBuffer}, {@link BlobReader}), where a double holding a
 * whole number (a sum's double part is often 0.0) also takes a varint, under a tag of its own.
 */
final class StoredValues {
  static final byte NULL = 0;
  static final byte LONG = 1;
  static final byte DOUBLE = 2;
  static final byte STRING = 3;
  static final byte TRUE = 4;
  static final byte FALSE = 5;
  static final byte LIST = 6;
  static final byte MAP = 7;
  static final byte INSTANT = 8;
  static final byte DURATION = 9;
  static final byte JAVA_NULL = 10;
  /** A double holding a whole number, as a varint (compact format only). */
  static final byte WHOLE_DOUBLE = 11;

  private StoredValues() {}

  /** How a format writes the parts of a value. */
  interface Out<E extends Exception> {
    void tag(int tag) throws E;

    void integer(long v) throws E;

    /** A double with its tag ({@link #DOUBLE}, or {@link #WHOLE_DOUBLE} where the format has it). */
    void real(double d) throws E;

    void text(String s) throws E;

    /** The number of elements of a list, or of entries of a map. */
    void count(int n) throws E;

    void time(long seconds, int nanos) throws E;
  }

  /** How a format reads them back; every read checks what it reads. */
  interface In<E extends Exception> {
    int tag() throws E;

    long integer() throws E;

    double real() throws E;

    /** A {@link #WHOLE_DOUBLE}'s value. */
    double wholeReal() throws E;

    String text() throws E;

    int count() throws E;

    long seconds() throws E;

    long nanos() throws E;

    /** What to throw for bytes that are no value. */
    E damaged(String message);
  }

  static <E extends Exception> void write(Object v, Out<E> out) throws E {
    if (v == null) {
      out.tag(JAVA_NULL);
    } else if (v instanceof Long l) {
      out.tag(LONG);
      out.integer(l);
    } else if (v instanceof Integer i) {
      out.tag(LONG);
      out.integer(i);
    } else if (v instanceof Double d) {
      out.real(d);
    } else if (v instanceof String s) {
      out.tag(STRING);
      out.text(s);
    } else if (v instanceof Boolean b) {
      out.tag(b ? TRUE : FALSE);
    } else if (v instanceof List<?> l) {
      out.tag(LIST);
      out.count(l.size());
      for (Object o : l) {
        write(o, out);
      }
    } else if (v instanceof Map<?, ?> m) {
      out.tag(MAP);
      out.count(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        write(e.getKey(), out);
        write(e.getValue(), out);
      }
    } else if (v instanceof Instant t) {
      out.tag(INSTANT);
      out.time(t.getEpochSecond(), t.getNano());
    } else if (v instanceof Duration d) {
      out.tag(DURATION);
      out.time(d.getSeconds(), d.getNano());
    } else if (CelValues.isNull(v)) {
      out.tag(NULL);
    } else {
      throw new IllegalArgumentException("cannot store a " + v.getClass().getName());
    }
  }

  static <E extends Exception> Object read(In<E> in) throws E {
    int tag = in.tag();
    switch (tag) {
      case JAVA_NULL:
        return null;
      case NULL:
        return CelValues.NULL;
      case LONG:
        return in.integer();
      case DOUBLE:
        return in.real();
      case WHOLE_DOUBLE:
        return in.wholeReal();
      case STRING:
        return in.text();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case LIST: {
        int n = in.count();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(read(in));
        }
        return l;
      }
      case MAP: {
        int n = in.count();
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = read(in);
          m.put(k, read(in));
        }
        return m;
      }
      case INSTANT:
      case DURATION:
        return time(tag == INSTANT, in);
      default:
        throw in.damaged("unknown value tag " + tag);
    }
  }

  private static <E extends Exception> Object time(boolean instant, In<E> in) throws E {
    long seconds = in.seconds();
    long nanos = in.nanos();
    try {
      return instant ? Instant.ofEpochSecond(seconds, nanos) : Duration.ofSeconds(seconds, nanos);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw in.damaged(e.getMessage());
    }
  }

  /** Passes over one value of the compact format, checking its tags and lengths, building nothing. */
  static void skip(BlobReader in) throws SnapshotCodec.Corrupt {
    int tag = in.tag();
    switch (tag) {
      case JAVA_NULL, NULL, TRUE, FALSE -> { }
      case LONG, WHOLE_DOUBLE -> in.integer();
      case DOUBLE -> in.real();
      case STRING -> in.skipString();
      case LIST -> {
        for (int i = in.count(); i > 0; i--) {
          skip(in);
        }
      }
      case MAP -> {
        for (int i = in.count(); i > 0; i--) {
          skip(in);
          skip(in);
        }
      }
      case INSTANT, DURATION -> time(tag == INSTANT, in);
      default -> throw in.damaged("unknown value tag " + tag);
    }
  }
}
