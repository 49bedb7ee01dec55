package dev.transom.state;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link BlobBuffer} wrote, from {@code [position, end)} of an array. Every read checks
 * its bounds: a damaged blob is reported as {@link SnapshotCodec.Corrupt}, never misread past its end.
 */
final class BlobReader implements StoredValues.In<SnapshotCodec.Corrupt> {
  private final byte[] bytes;
  private final int end;
  private int position;

  BlobReader(byte[] bytes, int position) {
    this.bytes = bytes;
    this.position = position;
    this.end = bytes.length;
  }

  boolean atEnd() {
    return position >= end;
  }

  int readByte() throws SnapshotCodec.Corrupt {
    if (position >= end) {
      throw new SnapshotCodec.Corrupt("damaged snapshot: it ends too early");
    }
    return bytes[position++];
  }

  long readVarLong() throws SnapshotCodec.Corrupt {
    int p = position;
    if (end - p >= 10) { // every byte it can take is there: no check per byte
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = bytes[p++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          position = p;
          return v;
        }
      }
      throw new SnapshotCodec.Corrupt("damaged snapshot: a number longer than 10 bytes");
    }
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new SnapshotCodec.Corrupt("damaged snapshot: a number longer than 10 bytes");
  }

  long readZigZag() throws SnapshotCodec.Corrupt {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  /** A count or length: at most the bytes left, since every element takes at least one. */
  int readCount() throws SnapshotCodec.Corrupt {
    long n = readVarLong();
    if (n < 0 || n > end - position) {
      throw new SnapshotCodec.Corrupt("damaged snapshot: bad length " + n);
    }
    return (int) n;
  }

  double readDouble() throws SnapshotCodec.Corrupt {
    if (end - position < 8) {
      throw new SnapshotCodec.Corrupt("damaged snapshot: it ends too early");
    }
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = bits << 8 | (bytes[position++] & 0xFF);
    }
    return Double.longBitsToDouble(bits);
  }

  byte[] readBytes(int n) throws SnapshotCodec.Corrupt {
    if (n > end - position) {
      throw new SnapshotCodec.Corrupt("damaged snapshot: it ends too early");
    }
    byte[] b = java.util.Arrays.copyOfRange(bytes, position, position + n);
    position += n;
    return b;
  }

  String readString() throws SnapshotCodec.Corrupt {
    int n = readCount();
    String s = new String(bytes, position, n, StandardCharsets.UTF_8);
    position += n;
    return s;
  }

  /** Passes over a string, for a reader that has it already. */
  void skipString() throws SnapshotCodec.Corrupt {
    int n = readCount(); // before the addition: "position += readCount()" would add to the position before the count
    position += n;
  }

  @Override
  public int tag() throws SnapshotCodec.Corrupt {
    return readByte();
  }

  @Override
  public long integer() throws SnapshotCodec.Corrupt {
    return readZigZag();
  }

  @Override
  public double real() throws SnapshotCodec.Corrupt {
    return readDouble();
  }

  @Override
  public double wholeReal() throws SnapshotCodec.Corrupt {
    return readZigZag();
  }

  @Override
  public String text() throws SnapshotCodec.Corrupt {
    return readString();
  }

  @Override
  public int count() throws SnapshotCodec.Corrupt {
    return readCount();
  }

  @Override
  public long seconds() throws SnapshotCodec.Corrupt {
    return readZigZag();
  }

  @Override
  public long nanos() throws SnapshotCodec.Corrupt {
    return readVarLong();
  }

  @Override
  public SnapshotCodec.Corrupt damaged(String message) {
    return new SnapshotCodec.Corrupt("damaged snapshot: " + message);
  }
}
