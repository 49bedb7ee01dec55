package dev.transom.io;

import dev.transom.fuzz.EventInputs;
import dev.transom.fuzz.FuzzRun;
import dev.transom.fuzz.Words;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the ingest parser ({@link IngestBody}, what {@code POST /api/pipelines/{id}/events} runs)
 * with generated and mutated JSON-lines bodies ({@link EventInputs}). For every body: nothing is
 * thrown; it is either accepted whole, with one event per non-blank line and no non-finite number
 * in any of them (a body that is one JSON array: one event per element), or refused naming a line of the body and a byte column within that line, in one
 * line of words that name no Java class. Every line the reused parser takes, the general parse
 * reads as the same value. Seeded: see {@link FuzzRun}.
 */
class IngestBodyFuzzTest {
  private static final Object NO_VALUE = new Object();

  @Test
  void everyBodyIsAcceptedOrRefusedAtALineAndByteColumnInsideIt() {
    FuzzRun run = new FuzzRun("IngestBodyFuzzTest", 10_000);
    ObjectLines fast = new ObjectLines(); // reused across bodies, as an event loop reuses it
    for (int i = 0; i < run.cases; i++) {
      SplittableRandom r = run.random(i);
      byte[] body = EventInputs.body(r);
      String broken;
      try {
        broken = check(body, fast);
      } catch (Throwable t) {
        broken = "threw " + FuzzRun.describe(t);
      }
      if (broken != null) {
        run.fail(i, broken, body);
      }
    }
    run.check();
  }

  /** What is wrong with how {@code body} was judged, or null. */
  static String check(byte[] body, ObjectLines fast) {
    IngestBody.Parsed parsed = IngestBody.parse(body, fast);
    List<int[]> lines = lines(body);
    if (!parsed.ok()) {
      IngestBody.Refusal bad = parsed.refusal();
      if (!parsed.events().isEmpty()) {
        return "refused, yet kept events";
      }
      if (bad.line() < 1 || bad.line() > lines.size()) {
        return "refused at line " + bad.line() + " of " + lines.size() + ": " + bad.message();
      }
      int[] line = lines.get(bad.line() - 1);
      int length = line[1] - line[0];
      if (bad.column() < 1 || bad.column() > length + 1) {
        return "refused at line " + bad.line() + ", byte column " + bad.column() + " of a line of " + length + " bytes: "
            + bad.message();
      }
      String words = Words.problem(bad.message());
      return words == null ? agree(body, lines) : words + ": " + bad.message();
    }
    if (parsed.array()) {
      // one JSON array: as many events as the whole body, parsed the general way, has elements
      Object all;
      try {
        all = JsonValues.parse(body, 0, body.length);
      } catch (JsonValues.Invalid e) {
        return "accepted an array body the general parse refuses (" + e.getMessage() + ")";
      }
      if (!(all instanceof List<?> l) || !l.equals(parsed.events())) {
        return "accepted an array body as " + parsed.events().size() + " events that are not its elements";
      }
      return null;
    }
    int nonBlank = 0;
    for (int[] line : lines) {
      if (!blank(body, line[0], line[1])) {
        nonBlank++;
      }
    }
    if (parsed.events().size() != nonBlank) {
      return "accepted " + parsed.events().size() + " events from " + nonBlank + " non-blank lines";
    }
    for (Object e : parsed.events()) {
      String infinite = nonFinite(e);
      if (infinite != null) {
        return "accepted a non-finite number: " + infinite;
      }
    }
    return agree(body, lines);
  }

  private static final String[] PROJECTED = {"user", "n", "ts"};
  /** Reused across bodies, as {@code run} and the ingest path reuse theirs: a reader must not carry anything over. */
  private static final ThreadLocal<FieldProjection> PROJECTION = ThreadLocal.withInitial(() -> new FieldProjection(PROJECTED));
  private static final ThreadLocal<ObjectLines> OTHER_LINES = ThreadLocal.withInitial(ObjectLines::new);

  /**
   * The two fast readers agree with the general parse on every line they take: the reused parser
   * of the ingest path, and the projection {@code run} reads plain fields with (it skips the others,
   * which must still be refused where the general parse refuses them).
   */
  static String agree(byte[] body, List<int[]> lines) {
    FieldProjection projection = PROJECTION.get();
    Object[] values = new Object[PROJECTED.length];
    for (int[] line : lines) {
      if (!projection.read(body, line[0], line[1] - line[0], values)) {
        continue;
      }
      Object general;
      try {
        general = JsonValues.parse(body, line[0], line[1] - line[0]);
      } catch (JsonValues.Invalid e) {
        return "the projection read a line the general parse refuses (" + e.getMessage() + ")";
      }
      if (!(general instanceof Map<?, ?> m)) {
        return "the projection read a line that is not an object: " + general;
      }
      for (int k = 0; k < PROJECTED.length; k++) {
        if (!java.util.Objects.equals(values[k], m.get(PROJECTED[k]))) {
          return "the projection read " + PROJECTED[k] + " = " + values[k] + " where the general parse gives " + m.get(PROJECTED[k]);
        }
      }
    }
    ObjectLines fresh = OTHER_LINES.get();
    for (int[] line : lines) {
      Object taken = fresh.read(body, line[0], line[1] - line[0]);
      if (taken == null) {
        continue;
      }
      Object general;
      try {
        general = JsonValues.parse(body, line[0], line[1] - line[0]);
      } catch (JsonValues.Invalid e) {
        general = NO_VALUE;
      }
      if (!taken.equals(general)) {
        return "the reused parser read " + taken + " where the general parse gives "
            + (general == NO_VALUE ? "an error" : general);
      }
    }
    return null;
  }

  /** [start, end) of each line, split at '\n' only (as the ingest path splits). */
  static List<int[]> lines(byte[] b) {
    List<int[]> out = new java.util.ArrayList<>();
    int start = 0;
    for (int i = 0; i <= b.length; i++) {
      if (i == b.length || b[i] == '\n') {
        out.add(new int[] {start, i});
        start = i + 1;
      }
    }
    return out;
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String nonFinite(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return String.valueOf(d);
    }
    if (v instanceof Map<?, ?> m) {
      for (Object x : m.values()) {
        String s = nonFinite(x);
        if (s != null) {
          return s;
        }
      }
    }
    if (v instanceof List<?> l) {
      for (Object x : l) {
        String s = nonFinite(x);
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }
}
