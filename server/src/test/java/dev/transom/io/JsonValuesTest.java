package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the JSON reader refuses, where it says the problem is, and that the fast readers agree. */
class JsonValuesTest {
  private static JsonValues.Invalid refused(String line) {
    JsonValues.Invalid e = assertThrows(JsonValues.Invalid.class, () -> JsonValues.parse(line), line);
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    assertNull(new ObjectLines().read(b, 0, b.length), "the reused parser took " + line);
    assertFalse(new FieldProjection("v").read(b, 0, b.length, new Object[1]), "the projection took " + line);
    return e;
  }

  @Test
  void numbersBeyondTheFiniteDoublesAreRefusedWhereTheyStart() {
    JsonValues.Invalid e = refused("{\"k\":\"a\",\"v\":1e999}");
    assertEquals("number out of range: 1e999 is beyond the largest finite number (about 1.8e308)", e.getMessage());
    assertEquals(14, e.column());
    assertEquals(20, refused("{\"k\":\"a\",\"nested\":[-1.5e400]}").column());
    refused("{\"v\":-1E+309}");
    // an integer too long for 64 bits becomes a double, and past 1.8e308 digits it is no number at all
    JsonValues.Invalid big = refused("{\"v\":" + "9".repeat(400) + "}");
    assertTrue(big.getMessage().startsWith("number out of range: 99999999999999999999..."), big.getMessage());
    assertTrue(big.getMessage().contains("(400 characters)"), big.getMessage());
    refused("{\"k\":\"a\",\"ignored\":{\"deep\":[1e999]},\"v\":1}"); // in a field nobody reads, too
    refused("{\"skipped\":1.5E+400,\"v\":1}");
    refused("{\"skipped\":[-12e0309],\"v\":1}");
    refused("{\"skipped\":" + "9".repeat(309) + ",\"v\":1}");
    // skipped numbers that only look large are taken, as the general parse takes them
    for (String n : List.of("1e308", "-1.7976931348623157e308", "2e-999", "1e30", "123.456", "1" + "0".repeat(300))) {
      byte[] b = ("{\"skipped\":" + n + ",\"v\":1}").getBytes(StandardCharsets.UTF_8);
      assertTrue(new FieldProjection("v").read(b, 0, b.length, new Object[1]), n);
    }
  }

  @Test
  void largeAndTinyFiniteNumbersAreKept() throws Exception {
    assertEquals(Map.of("v", 1.7976931348623157e308), JsonValues.parse("{\"v\":1.7976931348623157e308}"));
    assertEquals(Map.of("v", 0.0), JsonValues.parse("{\"v\":1e-999}")); // underflow is the nearest double
    assertEquals(Map.of("v", 1e30), JsonValues.parse("{\"v\":1000000000000000000000000000000}"));
    assertEquals(Map.of("v", Long.MIN_VALUE), JsonValues.parse("{\"v\":-9223372036854775808}"));
  }

  private static JsonValues.Invalid refused(byte[] b) {
    JsonValues.Invalid e = assertThrows(JsonValues.Invalid.class, () -> JsonValues.parse(b, 0, b.length));
    assertNull(new ObjectLines().read(b, 0, b.length), "the reused parser took it");
    assertFalse(new FieldProjection("v").read(b, 0, b.length, new Object[1]), "the projection took it");
    return e;
  }

  /** {@code {"k":"a<bad>"}}: the bad bytes start at byte 8 (column 8). */
  private static byte[] keyWith(int... bad) {
    byte[] head = "{\"k\":\"a".getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[head.length + bad.length + 2];
    System.arraycopy(head, 0, line, 0, head.length);
    for (int i = 0; i < bad.length; i++) {
      line[head.length + i] = (byte) bad[i];
    }
    line[line.length - 2] = '"';
    line[line.length - 1] = '}';
    return line;
  }

  @Test
  void badUtf8IsRefusedAtTheByteWhereItStarts() {
    Object[][] cases = {
        {new int[] {0xff}, "byte 0xff"}, // never in UTF-8
        {new int[] {0x80}, "byte 0x80"}, // a continuation byte with nothing before it
        {new int[] {0xc3}, "byte 0xc3"}, // a lead byte cut short (by the closing quote)
        {new int[] {0xc0, 0xaf}, "byte 0xc0"}, // '/' in two bytes: overlong, one key smuggled in as another
        {new int[] {0xe0, 0x80, 0xaf}, "byte 0xe0"}, // overlong in three
        {new int[] {0xed, 0xa0, 0x80}, "bytes 0xed 0xa0 0x80"}, // a UTF-16 surrogate
        {new int[] {0xf4, 0x90, 0x80, 0x80}, "byte 0xf4"}, // past U+10FFFF
    };
    for (Object[] c : cases) {
      JsonValues.Invalid e = refused(keyWith((int[]) c[0]));
      assertEquals("invalid UTF-8 (" + c[1] + "): events must be UTF-8 text", e.getMessage());
      assertEquals(8, e.column(), e.getMessage());
    }
    // in a field name, past multi-byte characters: the column counts bytes
    byte[] name = "{\"caf\u00e9\":1,\"x\u00ff\":2}".getBytes(StandardCharsets.UTF_8);
    name[14] = (byte) 0xfe; // the second byte of ÿ: the bad sequence starts at its first, byte 14
    assertEquals(14, refused(name).column());
    // a syntax error before the bad byte is the one reported
    assertTrue(refused(new byte[] {'{', '"', 'k', '"', '}', (byte) 0xff}).getMessage().startsWith("not JSON"));
  }

  @Test
  void validMultiByteTextIsKeptAsIs() throws Exception {
    String line = "{\"k\":\"\u00e9\u20ac\ud83d\ude00\"}";
    assertEquals(Map.of("k", "\u00e9\u20ac\ud83d\ude00"), JsonValues.parse(line));
  }

  /**
   * Found by IngestBodyFuzzTest: Jackson ends some messages with a copy of up to 500 bytes of the
   * line ("(for Object starting at [Source: (byte[])"..."; line: 1, column: 1])"), with a CRLF
   * line's carriage return in it, and words its length limits with the Jackson method that sets them.
   */
  @Test
  void messagesLeaveOutTheLineJacksonQuotesAndTheMethodsItNames() {
    JsonValues.Invalid e = refused("{\t\r"); // a CRLF line of a fuzzed body
    assertEquals("not JSON: unexpected end-of-input: expected close marker for Object", e.getMessage());
    e = refused("{\"a\":[[[1]]}");
    assertEquals("not JSON: unexpected close marker '}': expected ']'", e.getMessage());
    assertEquals(12, e.column());

    e = assertThrows(JsonValues.Invalid.class, () -> JsonValues.parse("{\"b\":2, \"a\":" + "9".repeat(1200) + "}"));
    assertEquals("too long: number value length (1200) exceeds the maximum allowed (1000)", e.getMessage());
    assertEquals(9, e.column(), "at the field whose value it is");
    e = assertThrows(JsonValues.Invalid.class, () -> JsonValues.parse("{\"b\":2,\"" + "k".repeat(60_000) + "\":1}"));
    assertEquals("too long: name length (60000) exceeds the maximum allowed (50000)", e.getMessage());
  }

  /**
   * Found by IngestBodyFuzzTest: both fast readers took an empty object with a number or a quote
   * right after it as the object alone (the HTTP ingest accepted "{}1" as {}), where the general
   * parse refuses the line: Jackson places an empty object's end one byte past its '}'.
   */
  @Test
  void anEmptyObjectWithTextRightAfterItIsRefusedByEveryReader() {
    for (String line : List.of("{}1", "{}\"", " {}1", "{ }1", "{}-", "{}\"x\"")) {
      refused(line);
    }
    assertEquals(Map.of(), new ObjectLines().read(bytes("{} \t\r"), 0, 5), "blanks after {} are still fine");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
