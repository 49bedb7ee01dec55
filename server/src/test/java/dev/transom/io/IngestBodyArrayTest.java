package dev.transom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A body that is one JSON array is a batch of its elements; what is wrong in it is located like a bad line. */
class IngestBodyArrayTest {
  private static IngestBody.Parsed parse(String body) {
    return IngestBody.parse(body.getBytes(StandardCharsets.UTF_8), new ObjectLines());
  }

  private static void assertRefused(String body, int line, int col, String says) {
    IngestBody.Parsed p = parse(body);
    assertFalse(p.ok(), body);
    assertTrue(p.events().isEmpty(), body);
    assertEquals(line, p.refusal().line(), body + ": " + p.refusal());
    assertEquals(col, p.refusal().column(), body + ": " + p.refusal());
    assertTrue(p.refusal().message().contains(says), body + ": " + p.refusal());
  }

  @Test
  void eachElementOfAnArrayIsOneEvent() throws Exception {
    IngestBody.Parsed p = parse("[{\"a\":1},{\"a\":2.5,\"b\":[1,{}]},{}]");
    assertTrue(p.ok(), String.valueOf(p.refusal()));
    assertTrue(p.array());
    assertEquals(List.of(JsonValues.parse("{\"a\":1}"), JsonValues.parse("{\"a\":2.5,\"b\":[1,{}]}"), JsonValues.parse("{}")),
        p.events());
  }

  @Test
  void aPrettyPrintedArrayWithLeadingBlankLinesIsOneBatch() throws Exception {
    IngestBody.Parsed p = parse("\n  \r\n[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n");
    assertTrue(p.ok(), String.valueOf(p.refusal()));
    assertEquals(2, p.events().size());
  }

  @Test
  void anElementThatIsNotAnObjectIsRefusedAtItsLineAndColumn() {
    assertRefused("[\n  {\"a\": 1},\n  42\n]", 3, 3, "element 2 of the array is a number, not an object");
    assertRefused("[{\"a\":1}, [{\"a\":2}]]", 1, 11, "element 2 of the array is an array");
    assertRefused("[\"x\"]", 1, 2, "is a string");
  }

  @Test
  void brokenOrTrailingJsonIsRefusedWhereItBreaks() {
    assertRefused("[\n{\"a\":1},\n{\"a\":}\n]", 3, 6, "not JSON");
    assertRefused("[{\"a\":1}]\n{\"a\":2}", 2, 1, "more JSON after the array");
    assertRefused("[{\"a\":1}", 1, 9, "not JSON");
    assertRefused("[\n{\"a\":1e999}]", 2, 6, "number out of range");
  }

  @Test
  void aLoneCarriageReturnDoesNotStartALine() {
    // Lines break at \n only; the JSON parser underneath also breaks them at a lone \r.
    assertRefused("[\r{\"a\":1},\r42]", 1, 12, "element 2 of the array is a number");
    assertRefused("[\r\n{\"a\":1},\r\n42]", 3, 1, "element 2 of the array is a number");
    assertRefused("[\r\ufeff]\r\ufeff]", 1, 3, "not JSON");
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedAtTheirByteColumn() {
    byte[] body = "[\n{\"a\":\"\u00e9x\"}]".getBytes(StandardCharsets.UTF_8);
    body[body.length - 4] = (byte) 0xff; // the x, after the two bytes of the é
    IngestBody.Parsed p = IngestBody.parse(body, new ObjectLines());
    assertFalse(p.ok());
    assertEquals(2, p.refusal().line());
    assertEquals(9, p.refusal().column(), p.refusal().toString());
    assertTrue(p.refusal().message().contains("UTF-8"), p.refusal().message());
  }

  @Test
  void anArrayIsLoggedAsTheJsonLinesAReplayReads() throws Exception {
    IngestBody.Parsed p = parse("[{\"a\":1,\"s\":\"x\\ny\"},{\"b\":null,\"c\":1.5}]");
    String lines = new String(IngestBody.jsonLines(p.events()), StandardCharsets.UTF_8);
    assertEquals(2, lines.split("\n").length, lines);
    IngestBody.Parsed again = IngestBody.parse(lines.getBytes(StandardCharsets.UTF_8), new ObjectLines());
    assertFalse(again.array());
    assertEquals(p.events(), again.events());
  }

  @Test
  void jsonLinesStayJsonLines() {
    IngestBody.Parsed p = parse("{\"a\":1}\n{\"a\":2}\n");
    assertTrue(p.ok());
    assertFalse(p.array());
    assertEquals(2, p.events().size());
  }
}
