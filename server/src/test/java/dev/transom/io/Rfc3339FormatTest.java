package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Rfc3339#format} must write exactly what {@link Instant#toString()} writes. */
class Rfc3339FormatTest {
  @Test
  void edgesMatchInstantToString() {
    for (Instant i : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1),
        Instant.ofEpochSecond(0, 1_000), Instant.ofEpochSecond(0, 1_000_000), Instant.ofEpochSecond(0, 999_999_999),
        Instant.parse("2024-02-29T23:59:59.5Z"), Instant.parse("2000-03-01T00:00:00Z"),
        Instant.parse("1900-02-28T12:00:00.000123Z"), Instant.parse("0000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("-0001-12-31T23:59:59Z"), Instant.MIN, Instant.MAX)) {
      assertEquals(i.toString(), Rfc3339.format(i));
    }
  }

  @Test
  void randomInstantsMatchInstantToString() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 200_000; n++) {
      long sec = r.nextLong(-70_000_000_000L, 260_000_000_000L);
      int nano = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1 -> r.nextInt(1_000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1_000;
        default -> r.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(sec, nano);
      assertEquals(i.toString(), Rfc3339.format(i), "seed " + seed);
    }
  }
}
