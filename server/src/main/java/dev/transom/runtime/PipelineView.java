package dev.transom.runtime;

import dev.transom.definition.ClockDef;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import dev.transom.windowing.Micros;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline as the API shows it: its summary, and a page of its open windows. Typed records the
 * API renders in the order declared here; an {@link Optional} part is left out when it does not
 * apply, a null one (a watermark before any) is shown as null.
 */
public final class PipelineView {
  private PipelineView() {}

  /** One entry of {@code GET /api/pipelines}: a pipeline's summary, or a file that never validated. */
  public sealed interface Entry permits Summary, Broken {
    String id();
  }

  public record Counters(long in, long out, long late, long errors) {
    static final Counters NONE = new Counters(0, 0, 0, 0);
  }

  /** The last stored checkpoint: how long it took, the state bytes it wrote, the log entry it covers. */
  public record LastCheckpoint(long millis, long stateBytes, long ingestSeq) {}

  /** What the memory budget counts for the pipeline, and why it takes no input when it does not. */
  public record Memory(long heldBytes, Optional<String> refusingInput) {}

  /** {@code kind} is {@code system} or {@code event}; only an event clock has a wait and a scope. */
  public record Clock(String kind, Optional<Double> waitSeconds, Optional<String> scope) {
    static Clock of(ClockDef def) {
      if (def instanceof ClockDef.Event e) {
        return new Clock("event", Optional.of(e.waitMicros() / 1e6), Optional.of(e.pipelineScope() ? "pipeline" : "key"));
      }
      return new Clock("system", Optional.empty(), Optional.empty());
    }
  }

  /**
   * A running (or paused, failed, stopped) pipeline. {@code problems} are the last refused edit's;
   * {@code definition} is given for one pipeline, not in the list; {@code reload} only in a PUT's answer.
   */
  public record Summary(String id, String status, String file, int version, List<Map<String, Object>> problems,
      Counters counters, Instant watermark, int openWindows, long epoch, Optional<LastCheckpoint> lastCheckpoint,
      long pending, Memory memory, int partitions, List<Deliveries.Queue> deliveries, Optional<String> failure,
      Optional<StorageHealth.Pause> storage, Optional<String> recovery, List<Map<String, Object>> recentErrors,
      List<Map<String, Object>> recentLate, Clock clock, Optional<String> definition, Optional<String> reload)
      implements Entry {
    /** This summary as the answer to the PUT that deployed it, which says how the reload went. */
    public Summary withReload(String outcome) {
      return new Summary(id, status, file, version, problems, counters, watermark, openWindows, epoch, lastCheckpoint,
          pending, memory, partitions, deliveries, failure, storage, recovery, recentErrors, recentLate, clock,
          definition, Optional.of(outcome));
    }
  }

  /** A file that has no running version: status failed, with its problems, and nothing counted. */
  public record Broken(String id, String status, String file, int version, List<Map<String, Object>> problems,
      Counters counters, Instant watermark, int openWindows, long epoch) implements Entry {}

  /**
   * One open window. {@code watermark} (its key's) is null before any; {@code closesAt}, the system
   * time it is expected to close at, is null when no time will close it.
   */
  public record WindowRow(String key, Instant openTime, Instant closeTime, Object value, long count,
      Instant watermark, Instant closesAt) {}

  /** {@code next}: the cursor of the page after this one, null on the last page. */
  public record WindowsPage(List<WindowRow> windows, String next) {}

  static Summary describe(PipelineHost h, boolean withDefinition) {
    PipelineDef def = h.definition();
    long[] last = h.lastCheckpoint();
    String failure = h.describeFailure();
    StorageHealth.Pause paused = h.storage().describe();
    if (failure == null && paused != null) {
      failure = "paused: storage is failing (" + paused.problem() + ")";
    }
    return new Summary(def.id(), h.status(), Pipelines.display(h.fileNow()), h.version(), ProblemsJson.of(h.problems()),
        new Counters(h.inCount(), h.outCount(), h.lateCount(), h.errorCount()), instantOrNull(h.watermarkMicros()),
        h.openWindows(), h.epoch(),
        last == null ? Optional.empty() : Optional.of(new LastCheckpoint(last[0], last[1], last[2])),
        h.pendingEvents(), new Memory(h.heldBytes(), Optional.ofNullable(h.memoryRefusal())), h.partitions().length,
        h.deliveryQueues().describe(), Optional.ofNullable(failure), Optional.ofNullable(paused),
        Optional.ofNullable(h.recovery()), h.recentErrors(), h.recentLate(), Clock.of(def.clock()),
        withDefinition ? Optional.of(def.text()) : Optional.empty(), Optional.empty());
  }

  static Broken broken(Path file, List<Problem> problems) {
    String id = DefinitionLoader.idFromFileName(file.toString());
    return new Broken(id != null ? id : file.getFileName().toString(), "failed", Pipelines.display(file), 0,
        ProblemsJson.of(problems), Counters.NONE, null, 0, 0);
  }

  private static Instant instantOrNull(long micros) {
    return micros == Micros.NEG_INFINITY || micros == Micros.POS_INFINITY ? null : Micros.toInstant(micros);
  }

  /** Open windows, ordered by key then open time, after {@code cursor} (an index), at most {@code limit}. */
  static Future<WindowsPage> openWindows(PipelineHost h, String key, int cursor, int limit) {
    List<Future<List<WindowRow>>> parts = new ArrayList<>();
    for (Partition p : h.partitions()) {
      parts.add(p.call(() -> {
        List<WindowRow> rows = new ArrayList<>();
        if (p.execution() != null) {
          var op = p.execution().operator();
          long now = h.nowMicros();
          op.forEachOpenWindow((k, w) -> {
            if (key == null || key.equals(k)) {
              long closes = op.expectedCloseMicros(k, w);
              rows.add(new WindowRow(k, Micros.toInstant(w.openMicros()), Micros.toInstant(w.closeMicros()),
                  w.currentValue(), w.count(), instantOrNull(op.watermark(k, now)),
                  closes == Micros.POS_INFINITY ? null : Micros.toInstant(Math.max(closes, now))));
            }
          });
        }
        return rows;
      }));
    }
    return Future.all(parts).map(cf -> {
      List<WindowRow> rows = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        List<WindowRow> part = cf.resultAt(i);
        rows.addAll(part);
      }
      rows.sort(Comparator.comparing(WindowRow::key).thenComparing(WindowRow::openTime));
      int from = Math.min(cursor, rows.size());
      int to = Math.min(rows.size(), from + limit);
      return new WindowsPage(new ArrayList<>(rows.subList(from, to)), to < rows.size() ? String.valueOf(to) : null);
    });
  }
}
