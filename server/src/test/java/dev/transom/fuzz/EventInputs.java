package dev.transom.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Generated event bodies (JSON lines) for the ingest parser and {@code POST .../events}: mostly
 * plausible objects with the fields example pipelines read ({@code user}, {@code n}, {@code ts},
 * ...), then mutated: bytes that are not UTF-8, BOMs, CRLF, blank and whitespace lines, control
 * characters, deep nesting, numbers beyond the doubles ({@code 1e999}), {@code -0}, duplicate
 * keys, non-objects, two values on a line, truncation at a random byte.
 */
public final class EventInputs {
  private EventInputs() {}

  static final String[] NUMBERS = {"0", "-0", "-0.0", "1", "-1", "42", "2.5", "1e3", "1E+2", "1e-7", "1e308", "1.7976931348623157e308",
      "1e309", "1e999", "-1e999", "1e-999", "4.9e-324", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "123456789012345678901234567890", "0.1e1", "00", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "-Infinity",
      "1e99999999999", "1" + "0".repeat(400), "0." + "0".repeat(400) + "1", "9".repeat(1200), "1e-400"};
  static final String[] STRINGS = {"\"a\"", "\"alice\"", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud83d\\ude00\"",
      "\"é\"", "\"\u202e\u0644\u0627\"", "\"\\n\\r\\t\"", "\"\u0001\"", "\"\t\"", "\"\\x41\"", "\"\\q\"", "\"\\u12\"", "'single'",
      "\"/home\"", "\"" + "x".repeat(300) + "\"", "\"2024-05-01T10:00:01Z\"", "\"2024-05-01T10:00:01\"",
      "\"2024-02-30T10:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"", "\"0000-01-01T00:00:00Z\"", "\"+99999-01-01T00:00:00Z\"",
      "\"2024-05-01T10:00:01+25:00\"", "\"2024-05-01T10:00:01.123456789123Z\"", "\"\u2028\"", "\"\uFEFF\""};
  static final String[] LITERALS = {"true", "false", "null", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "tru", "nul",
      "undefined"};
  static final String[] FIELDS = {"user", "n", "ts", "page", "clicks", "value", "key", "tags", "x", "action", "temp", "", "\\u0000",
      "é", "a.b", "ts ", "USER"};

  /** A body of 1 to 12 lines (sometimes many more), mutated. */
  public static byte[] body(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int lines = r.nextInt(20) == 0 ? 50 + r.nextInt(200) : 1 + r.nextInt(12);
    for (int i = 0; i < lines; i++) {
      int shape = r.nextInt(20);
      if (shape == 0) {
        sb.append(r.nextBoolean() ? "" : "  \t ");
      } else if (shape == 1) {
        sb.append(scalar(r));
      } else if (shape == 2) {
        sb.append(object(r, 0)).append(r.nextBoolean() ? " " : "").append(r.nextBoolean() ? object(r, 0) : scalar(r));
      } else if (shape == 3) {
        sb.append(deep(r));
      } else {
        sb.append(object(r, 0));
      }
      if (i < lines - 1 || r.nextBoolean()) {
        sb.append(r.nextInt(5) == 0 ? "\r\n" : "\n");
      }
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
    int mutations = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      b = mutate(r, b);
    }
    return b;
  }

  /** A batch a pipeline keyed by {@code user} or {@code page} takes whole: 1 to 20 plain events. */
  public static byte[] cleanBody(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + r.nextInt(20); i > 0; i--) {
      sb.append("{\"user\":\"u").append(r.nextInt(5)).append("\",\"page\":\"/p").append(r.nextInt(5)).append("\",\"n\":")
          .append(r.nextInt(100)).append(",\"ts\":\"2024-05-01T10:").append(two(r.nextInt(60))).append(':')
          .append(two(r.nextInt(60))).append("Z\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One plausible event object for a pipeline to read. */
  public static String event(SplittableRandom r) {
    return object(r, 0);
  }

  static String object(SplittableRandom r, int depth) {
    StringBuilder sb = new StringBuilder("{");
    int n = r.nextInt(depth == 0 ? 6 : 3);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextInt(40) == 0 ? ",," : ",");
      }
      String f = FIELDS[r.nextInt(FIELDS.length)];
      sb.append('"').append(f).append("\":");
      sb.append(r.nextInt(30) == 0 ? " " : "");
      sb.append(value(r, f, depth));
    }
    if (r.nextInt(40) == 0) {
      sb.append(",");
    }
    return sb.append(r.nextInt(60) == 0 ? "" : "}").toString();
  }

  static String value(SplittableRandom r, String field, int depth) {
    int k = r.nextInt(10);
    if (k < 5) {
      // what the field usually holds
      switch (field) {
        case "n", "clicks", "temp", "value":
          return r.nextInt(4) == 0 ? pick(r, NUMBERS) : String.valueOf(r.nextInt(1000) - 100);
        case "ts":
          return r.nextInt(3) == 0 ? String.valueOf(1_714_557_600_000L + r.nextInt(100_000_000))
              : "\"2024-05-01T10:" + two(r.nextInt(60)) + ":" + two(r.nextInt(60)) + "Z\"";
        case "tags":
          return "[\"a\",\"b\"]";
        default:
          return "\"" + (char) ('a' + r.nextInt(5)) + "\"";
      }
    }
    if (k < 7) {
      return pick(r, STRINGS);
    }
    if (k < 8) {
      return pick(r, NUMBERS);
    }
    if (k < 9 || depth > 3) {
      return pick(r, LITERALS);
    }
    return r.nextBoolean() ? object(r, depth + 1) : "[" + value(r, "x", depth + 1) + "," + value(r, "n", depth + 1) + "]";
  }

  static String scalar(SplittableRandom r) {
    switch (r.nextInt(3)) {
      case 0:
        return pick(r, NUMBERS);
      case 1:
        return pick(r, STRINGS);
      default:
        return pick(r, LITERALS);
    }
  }

  static String deep(SplittableRandom r) {
    if (r.nextInt(16) == 0) { // beyond Jackson's lengths: a name of 50,001 characters, a number of 1,001 digits
      return r.nextBoolean() ? "{\"n\":1,\"" + "k".repeat(50_001) + "\":1}" : "{\"n\":" + "7".repeat(1_001) + "}";
    }
    int d = new int[] {50, 199, 200, 201, 202, 1000}[r.nextInt(6)];
    if (r.nextBoolean()) {
      return "{\"a\":" + "[".repeat(d) + "1" + "]".repeat(r.nextInt(4) == 0 ? d / 2 : d) + "}";
    }
    return "{\"a\":".repeat(d) + "1" + "}".repeat(r.nextInt(4) == 0 ? d / 2 : d);
  }

  private static final byte[][] BAD_BYTES = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xc3},
      {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, {(byte) 0xfe, (byte) 0xff}, {0}, {1}, {0x1b}, {0x7f}, {'\r'}, {'\n'},
      {'"'}, {'\\'}, {'{'}, {'}'}, {','}, {':'}, {'['}, {']'}, {' '}, {(byte) 0xc2, (byte) 0x85}, {(byte) 0xe2, (byte) 0x80, (byte) 0xa8}};

  static byte[] mutate(SplittableRandom r, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
    switch (r.nextInt(7)) {
      case 0: // insert odd bytes
        out.write(b, 0, at);
        out.writeBytes(BAD_BYTES[r.nextInt(BAD_BYTES.length)]);
        out.write(b, at, b.length - at);
        break;
      case 1: // truncate
        out.write(b, 0, at);
        break;
      case 2: // flip a byte
        out.writeBytes(b);
        if (b.length > 0) {
          byte[] c = out.toByteArray();
          c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
          return c;
        }
        break;
      case 3: // a BOM at the start of the body or of a line
        out.write(b, 0, at);
        out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        out.write(b, at, b.length - at);
        break;
      case 4: // delete a stretch
        out.write(b, 0, at);
        int skip = Math.min(b.length - at, r.nextInt(8));
        out.write(b, at + skip, b.length - at - skip);
        break;
      case 5: // duplicate a stretch
        out.writeBytes(b);
        int len = Math.min(b.length - at, 1 + r.nextInt(20));
        out.write(b, at, len);
        break;
      default: // blank and whitespace lines
        out.write(b, 0, at);
        out.writeBytes(new String[] {"\n", "\r\n", "\n\n", " \n", "\t\r\n", "\r", "\n\r\n"}[r.nextInt(7)]
            .getBytes(StandardCharsets.US_ASCII));
        out.write(b, at, b.length - at);
    }
    return out.toByteArray();
  }

  static String pick(SplittableRandom r, String[] pool) {
    return pool[r.nextInt(pool.length)];
  }

  private static String two(int n) {
    return n < 10 ? "0" + n : String.valueOf(n);
  }
}
