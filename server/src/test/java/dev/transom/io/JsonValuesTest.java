package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
  }

  @Test
  void largeAndTinyFiniteNumbersAreKept() throws Exception {
    assertEquals(Map.of("v", 1.7976931348623157e308), JsonValues.parse("{\"v\":1.7976931348623157e308}"));
    assertEquals(Map.of("v", 0.0), JsonValues.parse("{\"v\":1e-999}")); // underflow is the nearest double
    assertEquals(Map.of("v", 1e30), JsonValues.parse("{\"v\":1000000000000000000000000000000}"));
    assertEquals(Map.of("v", Long.MIN_VALUE), JsonValues.parse("{\"v\":-9223372036854775808}"));
  }
}
