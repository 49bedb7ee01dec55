package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DefinitionLoaderTest {
  private static final String VALID = """
      name: clicks
      source: {kind: http}
      key: event.user
      value: event.clicks
      clock:
        kind: event
        timestamp: event.ts
        wait: 1h30m
      window:
        kind: sliding
        length: 10s
        offset: 2s500ms
        align_to: 2024-01-01T00:00:00+05:30
      aggregate: {sum: true}
      checkpoint: {interval: PT5.5S}
      """;

  @Test
  void bindsEveryFieldWithUnitsAndOffsets() {
    DefinitionLoader.Result r = DefinitionLoader.load("clicks.yaml", VALID);
    assertTrue(r.ok(), r.problems().toString());
    PipelineDef d = r.definition();
    assertEquals("clicks", d.id());
    ClockDef.Event clock = assertInstanceOf(ClockDef.Event.class, d.clock());
    assertEquals(5_400_000_000L, clock.waitMicros());
    WindowDef.Sliding w = assertInstanceOf(WindowDef.Sliding.class, d.window());
    assertEquals(2_500_000L, w.offsetMicros());
    // 2024-01-01T00:00:00+05:30 is 2023-12-31T18:30:00Z
    assertEquals(1_704_047_400_000_000L, w.alignMicros());
    assertEquals(5_500_000L, d.checkpointIntervalMicros());
  }

  @Test
  void idComesFromFileNameWhenNameIsAbsent() {
    String text = VALID.replace("name: clicks\n", "");
    assertEquals("my-pipe_1", DefinitionLoader.load("dir/my-pipe_1.yml", text).definition().id());
    DefinitionLoader.Result bad = DefinitionLoader.load("My Pipe.yaml", text);
    assertNull(bad.definition());
    assertTrue(bad.problems().get(0).message().contains("add a name"), bad.problems().toString());
  }

  @Test
  void aliasBombIsRefusedWithALocatedMessage() {
    StringBuilder sb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 0; i < 8; i++) {
      sb.append((char) ('b' + i)).append(": &").append((char) ('b' + i)).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j > 0 ? ", " : "").append('*').append((char) ('a' + i));
      }
      sb.append("]\n");
    }
    DefinitionLoader.Result r = DefinitionLoader.load("bomb.yaml", sb.toString());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).message().startsWith("invalid YAML"), r.problems().toString());
  }

  @Test
  void deeplyNestedInputIsRefused() {
    String deep = "a: " + "[".repeat(500) + "]".repeat(500) + "\n";
    DefinitionLoader.Result r = DefinitionLoader.load("deep.yaml", deep);
    assertTrue(r.problems().get(0).message().startsWith("invalid YAML"), r.problems().toString());
  }

  /** No input, however malformed, escapes as an exception: every one becomes located problems. */
  @Test
  void randomMutationsOfAValidDefinitionNeverThrow() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String alphabet = " :-{}[]\"'|>&*!#%@`,\n\tabc01.";
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder(VALID);
      int edits = 1 + r.nextInt(6);
      for (int e = 0; e < edits; e++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      String text = sb.toString();
      try {
        DefinitionLoader.Result res = DefinitionLoader.load("m.yaml", text);
        for (Problem p : res.problems()) {
          assertTrue(p.line() >= 1 && p.col() >= 1, p.toString());
        }
      } catch (RuntimeException ex) {
        throw new AssertionError("seed " + seed + " input:\n" + text, ex);
      }
    }
  }

  /**
   * Found by DefinitionFuzzTest: a problem that quotes what the user wrote was several lines when
   * the value held line breaks (a block scalar, a quoted "a\nb"), breaking {@code FILE:LINE:COL:
   * message}, and as long as the value (a 20,000-character name gave a 20,000-character problem).
   */
  @Test
  void problemsQuotingAValueStayOneLineOfReadableLength() {
    String block = VALID.replace("aggregate: {sum: true}", "aggregate:\n  count: |-\n    |\n      block");
    DefinitionLoader.Result r = DefinitionLoader.load("fuzz.yaml", block);
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertEquals("fuzz.yaml:15:10: aggregate.count: expected true, got '|\\n  block'", r.problems().get(0).format());

    r = DefinitionLoader.load("fuzz.yaml", "null\n\n\"");
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).message().indexOf('\n') < 0, r.problems().toString());

    r = DefinitionLoader.load("fuzz.yaml", VALID.replace("name: clicks", "name: " + "x".repeat(20_000)));
    String message = r.problems().get(0).message();
    assertTrue(message.startsWith("name: expected "), message);
    assertTrue(message.length() <= 400, message.length() + " characters");
    assertTrue(message.contains(" ... "), message);
  }

  /** Found by HttpFuzzIT: {@code POST /api/validate?file=%00} was a 500, the file name's NUL thrown by Path.of. */
  @Test
  void aFileNameThatIsNoPathIsStillJustAName() {
    DefinitionLoader.Result r = DefinitionLoader.load("\u0000", VALID.replace("name: clicks\n", ""));
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertEquals("\u0000:1:1: name: missing, and the file name '\\u0000' is not a valid id (lowercase letters, digits, '-' and"
        + " '_'); add a name: field", r.problems().get(0).format());
    assertTrue(DefinitionLoader.load("dir/a\u0000b.yaml", VALID).ok(), "with a name, the file name does not matter");
  }

  /**
   * Found by DefinitionFuzzTest: an expression in a literal block that ends too early ("acc +" and
   * its line break) was reported at a column of the blank line after the block, past that line's end.
   */
  @Test
  void anExpressionEndingTooEarlyInABlockIsReportedAtTheEndOfItsLastLine() {
    String text = "source: {kind: http}\nkey: event.user\nclock: {kind: event, timestamp: event.ts, wait: 5s}\n"
        + "window: {kind: tumbling, length: 1m}\naggregate:\n  fold:\n    init: \"0\"\n    step: |\n      acc +\n  ";
    DefinitionLoader.Result r = DefinitionLoader.load("fuzz.yaml", text);
    assertEquals(1, r.problems().size(), r.problems().toString());
    Problem p = r.problems().get(0);
    assertEquals(List.of(9, 12), List.of(p.line(), p.col()), p.format());
    assertTrue(p.message().startsWith("aggregate.fold.step: syntax error"), p.format());
  }
}
