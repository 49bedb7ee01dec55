package dev.transom.io;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps to epoch microseconds. The common shape
 * {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)} is parsed by hand (measured here: {@code Instant.parse}
 * costs ~600 ns); anything else goes through {@code java.time}. A timestamp without an offset is
 * refused: its instant would depend on the machine's zone.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  /** Thrown for text that is not an RFC 3339 timestamp with an offset. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static long parseMicros(String s) throws Invalid {
    long fast = fast(s);
    if (fast != NOT_FAST) {
      return fast;
    }
    return slow(s);
  }

  private static final long NOT_FAST = Long.MIN_VALUE;
  /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years written with exactly four digits. */
  private static final long FIRST_4_DIGIT_SECOND = -62_167_219_200L;
  private static final long LAST_4_DIGIT_SECOND = 253_402_300_799L;

  /**
   * The same text as {@link java.time.Instant#toString()} (UTC, fraction in groups of three digits
   * as needed), written directly: output records carry two instants each, and the
   * {@code java.time} formatter was a tenth of a simple pipeline's time.
   */
  public static String format(java.time.Instant instant) {
    long sec = instant.getEpochSecond();
    if (sec < FIRST_4_DIGIT_SECOND || sec > LAST_4_DIGIT_SECOND) {
      return instant.toString();
    }
    int nano = instant.getNano();
    long days = Math.floorDiv(sec, 86_400L);
    int secOfDay = (int) Math.floorMod(sec, 86_400L);
    // Days to civil date (proleptic Gregorian), after Howard Hinnant's days_from_civil inverse.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] c = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
    put(c, 0, year, 4);
    c[4] = '-';
    put(c, 5, month, 2);
    c[7] = '-';
    put(c, 8, day, 2);
    c[10] = 'T';
    put(c, 11, secOfDay / 3_600, 2);
    c[13] = ':';
    put(c, 14, secOfDay / 60 % 60, 2);
    c[16] = ':';
    put(c, 17, secOfDay % 60, 2);
    int at = 19;
    if (fraction > 0) {
      c[at++] = '.';
      put(c, at, fraction == 3 ? nano / 1_000_000 : fraction == 6 ? nano / 1_000 : nano, fraction);
      at += fraction;
    }
    c[at] = 'Z';
    return new String(c);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static long fast(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return NOT_FAST;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
        || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
      return NOT_FAST;
    }
    int i = 19;
    long micros = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      int start = i;
      long scale = 100_000;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        micros += (s.charAt(i) - '0') * scale; // digits past the sixth truncate toward the past
        scale /= 10;
        i++;
      }
      if (i == start) {
        return NOT_FAST;
      }
    }
    if (i >= n) {
      return NOT_FAST;
    }
    long offsetSeconds;
    char z = s.charAt(i);
    if ((z == 'Z' || z == 'z') && i == n - 1) {
      offsetSeconds = 0;
    } else if ((z == '+' || z == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) {
        return NOT_FAST;
      }
      offsetSeconds = (oh * 3600L + om * 60L) * (z == '-' ? -1 : 1);
    } else {
      return NOT_FAST;
    }
    long epochDay = epochDay(year, month, day);
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1_000_000L + micros;
  }

  private static long slow(String s) throws Invalid {
    String t = s.strip();
    if (t.length() > 10 && t.charAt(10) == ' ') {
      t = t.substring(0, 10) + 'T' + t.substring(11);
    }
    t = t.replace('t', 'T').replace('z', 'Z');
    try {
      OffsetDateTime odt = OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return Math.multiplyExact(odt.toEpochSecond(), 1_000_000L) + odt.getNano() / 1_000;
    } catch (DateTimeParseException e) {
      try {
        java.time.LocalDateTime.parse(t);
        throw new Invalid("timestamp without offset: '" + s + "' (add Z or +HH:MM)");
      } catch (DateTimeParseException e2) {
        throw new Invalid("not an RFC 3339 timestamp: '" + s + "'");
      }
    } catch (ArithmeticException e) {
      throw new Invalid("timestamp out of range: '" + s + "'");
    }
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm). */
  private static long epochDay(int y, int m, int d) {
    long yy = m <= 2 ? y - 1 : y;
    long era = Math.floorDiv(yy, 400);
    long yoe = yy - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
