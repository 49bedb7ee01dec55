package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reused-parser reader must agree with {@link JsonValues#parse} on every line it takes. */
class ObjectLinesTest {
  private final ObjectLines lines = new ObjectLines();

  private Object take(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return lines.read(b, 0, b.length);
  }

  @Test
  void plainObjectsAreTakenAndEverythingElseIsLeftToTheGeneralParse() throws Exception {
    List<String> taken = List.of("{\"a\":1,\"b\":\"x\",\"c\":[1,2.5,null,true],\"d\":{\"e\":{}}}",
        " {\"n\":123456789012345678901234567890, \"s\":\"\\u00e9\\n\"}\t\r", "{}", "{\"a\":1,\"a\":2}");
    for (String line : taken) {
      assertEquals(JsonValues.parse(line.strip()), take(line), line);
    }
    List<String> declined = List.of("[1,2]", "\"s\"", "12", "{\"a\":1", "{\"a\":1} {}", "{\"a\":1} 2", "{\"a\":}",
        "{\"a\":\"unclosed}", "{\"a\":[1,{\"b\":2}}", "{\"a\":" + "[".repeat(150) + "]".repeat(150) + "}", "", "  ",
        "{\"a\":1}x",
        "{\"k1\":{}", "{\"k1\":[]", "{\"k1\":{\"k2\":{}}");
    for (String line : declined) {
      assertNull(take(line), line);
      // after a declined line the next one starts clean
      assertEquals(JsonValues.parse("{\"ok\":true}"), take("{\"ok\":true}"), "after " + line);
    }
  }

  @Test
  void invalidUtf8IsLeftToTheGeneralParse() {
    byte[] line = "{\"a\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
    line[6] = (byte) 0xC3; // a lead byte followed by 'x': not UTF-8
    assertNull(lines.read(line, 0, line.length));
  }

  @Test
  void randomLinesAgreeWithTheGeneralParse() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    byte[] buf = new byte[8192];
    int taken = 0;
    for (int i = 0; i < 20_000; i++) {
      String line = corrupt(r, "{" + members(r, 0) + "}");
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      int off = r.nextInt(64); // lines sit inside a larger buffer, as a request body holds them
      System.arraycopy(b, 0, buf, off, b.length);
      Object fast = lines.read(buf, off, b.length);
      if (fast == null) {
        continue;
      }
      taken++;
      Object general;
      try {
        general = JsonValues.parse(b, 0, b.length);
      } catch (JsonValues.Invalid e) {
        throw new AssertionError("seed " + seed + ": taken but not JSON (" + e.getMessage() + "): " + line);
      }
      assertNotNull(general);
      assertEquals(general, fast, "seed " + seed + ": " + line); // Long 1 and Double 1.0 differ here
    }
    assertTrue(taken > 10_000, "seed " + seed + ": only " + taken + " of 20,000 lines taken");
  }

  private static String members(SplittableRandom r, int depth) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : r.nextBoolean() ? "," : ", ").append("\"k").append(r.nextInt(6)).append("\":")
          .append(value(r, depth + 1));
    }
    return sb.toString();
  }

  private static String value(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 3 ? 7 : 9);
    return switch (kind) {
      case 0 -> String.valueOf(r.nextInt(1000) - 500);
      case 1 -> r.nextInt(100) + "." + r.nextInt(100);
      case 2 -> "\"s" + r.nextInt(100) + (r.nextInt(5) == 0 ? "\\u00e9\\\"" : "") + "\"";
      case 3 -> r.nextBoolean() ? "true" : "false";
      case 4 -> "null";
      case 5 -> "123456789012345678901234";
      case 6 -> "1e" + r.nextInt(5);
      case 7 -> "{" + members(r, depth) + "}";
      default -> "[" + (r.nextBoolean() ? value(r, depth + 1) + "," + value(r, depth + 1) : "") + "]";
    };
  }

  private static String corrupt(SplittableRandom r, String line) {
    return switch (r.nextInt(30)) {
      case 0 -> line.substring(0, r.nextInt(line.length()));
      case 1 -> line + " 1";
      case 2 -> line.replace(":", "");
      case 3 -> "[" + line + "]";
      case 4 -> " " + line + "\t";
      case 5 -> line.replace("}", "");
      case 6 -> line + "}";
      default -> line;
    };
  }
}
