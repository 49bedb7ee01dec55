package dev.transom.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestTargetsTest {
  @Test
  void wellFormedTargetsPass() {
    assertNull(RequestTargets.problem("/api/pipelines/clicks/windows?cursor=50&limit=50"));
    assertNull(RequestTargets.problem("/api/pipelines/clicks/windows?key=caf%C3%A9%20%E2%82%AC"));
    assertNull(RequestTargets.problem("/api/pipelines/a%2Fb")); // routable: its id is then refused as an id
    assertNull(RequestTargets.problem("/api/pipelines/x?key=caf\u00c3\u00a9")); // raw bytes of é, as HTTP hands them over
  }

  @Test
  void malformedEscapesAreNamedWithWhereTheyAre() {
    assertEquals("malformed request target: '%' at character 16 is not followed by two hex digits (write a literal % as %25)",
        RequestTargets.problem("/api/pipelines/%"));
    assertTrue(RequestTargets.problem("/api/pipelines/a%zz").contains("at character 17"));
    assertTrue(RequestTargets.problem("/x?key=%f").contains("at character 8"));
  }

  @Test
  void escapesThatAreNotUtf8AreRefusedRatherThanReadAsReplacementCharacters() {
    assertEquals("malformed request target: not UTF-8 once its %-escapes are decoded (invalid UTF-8 (byte 0xff))",
        RequestTargets.problem("/api/pipelines/p/windows?key=%ff"));
    assertTrue(RequestTargets.problem("/x?key=%C0%AF").contains("byte 0xc0"));
    assertTrue(RequestTargets.problem("/x?key=%E2%82").contains("0xe2 0x82"));
    assertTrue(RequestTargets.problem("/x?key=\u00ff").contains("byte 0xff"));
  }
}
