package dev.transom.runtime;

import dev.transom.compile.PipelineExecution;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.DefinitionParts;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a new version of a pipeline would do if it were applied now, worked out without applying
 * it ({@code POST /api/pipelines/{id}/preview}, {@code transom preview}): whether it is valid,
 * whether it keeps the open windows or flushes them, and for a flush the windows and the outputs it
 * would emit (a flush of a copy of the state); for changed {@code then} steps, what they would make
 * of the last outputs; and, with {@code tests.gate}, whether its tests pass.
 */
public final class Preview {
  /** Most windows and flushed outputs one preview lists (all are counted). */
  static final int LISTED = 1_000;

  private Preview() {}

  /**
   * @param change {@code new} (no such pipeline: it would be deployed), {@code none} (the text that runs),
   *     {@code keeps} (the windows are kept) or {@code flushes} (they are closed and emitted first)
   */
  public record View(String id, boolean valid, List<Map<String, Object>> problems, Optional<String> change,
      Optional<String> effect, List<String> changed, int openWindows, Optional<Flush> flush, Optional<Then> then,
      Optional<Tests> tests) {}

  /** The windows a flush would close and what they would emit (through the running version's {@code then}). */
  public record Flush(int windows, List<Map<String, Object>> listed, int outputs, List<Map<String, Object>> emitted) {}

  /** The last window outputs, each through the running and the new {@code then}: {@code null} where dropped or failed. */
  public record Then(int recent, List<ThenRow> outputs) {}

  public record ThenRow(Map<String, Object> window, Object now, Object after, Optional<String> error) {}

  public record Tests(boolean passed, List<Map<String, Object>> failures) {}

  static View invalid(String id, List<Problem> problems) {
    return new View(id, false, ProblemsJson.of(problems), Optional.empty(), Optional.empty(), List.of(), 0,
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** @param host the running pipeline, or null when there is none by that id */
  static Future<View> of(PipelineHost host, PipelineDef next, Path file, int recent) {
    List<Problem> gateProblems = TestGate.problems(next, file, Pipelines.display(file.toAbsolutePath().normalize()));
    Optional<Tests> tests = next.testGate() == null ? Optional.empty()
        : Optional.of(new Tests(gateProblems.isEmpty(), ProblemsJson.of(gateProblems)));
    if (host == null || host.failed()) {
      return Future.succeededFuture(new View(next.id(), true, List.of(), Optional.of("new"),
          Optional.of(host == null ? "a new pipeline: it would be deployed and start empty"
              : "the failed version would be replaced by this one, which resumes from its last checkpoint"),
          List.of(), 0, Optional.empty(), Optional.empty(), tests));
    }
    PipelineDef now = host.definition();
    List<String> changed = DefinitionParts.changed(now.text(), next.text());
    int open = host.openWindows();
    Optional<Then> then = changed.contains("then") ? Optional.of(then(host, now, next, recent)) : Optional.empty();
    if (now.text().equals(next.text())) {
      return Future.succeededFuture(new View(next.id(), true, List.of(), Optional.of("none"),
          Optional.of("the text that runs: no new version"), List.of(), open, Optional.empty(), Optional.empty(), tests));
    }
    if (host.wouldKeep(next)) {
      return Future.succeededFuture(new View(next.id(), true, List.of(), Optional.of("keeps"),
          Optional.of("only stateless parts change: the " + open + " open window(s) are kept"), changed, open,
          Optional.empty(), then, tests));
    }
    return host.previewFlush(LISTED).map(parts -> {
      List<Map<String, Object>> listed = new ArrayList<>();
      List<Map<String, Object>> emitted = new ArrayList<>();
      int windows = 0;
      int outputs = 0;
      for (Partition.FlushPreview p : parts) {
        windows += p.windowCount();
        outputs += p.outputCount();
        p.windows().stream().limit(Math.max(0, LISTED - listed.size())).forEach(listed::add);
        p.outputs().stream().limit(Math.max(0, LISTED - emitted.size())).forEach(emitted::add);
      }
      return new View(next.id(), true, List.of(), Optional.of("flushes"),
          Optional.of("the windowing changes: the " + windows + " open window(s) are closed and emitted first ("
              + outputs + " output(s) after the running version's then), and the new version starts empty"),
          changed, windows, Optional.of(new Flush(windows, listed, outputs, emitted)), then, tests);
    });
  }

  private static Then then(PipelineHost host, PipelineDef now, PipelineDef next, int recent) {
    List<ThenRow> rows = new ArrayList<>();
    PipelineExecution.ThenSteps running = PipelineExecution.thenSteps(now);
    PipelineExecution.ThenSteps changed = PipelineExecution.thenSteps(next);
    for (Map<String, Object> window : host.recentBeforeThen(recent)) {
      Object before = running.apply(window, (field, message, item) -> {});
      String[] error = {null};
      Object after = changed.apply(window, (field, message, item) -> error[0] = field + ": " + message);
      rows.add(new ThenRow(window, before, after, Optional.ofNullable(error[0])));
    }
    return new Then(rows.size(), rows);
  }

  /** Loads {@code body} as {@code id}'s next version, judged as a PUT would judge it. */
  static DefinitionLoader.Result load(String id, byte[] body, Path file, dev.transom.definition.PathPolicy paths,
      dev.transom.state.H2State state) {
    DefinitionLoader.Result r = DefinitionLoader.load(file.getFileName().toString(), body, paths);
    if (!r.ok()) {
      return r;
    }
    if (!r.definition().id().equals(id)) {
      return new DefinitionLoader.Result(null, List.of(new Problem(file.getFileName().toString(), 1, 1,
          "name: the definition's name '" + r.definition().id() + "' does not match '" + id + "' in the path")));
    }
    List<Problem> sinks = SinkCheck.problems(r.definition(), state);
    return sinks.isEmpty() ? r : new DefinitionLoader.Result(null, sinks);
  }
}
