package dev.transom.state;

import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.WindowSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator snapshots to bytes and back, exactly, in format 1: fixed-width numbers and the values of
 * {@link StoredValues}, which keep their types. A checkpoint's header is written so; its buckets
 * are written in the compact format ({@link BucketFormat}), and buckets of either are read.
 */
public final class SnapshotCodec {
  private static final int FORMAT = 1;

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
      StoredValues.Out<IOException> values = parts(out);
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
          StoredValues.write(w.acc(), values);
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
      StoredValues.In<IOException> values = parts(in);
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
          windows.add(new WindowSnapshot(in.readLong(), in.readLong(), in.readLong(), StoredValues.read(values)));
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

  /** Format 1's parts of a value: fixed-width numbers, int-length strings. */
  private static StoredValues.Out<IOException> parts(DataOutputStream out) {
    return new StoredValues.Out<>() {
      @Override
      public void tag(int tag) throws IOException {
        out.writeByte(tag);
      }

      @Override
      public void integer(long v) throws IOException {
        out.writeLong(v);
      }

      @Override
      public void real(double d) throws IOException {
        out.writeByte(StoredValues.DOUBLE);
        out.writeDouble(d);
      }

      @Override
      public void text(String s) throws IOException {
        writeString(out, s);
      }

      @Override
      public void count(int n) throws IOException {
        out.writeInt(n);
      }

      @Override
      public void time(long seconds, int nanos) throws IOException {
        out.writeLong(seconds);
        out.writeInt(nanos);
      }
    };
  }

  private static StoredValues.In<IOException> parts(DataInputStream in) {
    return new StoredValues.In<>() {
      @Override
      public int tag() throws IOException {
        return in.readByte();
      }

      @Override
      public long integer() throws IOException {
        return in.readLong();
      }

      @Override
      public double real() throws IOException {
        return in.readDouble();
      }

      @Override
      public double wholeReal() throws IOException {
        throw damaged("unknown value tag " + StoredValues.WHOLE_DOUBLE);
      }

      @Override
      public String text() throws IOException {
        return readString(in);
      }

      @Override
      public int count() throws IOException {
        return in.readInt();
      }

      @Override
      public long seconds() throws IOException {
        return in.readLong();
      }

      @Override
      public long nanos() throws IOException {
        return in.readInt();
      }

      @Override
      public IOException damaged(String message) {
        return new IOException(message);
      }
    };
  }
}
