package dev.transom.io;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: {@code 512MiB}, {@code 2GiB}, {@code 64kB}, {@code 1000000} (bytes). */
public final class ByteSize {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]i?[bB]|[bB])?");

  private ByteSize() {}

  /** The bytes {@code text} names, or -1 if it is not a size. Decimal units are powers of 1000, binary of 1024. */
  public static long parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      return -1;
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    double scale = switch (unit) {
      case "b" -> 1;
      case "kb" -> 1e3;
      case "kib" -> 1L << 10;
      case "mb" -> 1e6;
      case "mib" -> 1L << 20;
      case "gb" -> 1e9;
      case "gib" -> 1L << 30;
      case "tb" -> 1e12;
      case "tib" -> 1L << 40;
      default -> -1;
    };
    double bytes = n * scale;
    return scale < 0 || bytes >= Long.MAX_VALUE ? -1 : (long) bytes;
  }
}
