package dev.transom.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as the definition format writes them: an integer and a unit, {@code B}, {@code KiB},
 * {@code MiB}, {@code GiB} (powers of 1024) or {@code KB}, {@code MB}, {@code GB} (powers of 1000),
 * with no space: {@code 512KiB}, {@code 4MiB}, {@code 10MB}.
 */
public final class ByteSizeText {
  /** The same shape as {@link #parse} accepts, for the JSON Schema. */
  public static final String PATTERN = "[0-9]+(B|KiB|MiB|GiB|KB|kB|MB|GB)";
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})(B|KiB|MiB|GiB|KB|kB|MB|GB)");

  private ByteSizeText() {}

  /** Thrown with a one-line reason. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static long parse(String text) throws Invalid {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new Invalid("expected a size like 512KiB, 4MiB or 10MB, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    long unit = switch (m.group(2)) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "KB", "kB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      default -> 1L;
    };
    if (n > Long.MAX_VALUE / unit) {
      throw new Invalid("too large: " + text);
    }
    return n * unit;
  }

  /** The shortest exact binary form: {@code 4MiB}, {@code 1536KiB}, {@code 1000B}. */
  public static String format(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return bytes + "B";
  }
}
