package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryFlagTest {
  private static final long HEAP = 1L << 30;

  @Test
  void sharesSizesAndOff() throws UsageException {
    assertEquals(HEAP * 3 / 10, MemoryFlag.parse(MemoryFlag.DEFAULT, HEAP));
    assertEquals(HEAP / 2, MemoryFlag.parse("50%", HEAP));
    assertEquals(200L << 20, MemoryFlag.parse("200MiB", HEAP));
    assertEquals(0, MemoryFlag.parse("off", HEAP));
  }

  @Test
  void refusedWithTheReason() {
    assertTrue(assertThrows(UsageException.class, () -> MemoryFlag.parse("95%", HEAP)).getMessage().contains("90%"));
    assertTrue(assertThrows(UsageException.class, () -> MemoryFlag.parse("2GiB", HEAP)).getMessage().contains("-Xmx"));
    assertTrue(assertThrows(UsageException.class, () -> MemoryFlag.parse("lots", HEAP)).getMessage().contains("200MiB"));
    assertTrue(assertThrows(UsageException.class, () -> MemoryFlag.parse("10kB", HEAP)).getMessage().contains("1MiB"));
  }
}
