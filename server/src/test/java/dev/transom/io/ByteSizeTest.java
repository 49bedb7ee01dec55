package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void binaryAndDecimalUnits() {
    assertEquals(512L << 20, ByteSize.parse("512MiB"));
    assertEquals(2L << 30, ByteSize.parse("2 GiB"));
    assertEquals(64_000, ByteSize.parse("64kB"));
    assertEquals(1_500_000, ByteSize.parse("1.5MB"));
    assertEquals(1000, ByteSize.parse("1000"));
    assertEquals(7, ByteSize.parse("7b"));
  }

  @Test
  void notSizes() {
    for (String s : new String[] {"", "MiB", "-1MiB", "12 apples", "1e9", "99999999999TiB", "1,5MB"}) {
      assertEquals(-1, ByteSize.parse(s), s);
    }
  }
}
