package dev.transom.compile;

import dev.transom.definition.DefinitionLoader;
import dev.transom.io.JsonValues;
import dev.transom.windowing.OperatorSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives a pipeline from a YAML snippet through the real definition and compile path, with a
 * manual system time, collecting outputs, late records and item errors as JSON text.
 */
final class PipelineHarness implements Outputs {
  final List<String> outputs = new ArrayList<>();
  final List<String> late = new ArrayList<>();
  final List<ItemError> errors = new ArrayList<>();
  private final Plan plan;
  private PipelineExecution exec;
  long nowMicros = 1_700_000_000_000_000L;

  PipelineHarness(String yaml) {
    DefinitionLoader.Result r = DefinitionLoader.load("test.yaml", yaml);
    if (!r.ok()) {
      throw new AssertionError("definition has problems: " + r.problems());
    }
    plan = Plan.of(r.definition());
    exec = plan.start(this);
  }

  PipelineHarness send(String json) {
    try {
      exec.accept(JsonValues.parse(json), nowMicros);
    } catch (JsonValues.Invalid e) {
      throw new AssertionError(e);
    }
    return this;
  }

  /**
   * A JSON line as {@code run} feeds it: straight from its bytes when the direct path takes it,
   * else parsed in full; a line that is not JSON is recorded as a {@code source} error.
   */
  PipelineHarness sendLine(String line) {
    byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (!exec.acceptLine(b, 0, b.length, nowMicros)) {
      try {
        exec.accept(JsonValues.parse(b, 0, b.length), nowMicros);
      } catch (JsonValues.Invalid e) {
        errors.add(new ItemError("source", e.column() + ": " + e.getMessage(), line));
      }
    }
    return this;
  }

  PipelineHarness advanceSeconds(double seconds) {
    nowMicros += (long) (seconds * 1_000_000);
    exec.advance(nowMicros);
    return this;
  }

  PipelineHarness finish() {
    exec.finish();
    return this;
  }

  /** Snapshot, throw the execution away, and continue from a new one restored from the snapshot. */
  PipelineHarness restart() {
    OperatorSnapshot snap = exec.snapshot();
    exec = plan.start(this);
    exec.restore(snap);
    return this;
  }

  PipelineExecution execution() {
    return exec;
  }

  Plan plan() {
    return plan;
  }

  @Override
  public void output(Map<String, Object> record) {
    outputs.add(JsonValues.toJson(record));
  }

  @Override
  public void late(Map<String, Object> record) {
    late.add(JsonValues.toJson(record));
  }

  @Override
  public void error(ItemError error) {
    errors.add(error);
  }
}
