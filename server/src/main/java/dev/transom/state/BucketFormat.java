package dev.transom.state;

import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.StateWriter;
import dev.transom.windowing.WindowSnapshot;
import java.util.ArrayList;
import java.util.List;

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
 * value  = tag ...                                  (StoredValues)
 * </pre>
 *
 * Differences wrap around as longs, so every long comes back exactly.
 */
final class BucketFormat {
  /** The first byte of a format-2 blob; a format-1 blob starts with 0 (its int format number). */
  static final byte FORMAT = 2;
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
      StoredValues.write(acc, out);
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
        windows.add(new WindowSnapshot(open, open + length, count, StoredValues.read(in)));
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
        out.window(open, open + length, count, StoredValues.read(in));
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
        StoredValues.skip(in);
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

}
