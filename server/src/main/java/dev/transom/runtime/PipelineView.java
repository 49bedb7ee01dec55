package dev.transom.runtime;

import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.windowing.Micros;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pipeline as the API shows it: its summary, and a page of its open windows. */
final class PipelineView {
  private PipelineView() {}

  static Map<String, Object> describe(PipelineHost h, boolean withDefinition) {
    PipelineDef def = h.definition();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", def.id());
    m.put("status", h.status());
    m.put("file", Pipelines.display(h.fileNow()));
    m.put("version", h.version());
    m.put("problems", ProblemsJson.of(h.problems()));
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("in", h.inCount());
    counters.put("out", h.outCount());
    counters.put("late", h.lateCount());
    counters.put("errors", h.errorCount());
    m.put("counters", counters);
    m.put("watermark", instantOrNull(h.watermarkMicros()));
    m.put("open_windows", h.openWindows());
    m.put("epoch", h.epoch());
    long[] last = h.lastCheckpoint();
    if (last != null) {
      Map<String, Object> cp = new LinkedHashMap<>();
      cp.put("millis", last[0]);
      cp.put("state_bytes", last[1]);
      cp.put("ingest_seq", last[2]);
      m.put("last_checkpoint", cp);
    }
    m.put("pending", h.pendingEvents());
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("held_bytes", h.heldBytes());
    String refusing = h.memoryRefusal();
    if (refusing != null) {
      memory.put("refusing_input", refusing);
    }
    m.put("memory", memory);
    m.put("partitions", h.partitions().length);
    m.put("deliveries", h.deliveryQueues().describe());
    String why = h.describeFailure();
    Map<String, Object> storageProblem = h.storage().describe();
    if (why == null && storageProblem != null) {
      why = "paused: storage is failing (" + storageProblem.get("problem") + ")";
    }
    if (why != null) {
      m.put("failure", why);
    }
    if (storageProblem != null) {
      m.put("storage", storageProblem);
    }
    if (h.recovery() != null) {
      m.put("recovery", h.recovery());
    }
    m.put("recent_errors", h.recentErrors());
    m.put("recent_late", h.recentLate());
    if (def.clock() instanceof ClockDef.Event e) {
      m.put("clock", Map.of("kind", "event", "wait_seconds", e.waitMicros() / 1e6, "scope", e.pipelineScope() ? "pipeline" : "key"));
    } else {
      m.put("clock", Map.of("kind", "system"));
    }
    if (withDefinition) {
      m.put("definition", def.text());
    }
    return m;
  }

  /** A file that has no running version: status failed, with its problems. */
  static Map<String, Object> broken(java.nio.file.Path file, List<dev.transom.definition.spec.Problem> problems) {
    Map<String, Object> m = new LinkedHashMap<>();
    String id = dev.transom.definition.DefinitionLoader.idFromFileName(file.toString());
    m.put("id", id != null ? id : file.getFileName().toString());
    m.put("status", "failed");
    m.put("file", Pipelines.display(file));
    m.put("version", 0);
    m.put("problems", ProblemsJson.of(problems));
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("in", 0);
    counters.put("out", 0);
    counters.put("late", 0);
    counters.put("errors", 0);
    m.put("counters", counters);
    m.put("watermark", null);
    m.put("open_windows", 0);
    m.put("epoch", 0);
    return m;
  }

  private static Instant instantOrNull(long micros) {
    return micros == Micros.NEG_INFINITY || micros == Micros.POS_INFINITY ? null : Micros.toInstant(micros);
  }

  /** Open windows, ordered by key then open time, after {@code cursor} (an index), at most {@code limit}. */
  static Future<Map<String, Object>> openWindows(PipelineHost h, String key, int cursor, int limit) {
    List<Future<List<Map<String, Object>>>> parts = new ArrayList<>();
    for (Partition p : h.partitions()) {
      parts.add(p.call(() -> {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (p.execution() != null) {
          var op = p.execution().operator();
          long now = h.nowMicros();
          op.forEachOpenWindow((k, w) -> {
            if (key == null || key.equals(k)) {
              Map<String, Object> r = new LinkedHashMap<>();
              r.put("key", k);
              r.put("open_time", Micros.toInstant(w.openMicros()));
              r.put("close_time", Micros.toInstant(w.closeMicros()));
              r.put("value", w.currentValue());
              r.put("count", w.count());
              long wm = op.watermark(k, now);
              r.put("watermark", instantOrNull(wm));
              long closes = op.expectedCloseMicros(k, w);
              r.put("closes_at", closes == Micros.POS_INFINITY ? null : Micros.toInstant(Math.max(closes, now)));
              rows.add(r);
            }
          });
        }
        return rows;
      }));
    }
    return Future.all(parts).map(cf -> {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        List<Map<String, Object>> part = cf.resultAt(i);
        rows.addAll(part);
      }
      rows.sort((a, b) -> {
        int c = ((String) a.get("key")).compareTo((String) b.get("key"));
        return c != 0 ? c : ((Instant) a.get("open_time")).compareTo((Instant) b.get("open_time"));
      });
      int from = Math.min(cursor, rows.size());
      int to = Math.min(rows.size(), from + limit);
      Map<String, Object> page = new LinkedHashMap<>();
      page.put("windows", new ArrayList<>(rows.subList(from, to)));
      page.put("next", to < rows.size() ? String.valueOf(to) : null);
      return page;
    });
  }
}
