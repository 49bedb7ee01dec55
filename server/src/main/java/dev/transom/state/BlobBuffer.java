package dev.transom.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array for writing checkpoint blobs: varints (7 bits a byte, LEB128), zigzag
 * varints for signed numbers, raw 8-byte doubles, UTF-8 strings; and values as the compact format
 * writes them ({@link StoredValues.Out}). Reused from blob to blob.
 */
final class BlobBuffer implements StoredValues.Out<RuntimeException> {
  private byte[] bytes = new byte[4096];
  private int size;

  void reset() {
    size = 0;
  }

  int size() {
    return size;
  }

  byte[] toArray() {
    return Arrays.copyOf(bytes, size);
  }

  void writeByte(int b) {
    if (size == bytes.length) {
      grow(1);
    }
    bytes[size++] = (byte) b;
  }

  /** Unsigned varint: {@code v} read as an unsigned number, at most 10 bytes. */
  void writeVarLong(long v) {
    if (bytes.length - size < 10) {
      grow(10);
    }
    while ((v & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  /** Signed varint: small magnitudes, positive or negative, take few bytes. */
  void writeZigZag(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  void writeDouble(double d) {
    long bits = Double.doubleToRawLongBits(d);
    if (bytes.length - size < 8) {
      grow(8);
    }
    for (int i = 0; i < 8; i++) {
      bytes[size++] = (byte) (bits >>> (56 - 8 * i));
    }
  }

  void write(byte[] b) {
    if (bytes.length - size < b.length) {
      grow(b.length);
    }
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
  }

  /** A string as its UTF-8 length and bytes; an ASCII string is copied char by char, without a temporary array. */
  void writeString(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (!ascii) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      writeVarLong(utf8.length);
      write(utf8);
      return;
    }
    writeVarLong(n);
    if (bytes.length - size < n) {
      grow(n);
    }
    for (int i = 0; i < n; i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
  }

  private void grow(int atLeast) {
    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + atLeast));
  }

  @Override
  public void tag(int tag) {
    writeByte(tag);
  }

  @Override
  public void integer(long v) {
    writeZigZag(v);
  }

  /** A double holding a whole number as a varint; -0.0 and doubles beyond the longs keep their 8 bytes. */
  @Override
  public void real(double d) {
    long whole = (long) d;
    if (whole == d && Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits(-0.0) && whole != Long.MAX_VALUE
        && whole != Long.MIN_VALUE) {
      writeByte(StoredValues.WHOLE_DOUBLE);
      writeZigZag(whole);
    } else {
      writeByte(StoredValues.DOUBLE);
      writeDouble(d);
    }
  }

  @Override
  public void text(String s) {
    writeString(s);
  }

  @Override
  public void count(int n) {
    writeVarLong(n);
  }

  @Override
  public void time(long seconds, int nanos) {
    writeZigZag(seconds);
    writeVarLong(nanos);
  }
}
