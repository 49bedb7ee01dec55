package dev.transom.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.DefinitionLoader;
import dev.transom.io.JsonValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The direct path ({@code run} reading key, time and value straight from a line) must never
 * disagree with the general one: whenever it takes a line, parsing the line in full and preparing
 * it gives the same key, time and value; lines it declines are the general path's to judge.
 */
class DirectReaderTest {
  private static final String SUM = String.join("\n", "name: t", "source: {kind: http}", "key: event.user",
      "value: event.clicks", "clock: {kind: event, timestamp: event.ts, wait: 2s}",
      "window: {kind: tumbling, length: 1s}", "aggregate: {sum: true}", "");

  private static Plan plan(String yaml) {
    DefinitionLoader.Result r = DefinitionLoader.load("t.yaml", yaml);
    assertTrue(r.ok(), () -> r.problems().toString());
    return Plan.of(r.definition());
  }

  @Test
  void onlySimplePipelinesGetADirectReader() {
    assertNotNull(DirectReader.forPlan(plan(SUM)));
    assertNull(DirectReader.forPlan(plan(SUM.replace("value: event.clicks", "value: event.clicks * 2"))));
    assertNull(DirectReader.forPlan(plan(SUM.replace("value: event.clicks", "value: event.a.b"))));
    assertNull(DirectReader.forPlan(plan(SUM.replace("value: event.clicks\n", ""))), "value is the whole event");
    assertNull(DirectReader.forPlan(plan(SUM.replace("aggregate: {sum: true}", "aggregate: {reduce: acc + value}"))));
    assertNull(DirectReader.forPlan(plan(SUM.replace("key: event.user", "key: event.user\nsteps:\n  - filter: event.clicks > 1"))));
    assertNotNull(DirectReader.forPlan(plan(SUM.replace("clock: {kind: event, timestamp: event.ts, wait: 2s}",
        "clock: {kind: system}"))));
  }

  @Test
  void edgeCasesAgreeWithTheGeneralPath() {
    List<String> lines = List.of(
        "{\"user\":\"u1\",\"clicks\":2,\"page\":\"/p\",\"ts\":\"2024-05-01T00:00:00Z\"}",
        "  {\"ts\":\"2024-05-01T00:00:00.5+02:00\", \"clicks\":1.5, \"user\":\"u\\u00e9\"}  ",
        "{\"user\":7,\"clicks\":2,\"ts\":1714521600}",
        "{\"user\":true,\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":\"a\",\"user\":\"b\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\",\"x\":{\"deep\":[1,{\"y\":\"z\"}]}}",
        "{\"user\":\"a\",\"clicks\":99999999999999999999999,\"ts\":\"2024-05-01T00:00:00Z\"}",
        // Everything below must be declined: the general path reports or treats it its own way.
        "{\"user\":\"a\",\"clicks\":\"2\",\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":\"a\",\"clicks\":null,\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":\"a\",\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":1.5,\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\"}",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"yesterday\"}",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\"} {}",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\"",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\",\"x\":{}",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\",}",
        "[{\"user\":\"a\",\"clicks\":2}]",
        "\"just a string\"",
        "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}");
    DirectReader direct = DirectReader.forPlan(plan(SUM));
    ItemPreparer general = new ItemPreparer(plan(SUM).definition());
    int taken = 0;
    for (String line : lines) {
      taken += check(direct, general, line.getBytes(StandardCharsets.UTF_8)) ? 1 : 0;
    }
    assertEquals(7, taken, "the first seven lines are plain and must be taken directly");
  }

  @Test
  void invalidUtf8AnywhereInTheLineIsLeftToTheGeneralPath() {
    byte[] line = "{\"user\":\"a\",\"clicks\":2,\"ts\":\"2024-05-01T00:00:00Z\",\"note\":\"xx\"}"
        .getBytes(StandardCharsets.UTF_8);
    int at = new String(line, StandardCharsets.UTF_8).indexOf("xx");
    line[at] = (byte) 0xC3; // a lead byte followed by 'x': not UTF-8
    DirectReader direct = DirectReader.forPlan(plan(SUM));
    assertFalse(direct.read(line, 0, line.length, new ItemPreparer.Prepared()));
    assertThrowsInvalid(line);
  }

  @Test
  void randomLinesAgreeWithTheGeneralPath() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    DirectReader direct = DirectReader.forPlan(plan(SUM));
    ItemPreparer general = new ItemPreparer(plan(SUM).definition());
    int taken = 0;
    byte[] buf = new byte[4096];
    for (int i = 0; i < 20_000; i++) {
      String line = randomLine(r);
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      // Lines sit at an offset inside a larger buffer, as the line reader hands them over.
      int off = r.nextInt(64);
      System.arraycopy(b, 0, buf, off, b.length);
      byte[] exact = java.util.Arrays.copyOfRange(buf, off, off + b.length);
      boolean ok = checkAt(direct, general, buf, off, b.length, exact, "seed " + seed + ", line: " + line);
      taken += ok ? 1 : 0;
    }
    // About 18% of the generated lines have a usable key, number and time and nothing else wrong.
    assertTrue(taken > 2_500, "seed " + seed + ": only " + taken + " of 20,000 lines went the direct way");
  }

  private static String randomLine(SplittableRandom r) {
    List<String> fields = new ArrayList<>();
    if (r.nextInt(20) > 0) {
      fields.add("\"user\":" + pick(r, "\"u" + r.nextInt(100) + "\"", "\"u" + r.nextInt(100) + "\"", "42", "true", "1.5",
          "null", "[\"a\"]", "\"\\u00e9t\\u00e9\""));
    }
    if (r.nextInt(20) > 0) {
      fields.add("\"clicks\":" + pick(r, String.valueOf(r.nextInt(10)), String.valueOf(r.nextInt(10)), "2.25", "-7",
          "\"3\"", "null", "1e3", "123456789012345678901234", "{\"a\":1}"));
    }
    if (r.nextInt(20) > 0) {
      fields.add("\"ts\":" + pick(r, "\"2024-05-01T00:00:0" + r.nextInt(10) + "Z\"", "\"2024-05-01T00:00:00.25Z\"",
          "1714521600", "1714521600.5", "\"2024-13-01T00:00:00Z\"", "\"soon\"", "null"));
    }
    int extra = r.nextInt(3);
    for (int i = 0; i < extra; i++) {
      fields.add("\"x" + i + "\":" + pick(r, "1", "\"s\"", "[1,[2,{\"k\":\"v\"}]]", "{\"n\":{\"m\":null}}", "false"));
    }
    if (r.nextInt(10) == 0 && !fields.isEmpty()) {
      fields.add(fields.get(r.nextInt(fields.size()))); // a duplicate: the last one wins
    }
    java.util.Collections.shuffle(fields, new java.util.Random(r.nextLong()));
    String line = "{" + String.join(r.nextBoolean() ? "," : ", ", fields) + "}";
    return switch (r.nextInt(40)) {
      case 0 -> line.substring(0, r.nextInt(line.length()));
      case 1 -> line + " 1";
      case 2 -> line.replace(":", "");
      case 3 -> "[" + line + "]";
      case 4 -> " " + line + "\t";
      default -> line;
    };
  }

  private static String pick(SplittableRandom r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static boolean check(DirectReader direct, ItemPreparer general, byte[] line) {
    return checkAt(direct, general, line, 0, line.length, line, new String(line, StandardCharsets.UTF_8));
  }

  /** True when the direct path took the line; then the general path must give the same. */
  private static boolean checkAt(DirectReader direct, ItemPreparer general, byte[] buf, int off, int len, byte[] exact,
      String what) {
    ItemPreparer.Prepared d = new ItemPreparer.Prepared();
    if (!direct.read(buf, off, len, d)) {
      return false;
    }
    Object event;
    try {
      event = JsonValues.parse(exact, 0, exact.length);
    } catch (JsonValues.Invalid e) {
      throw new AssertionError("taken directly but not JSON (" + e.getMessage() + "): " + what);
    }
    List<String> failures = new ArrayList<>();
    ItemPreparer.Prepared g = general.prepare(event, (field, message, item) -> failures.add(field + ": " + message));
    assertNotNull(g, () -> "taken directly but the general path fails " + failures + ": " + what);
    assertEquals(g.key(), d.key(), what);
    assertEquals(g.timeMicros(), d.timeMicros(), what);
    assertEquals(g.value(), d.value(), what);
    assertEquals(g.value().getClass(), d.value().getClass(), what);
    return true;
  }

  private static void assertThrowsInvalid(byte[] line) {
    try {
      JsonValues.parse(line, 0, line.length);
    } catch (JsonValues.Invalid e) {
      return;
    }
    throw new AssertionError("the general path accepted a line with bad UTF-8");
  }
}
