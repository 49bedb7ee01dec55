package dev.transom.state;

import dev.transom.expr.CelValues;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.StateWriter;
import dev.transom.windowing.WindowSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact form of a bucket of keys (format 2), written straight from the operator's state
 * and about a quarter the size of {@link SnapshotCodec}'s format 1 (28 bytes against 101 for a
 * key with one window of a sum): numbers are varints, and times are stored as the difference from
 * the key or window before, which keys seen at about the same time keep small.
 *
 * <pre>
 * blob   = 0x02 key*
 * key    = length utf8 clock windows window*        (length, windows: varints)
 * clock  = 0 | n+1 delta^n                          (delta: zigzag varint, from the previous clock's)
 * window = delta(open) delta(close - open) zigzag(count) value
 * value  = tag ...                                  (as format 1; integers as zigzag varints)
 * </pre>
 *
 * Differences wrap around as longs, so every long comes back exactly.
 */
final class BucketFormat {
  /** The first byte of a format-2 blob; a format-1 blob starts with 0 (its int format number). */
  static final byte FORMAT = 2;
  private static final byte NULL = 0;
  private static final byte LONG = 1;
  private static final byte DOUBLE = 2;
  private static final byte STRING = 3;
  private static final byte TRUE = 4;
  private static final byte FALSE = 5;
  private static final byte LIST = 6;
  private static final byte MAP = 7;
  private static final byte INSTANT = 8;
  private static final byte DURATION = 9;
  private static final byte JAVA_NULL = 10;
  /** A double holding a whole number (a sum's double part is often 0.0): a varint instead of 8 bytes. */
  private static final byte WHOLE_DOUBLE = 11;

  private BucketFormat() {}

  /** The running values the deltas of one blob are taken from, reset at its start. */
  private static final class Deltas {
    long[] clock = new long[3];
    long open;
    long length;

    void reset() {
      java.util.Arrays.fill(clock, 0);
      open = 0;
      length = 0;
    }
  }

  /** Writes keys into one blob; {@link #finish} hands it over and starts the next. */
  static final class Writer implements StateWriter {
    private final BlobBuffer out = new BlobBuffer();
    private final Deltas last = new Deltas();
    private int keys;

    Writer() {
      start();
    }

    private void start() {
      out.reset();
      out.writeByte(FORMAT);
      last.reset();
      keys = 0;
    }

    int keys() {
      return keys;
    }

    int size() {
      return out.size();
    }

    byte[] finish() {
      byte[] blob = out.toArray();
      start();
      return blob;
    }

    @Override
    public void key(String key, long[] clock, int windows) {
      keys++;
      out.writeString(key);
      if (clock == null) {
        out.writeVarLong(0);
      } else {
        out.writeVarLong(clock.length + 1L);
        if (last.clock.length != clock.length) {
          last.clock = java.util.Arrays.copyOf(last.clock, clock.length); // as the reader does
        }
        for (int i = 0; i < clock.length; i++) {
          out.writeZigZag(clock[i] - last.clock[i]);
          last.clock[i] = clock[i];
        }
      }
      out.writeVarLong(windows);
    }

    @Override
    public void window(long openMicros, long closeMicros, long count, Object acc) {
      long length = closeMicros - openMicros;
      out.writeZigZag(openMicros - last.open);
      out.writeZigZag(length - last.length);
      out.writeZigZag(count);
      last.open = openMicros;
      last.length = length;
      writeValue(out, acc);
    }
  }

  static void writeValue(BlobBuffer out, Object v) {
    if (v == null) {
      out.writeByte(JAVA_NULL);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeZigZag(l);
    } else if (v instanceof Integer i) {
      out.writeByte(LONG);
      out.writeZigZag(i);
    } else if (v instanceof Double d) {
      writeDouble(out, d);
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      out.writeString(s);
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? TRUE : FALSE);
    } else if (v instanceof List<?> l) {
      out.writeByte(LIST);
      out.writeVarLong(l.size());
      for (Object o : l) {
        writeValue(out, o);
      }
    } else if (v instanceof Map<?, ?> m) {
      out.writeByte(MAP);
      out.writeVarLong(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        writeValue(out, e.getKey());
        writeValue(out, e.getValue());
      }
    } else if (v instanceof Instant t) {
      out.writeByte(INSTANT);
      out.writeZigZag(t.getEpochSecond());
      out.writeVarLong(t.getNano());
    } else if (v instanceof Duration d) {
      out.writeByte(DURATION);
      out.writeZigZag(d.getSeconds());
      out.writeVarLong(d.getNano());
    } else if (CelValues.isNull(v)) {
      out.writeByte(NULL);
    } else {
      throw new IllegalArgumentException("cannot store a " + v.getClass().getName());
    }
  }

  private static void writeDouble(BlobBuffer out, double d) {
    long whole = (long) d;
    // -0.0 and doubles beyond the longs are not whole numbers here: they keep their 8 bytes.
    if (whole == d && Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits(-0.0) && whole != Long.MAX_VALUE
        && whole != Long.MIN_VALUE) {
      out.writeByte(WHOLE_DOUBLE);
      out.writeZigZag(whole);
    } else {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    }
  }

  /**
   * Reads the keys of a blob in order. {@link #next} decodes one key's state; {@link #skip} passes
   * over it checking every byte, building nothing but its key.
   */
  static final class Reader {
    private final BlobReader in;
    private final Deltas last = new Deltas();

    Reader(byte[] blob) throws SnapshotCodec.Corrupt {
      this.in = new BlobReader(blob, 0);
      if (in.readByte() != FORMAT) {
        throw new SnapshotCodec.Corrupt("unknown bucket format");
      }
    }

    boolean hasNext() {
      return !in.atEnd();
    }

    /** The next key's state; {@code key}, when given, is its name read before (the bytes are skipped). */
    OperatorSnapshot.KeySnapshot next(String key) throws SnapshotCodec.Corrupt {
      String k = name(key);
      long[] clock = readClock();
      int n = in.readCount();
      List<WindowSnapshot> windows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long open = last.open + in.readZigZag();
        long length = last.length + in.readZigZag();
        long count = in.readZigZag();
        last.open = open;
        last.length = length;
        windows.add(new WindowSnapshot(open, open + length, count, readValue(in)));
      }
      return new OperatorSnapshot.KeySnapshot(k, clock == null ? null : clock.clone(), windows);
    }

    /** {@link #next}, handed to {@code out} value by value instead of built. */
    void writeNext(String key, StateWriter out) throws SnapshotCodec.Corrupt {
      String k = name(key);
      long[] clock = readClock();
      int n = in.readCount();
      out.key(k, clock, n);
      for (int i = 0; i < n; i++) {
        long open = last.open + in.readZigZag();
        long length = last.length + in.readZigZag();
        long count = in.readZigZag();
        last.open = open;
        last.length = length;
        out.window(open, open + length, count, readValue(in));
      }
    }

    private String name(String known) throws SnapshotCodec.Corrupt {
      if (known == null) {
        return in.readString();
      }
      in.skipString();
      return known;
    }

    /** Reads the next key's name and checks the rest of it, building nothing else. */
    String skip() throws SnapshotCodec.Corrupt {
      String k = in.readString();
      readClock();
      int n = in.readCount();
      for (int i = 0; i < n; i++) {
        last.open += in.readZigZag();
        last.length += in.readZigZag();
        in.readZigZag();
        skipValue(in);
      }
      return k;
    }

    /** The next clock, in the array of the previous one ({@code last.clock}); {@code null} for none. */
    private long[] readClock() throws SnapshotCodec.Corrupt {
      int n = in.readCount() - 1;
      if (n < 0) {
        return null;
      }
      if (last.clock.length != n) {
        last.clock = java.util.Arrays.copyOf(last.clock, n);
      }
      for (int i = 0; i < n; i++) {
        last.clock[i] += in.readZigZag();
      }
      return last.clock;
    }
  }

  static Object readValue(BlobReader in) throws SnapshotCodec.Corrupt {
    int tag = in.readByte();
    switch (tag) {
      case JAVA_NULL:
        return null;
      case NULL:
        return CelValues.NULL;
      case LONG:
        return in.readZigZag();
      case DOUBLE:
        return in.readDouble();
      case WHOLE_DOUBLE:
        return (double) in.readZigZag();
      case STRING:
        return in.readString();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case LIST: {
        int n = in.readCount();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(readValue(in));
        }
        return l;
      }
      case MAP: {
        int n = in.readCount();
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = readValue(in);
          m.put(k, readValue(in));
        }
        return m;
      }
      case INSTANT:
        return time(true, in.readZigZag(), in.readVarLong());
      case DURATION:
        return time(false, in.readZigZag(), in.readVarLong());
      default:
        throw new SnapshotCodec.Corrupt("damaged snapshot: unknown value tag " + tag);
    }
  }

  private static Object time(boolean instant, long seconds, long nanos) throws SnapshotCodec.Corrupt {
    try {
      return instant ? Instant.ofEpochSecond(seconds, nanos) : Duration.ofSeconds(seconds, nanos);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new SnapshotCodec.Corrupt("damaged snapshot: " + e.getMessage());
    }
  }

  /** Passes over one value, checking its tags and lengths. */
  private static void skipValue(BlobReader in) throws SnapshotCodec.Corrupt {
    int tag = in.readByte();
    switch (tag) {
      case JAVA_NULL, NULL, TRUE, FALSE -> { }
      case LONG, WHOLE_DOUBLE -> in.readZigZag();
      case DOUBLE -> in.readDouble();
      case STRING -> in.skipString();
      case LIST -> {
        for (int i = in.readCount(); i > 0; i--) {
          skipValue(in);
        }
      }
      case MAP -> {
        for (int i = in.readCount(); i > 0; i--) {
          skipValue(in);
          skipValue(in);
        }
      }
      case INSTANT, DURATION -> time(tag == INSTANT, in.readZigZag(), in.readVarLong());
      default -> throw new SnapshotCodec.Corrupt("damaged snapshot: unknown value tag " + tag);
    }
  }
}
