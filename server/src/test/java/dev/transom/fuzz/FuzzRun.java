package dev.transom.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One fuzz run: a base seed (printed; {@code -Dfuzz.seed=N} replays it) and a number of cases
 * ({@code -Dfuzz.cases=N}, else the suite's own default, sized to its CI budget). Case {@code i}
 * draws everything from {@code new SplittableRandom(base + i)}, so a failing case is replayed
 * alone with {@code -Dfuzz.seed=<its seed> -Dfuzz.cases=1}. Failures are collected (the first few
 * in full) and reported together at the end, each with its seed and its input.
 */
public final class FuzzRun {
  private static final int SHOWN = 8;
  public final String suite;
  public final long base;
  public final int cases;
  private final List<String> failures = new ArrayList<>();
  /** How many failures of each kind (the words of {@code what} before its first ':'). */
  private final java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
  private int failed;
  private final StringBuilder all = new StringBuilder();

  public FuzzRun(String suite, int defaultCases) {
    this.suite = suite;
    this.base = Long.getLong("fuzz.seed", new Random().nextLong());
    this.cases = Integer.getInteger("fuzz.cases", defaultCases);
    try (java.util.stream.Stream<java.nio.file.Path> old = java.nio.file.Files.list(java.nio.file.Path.of("target", "fuzz-failures"))) {
      for (java.nio.file.Path p : old.filter(p -> p.getFileName().toString().startsWith(suite)).toList()) {
        java.nio.file.Files.delete(p); // an earlier run's
      }
    } catch (java.io.IOException e) {
      // none yet
    }
    System.out.println(suite + ": base seed " + base + ", " + cases + " cases (replay: -Dfuzz.seed=" + base
        + " -Dfuzz.cases=" + cases + ")");
  }

  public long seed(int i) {
    return base + i;
  }

  public SplittableRandom random(int i) {
    return new SplittableRandom(seed(i));
  }

  /** Records that case {@code i} broke a property: {@code what}, about {@code input}. */
  public void fail(int i, String what, String input) {
    failed++;
    int colon = what.indexOf(':');
    int paren = what.indexOf(" (");
    int end = colon < 0 ? paren : paren < 0 ? colon : Math.min(colon, paren);
    String kind = end > 0 ? what.substring(0, end) : what;
    if (failed <= 2_000) {
      all.append(seed(i)).append(": ").append(what).append('\n');
    }
    kinds.merge(kind.length() > 80 ? kind.substring(0, 80) : kind, 1, Integer::sum);
    if (failures.size() < SHOWN) {
      failures.add("case seed " + seed(i) + " (replay: -Dfuzz.seed=" + seed(i) + " -Dfuzz.cases=1): " + what
          + "\n  input: " + input);
    }
  }

  /** Also writes the input to {@code target/fuzz-failures/SUITE-SEED.bin}, byte for byte. */
  public void fail(int i, String what, byte[] input) {
    fail(i, what, show(input));
    if (failed <= SHOWN) {
      try {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "fuzz-failures");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.write(dir.resolve(suite + "-" + seed(i) + ".bin"), input);
      } catch (java.io.IOException e) {
        // the message above has the input too
      }
    }
  }

  private long slowestNanos = -1;
  private int slowest;

  /** Notes how long case {@code i} took; {@link #check} names the slowest. */
  public void timed(int i, long nanos) {
    if (nanos > slowestNanos) {
      slowestNanos = nanos;
      slowest = i;
    }
  }

  public boolean failedAny() {
    return failed > 0;
  }

  /** Fails the test if any case failed, naming the first ones. */
  public void check() {
    if (failed > 0) {
      try {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "fuzz-failures");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve(suite + ".txt"), all);
      } catch (java.io.IOException e) {
        // the assertion below names the first ones
      }
      throw new AssertionError(suite + ": " + failed + " of " + cases + " cases failed (base seed " + base + ")\n"
          + "kinds: " + kinds + "\n" + String.join("\n", failures));
    }
    System.out.println(suite + ": " + cases + " cases passed (base seed " + base + ")"
        + (slowestNanos < 0 ? "" : "; slowest: seed " + seed(slowest) + ", " + slowestNanos / 1_000_000 + " ms"));
  }

  /** An input as a Java string literal, cut to a readable length (bytes that are not UTF-8 as \xNN). */
  public static String show(byte[] b) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(b.length, 2_000);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    sb.append('"');
    if (b.length > n) {
      sb.append(" ... (").append(b.length).append(" bytes)");
    }
    return sb.toString();
  }

  /** The short form of a Throwable for a failure line: its class, message and where it was thrown. */
  public static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.toString());
    StackTraceElement[] st = t.getStackTrace();
    for (int k = 0; k < Math.min(st.length, 12); k++) {
      sb.append("\n      at ").append(st[k]);
    }
    if (t.getCause() != null && t.getCause() != t) {
      sb.append("\n    caused by ").append(t.getCause());
    }
    return sb.toString();
  }
}
