package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.compile.PlanDiff;
import dev.transom.fuzz.DefinitionInputs;
import dev.transom.fuzz.EventInputs;
import dev.transom.fuzz.FuzzRun;
import dev.transom.fuzz.Locations;
import dev.transom.fuzz.Words;
import dev.transom.io.JsonValues;
import dev.transom.windowing.OperatorSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the definition loader (what {@code validate}, the definitions directory, {@code PUT} and
 * {@code POST /api/validate} all run) with generated and mutated definitions
 * ({@link DefinitionInputs}). For every input: nothing is thrown; each problem is at a line and
 * column inside the input (line 1, column 1 for the file as a whole), in one line of words that
 * name no Java class; and a definition found valid compiles to a plan (as {@code serve} deploys
 * it) that runs a few generated events, a snapshot and a restore, and the end of input without
 * throwing. Seeded: see {@link FuzzRun}.
 */
class DefinitionFuzzTest {
  private static final Outputs NOWHERE = new Outputs() {
    @Override
    public void output(Map<String, Object> record) {}

    @Override
    public void late(Map<String, Object> record) {}

    @Override
    public void error(ItemError error) {}
  };

  @Test
  void everyDefinitionIsValidAndRunsOrHasLocatedProblems() {
    FuzzRun run = new FuzzRun("DefinitionFuzzTest", 3_000);
    DefinitionInputs inputs = DefinitionInputs.fromRepository();
    System.out.println("DefinitionFuzzTest: " + inputs.seedCount() + " seed definitions");
    int valid = 0;
    for (int i = 0; i < run.cases; i++) {
      SplittableRandom r = run.random(i);
      byte[] input = inputs.next(r);
      long started = System.nanoTime();
      String broken;
      try {
        broken = check(input, r);
        if ("valid".equals(broken)) {
          valid++;
          broken = null;
        }
      } catch (Throwable t) {
        broken = "threw " + FuzzRun.describe(t);
      }
      if (broken != null) {
        run.fail(i, broken, input);
      }
      run.timed(i, System.nanoTime() - started);
    }
    System.out.println("DefinitionFuzzTest: " + valid + " of " + run.cases + " definitions were valid and ran");
    run.check();
  }

  /** What is wrong with how {@code input} was judged; "valid" when it was valid and ran; null when its problems were fine. */
  /** The names a definition is loaded under: a file's, or whatever {@code POST /api/validate?file=} says. */
  static final String[] FILES = {"fuzz.yaml", "fuzz.yaml", "fuzz.yaml", "fuzz.yaml", "defs/fuzz-1.yml", "", "/", "dir/", ".yaml",
      "\u0000", "a\u0000b.yaml", "é.yaml", "Fuzz.yaml", "x".repeat(300) + ".yaml", "../../etc/passwd", "a b.yaml", "\n", "C:\\d\\f.yaml"};

  static String check(byte[] input, SplittableRandom r) {
    String file = FILES[r.nextInt(FILES.length)];
    DefinitionLoader.Result result = DefinitionLoader.load(file, input);
    if (!result.ok()) {
      if (result.definition() != null) {
        return "problems and a definition";
      }
      for (Problem p : result.problems()) {
        if (!file.equals(p.file())) {
          return "a problem in another file: " + p.format();
        }
        if (!Locations.inside(input, p.line(), p.col())) {
          return "a problem outside the input: " + p.format();
        }
        String words = Words.problem(p.message());
        if (words != null) {
          return words + ": " + p.format();
        }
      }
      return null;
    }
    PipelineDef def = result.definition();
    if (!def.id().matches(PipelineSpec.ID_PATTERN)) {
      return "valid with an id no pipeline can have: '" + def.id() + "'";
    }
    Plan plan = Plan.of(def);
    PlanDiff.windowingFingerprint(def);
    PipelineExecution exec = plan.start(NOWHERE);
    long now = 1_714_557_600_000_000L; // 2024-05-01T10:00:00Z
    int events = 1 + r.nextInt(8);
    for (int k = 0; k < events; k++) {
      byte[] line = EventInputs.event(r).getBytes(StandardCharsets.UTF_8);
      if (!exec.acceptLine(line, 0, line.length, now)) {
        try {
          exec.accept(JsonValues.parse(line, 0, line.length), now);
        } catch (JsonValues.Invalid e) {
          // not an event: the sources count it as an item error
        }
      }
      now += r.nextInt(5_000_000);
      if (r.nextInt(3) == 0) {
        exec.advance(now);
      }
    }
    OperatorSnapshot snapshot = exec.snapshot();
    PipelineExecution restored = plan.start(NOWHERE);
    restored.restore(snapshot);
    restored.advance(now + 3_600_000_000L);
    restored.finish();
    exec.finish();
    return "valid";
  }
}
