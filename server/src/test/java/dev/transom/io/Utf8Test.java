package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void theFirstBadSequenceIsLocatedByLineAndCharacterColumn() {
    byte[] text = "name: x\nkey: caf\u00e9 # \u20ac\nwindow: X\n".getBytes(StandardCharsets.UTF_8);
    int at = text.length - 2; // the X
    byte[] bad = text.clone();
    bad[at] = (byte) 0xe9; // Latin-1 é, as a file saved in the wrong encoding has it
    Utf8.Malformed e = assertThrows(Utf8.Malformed.class, () -> Utf8.decode(bad));
    assertEquals(3, e.line());
    assertEquals(9, e.column());
    assertEquals(at, e.byteOffset());
    assertEquals("invalid UTF-8 (byte 0xe9)", e.getMessage());

    byte[] second = "key: \u20ac\u00e9\u00ff".getBytes(StandardCharsets.UTF_8);
    second[second.length - 1] = (byte) 0xc3; // é's lead byte with é's lead byte after it
    second[second.length - 2] = (byte) 0xc3;
    Utf8.Malformed e2 = assertThrows(Utf8.Malformed.class, () -> Utf8.decode(second));
    assertEquals(1, e2.line());
    assertEquals(8, e2.column(), "the euro sign and é count one column each");
  }

  @Test
  void utf8DecodesAsIs() throws Utf8.Malformed {
    String s = "\u00e9\u20ac\ud83d\ude00 \r\n x";
    assertEquals(s, Utf8.decode(s.getBytes(StandardCharsets.UTF_8)));
    assertNull(Utf8.firstMalformed(s.getBytes(StandardCharsets.UTF_8), 0, 2));
    assertEquals("invalid UTF-8 (byte 0xe2)", Utf8.firstMalformed(s.getBytes(StandardCharsets.UTF_8), 0, 3).getMessage(),
        "a character cut short by the end");
  }
}
