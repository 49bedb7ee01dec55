package dev.transom.state;

import dev.transom.expr.CelValues;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.WindowSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator snapshots to bytes and back, exactly: a tagged binary form that keeps every value's
 * type (an int stays an int, a double a double, a timestamp a timestamp), which JSON would not.
 */
public final class SnapshotCodec {
  private static final int FORMAT = 1;
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

  private SnapshotCodec() {}

  /** Thrown for bytes that are not a snapshot of this format (a damaged or foreign checkpoint). */
  public static final class Corrupt extends Exception {
    public Corrupt(String message) {
      super(message, null, false, false);
    }
  }

  public static byte[] encode(OperatorSnapshot s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(s.nextSeq());
      writeLongs(out, s.sharedClock());
      out.writeInt(s.keys().size());
      for (OperatorSnapshot.KeySnapshot k : s.keys()) {
        writeString(out, k.key()); // not writeUTF: keys may be longer than its 64 KiB limit
        writeLongs(out, k.clock());
        out.writeInt(k.windows().size());
        for (WindowSnapshot w : k.windows()) {
          out.writeLong(w.openMicros());
          out.writeLong(w.closeMicros());
          out.writeLong(w.count());
          writeValue(out, w.acc());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory: cannot happen
    }
    return bytes.toByteArray();
  }

  /** Decodes a snapshot, or a bucket of keys in either format (its header values are then 0 and none). */
  public static OperatorSnapshot decode(byte[] data) throws Corrupt {
    if (PartitionState.isCompact(data)) {
      return new OperatorSnapshot(0, null, new ArrayList<>(new StoredKeys(List.of(data))));
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new Corrupt("unknown snapshot format " + format);
      }
      long nextSeq = in.readLong();
      long[] shared = readLongs(in);
      int keys = in.readInt();
      List<OperatorSnapshot.KeySnapshot> out = new ArrayList<>(keys);
      for (int i = 0; i < keys; i++) {
        String key = readString(in);
        long[] clock = readLongs(in);
        int n = in.readInt();
        List<WindowSnapshot> windows = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          windows.add(new WindowSnapshot(in.readLong(), in.readLong(), in.readLong(), readValue(in)));
        }
        out.add(new OperatorSnapshot.KeySnapshot(key, clock, windows));
      }
      if (in.read() != -1) {
        throw new Corrupt("trailing bytes after the snapshot");
      }
      return new OperatorSnapshot(nextSeq, shared, out);
    } catch (IOException | RuntimeException e) {
      throw new Corrupt("damaged snapshot: " + e.getMessage());
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeLongs(DataOutputStream out, long[] v) throws IOException {
    if (v == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(v.length);
    for (long x : v) {
      out.writeLong(x);
    }
  }

  private static long[] readLongs(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readLong();
    }
    return v;
  }

  static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(JAVA_NULL);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Integer i) {
      out.writeByte(LONG);
      out.writeLong(i);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      writeString(out, s);
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? TRUE : FALSE);
    } else if (v instanceof List<?> l) {
      out.writeByte(LIST);
      out.writeInt(l.size());
      for (Object o : l) {
        writeValue(out, o);
      }
    } else if (v instanceof Map<?, ?> m) {
      out.writeByte(MAP);
      out.writeInt(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        writeValue(out, e.getKey());
        writeValue(out, e.getValue());
      }
    } else if (v instanceof Instant t) {
      out.writeByte(INSTANT);
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    } else if (v instanceof Duration d) {
      out.writeByte(DURATION);
      out.writeLong(d.getSeconds());
      out.writeInt(d.getNano());
    } else if (CelValues.isNull(v)) {
      out.writeByte(NULL);
    } else {
      throw new IllegalArgumentException("cannot store a " + v.getClass().getName());
    }
  }

  static Object readValue(DataInputStream in) throws IOException {
    byte tag = in.readByte();
    switch (tag) {
      case JAVA_NULL:
        return null;
      case NULL:
        return CelValues.NULL;
      case LONG:
        return in.readLong();
      case DOUBLE:
        return in.readDouble();
      case STRING:
        return readString(in);
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case LIST: {
        int n = in.readInt();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(readValue(in));
        }
        return l;
      }
      case MAP: {
        int n = in.readInt();
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = readValue(in);
          m.put(k, readValue(in));
        }
        return m;
      }
      case INSTANT:
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
      case DURATION:
        return Duration.ofSeconds(in.readLong(), in.readInt());
      default:
        throw new IOException("unknown value tag " + tag);
    }
  }
}
