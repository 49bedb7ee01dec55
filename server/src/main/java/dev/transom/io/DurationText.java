package dev.transom.io;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as docs/reference.md writes them: {@code <integer><unit>} parts with units in decreasing order,
 * each at most once ({@code 1h30m}, {@code 2s500ms}), or ISO-8601 ({@code PT10S}). Never negative.
 */
public final class DurationText {
  private static final Pattern COMPACT = Pattern.compile(
      "(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?(?:(\\d+)us)?");
  private static final long[] UNIT_MICROS = {86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1_000L, 1L};

  private DurationText() {}

  /** Thrown with a one-line reason. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static long parseMicros(String text) throws Invalid {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new Invalid("expected a duration like 10s, 250ms or 1h30m, got nothing");
    }
    if (s.startsWith("-")) {
      throw new Invalid("durations cannot be negative (got " + s + ")");
    }
    if (s.startsWith("P") || s.startsWith("p")) {
      try {
        Duration d = Duration.parse(s);
        if (d.isNegative()) {
          throw new Invalid("durations cannot be negative (got " + s + ")");
        }
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new Invalid("not an ISO-8601 duration: " + s);
      }
    }
    Matcher m = COMPACT.matcher(s);
    if (!m.matches() || s.isEmpty()) {
      throw new Invalid("expected a duration like 10s, 250ms or 1h30m (units d h m s ms us, largest first), got '" + s + "'");
    }
    long total = 0;
    try {
      for (int g = 1; g <= 6; g++) {
        String part = m.group(g);
        if (part != null) {
          total = Math.addExact(total, Math.multiplyExact(Long.parseLong(part), UNIT_MICROS[g - 1]));
        }
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new Invalid("duration too large: " + s);
    }
    return total;
  }

  /** The compact form of a duration in microseconds, as written in definitions ({@code 1h30m}). */
  public static String format(long micros) {
    if (micros == 0) {
      return "0s";
    }
    String[] units = {"d", "h", "m", "s", "ms", "us"};
    StringBuilder sb = new StringBuilder();
    long rest = micros;
    for (int i = 0; i < units.length; i++) {
      long n = rest / UNIT_MICROS[i];
      if (n > 0) {
        sb.append(n).append(units[i]);
        rest -= n * UNIT_MICROS[i];
      }
    }
    return sb.toString();
  }
}
