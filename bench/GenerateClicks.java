import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The standard benchmark workload: N click events as JSON lines, 10k users, timestamps mostly in
 * order (100,000 events per second of event time, so about 10 per user per second) with bounded disorder (up to 2 s back).
 * Deterministic for a given seed.
 *
 * <p>Run: {@code java bench/GenerateClicks.java N [SEED] > clicks.jsonl}
 */
public final class GenerateClicks {
  public static void main(String[] args) throws IOException {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
    int users = 10_000;
    SplittableRandom random = new SplittableRandom(seed);
    long startMillis = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    OutputStream out = new BufferedOutputStream(System.out, 1 << 20);
    StringBuilder sb = new StringBuilder(128);
    for (long i = 0; i < n; i++) {
      long ts = startMillis + i / 100 - (random.nextInt(10) == 0 ? random.nextInt(2_000) : 0);
      sb.setLength(0);
      sb.append("{\"user\":\"u").append(random.nextInt(users)).append("\",\"clicks\":").append(1 + random.nextInt(5))
          .append(",\"page\":\"/p/").append(random.nextInt(100)).append("\",\"ts\":\"")
          .append(Instant.ofEpochMilli(ts)).append("\"}\n");
      out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }
}
