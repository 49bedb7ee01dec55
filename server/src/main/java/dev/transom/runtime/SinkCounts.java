package dev.transom.runtime;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.PipelineDef;
import dev.transom.state.Checkpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records each of a pipeline's file, h2 and stdout sinks has taken, by the sink's name in the
 * metrics ({@code file out/x.jsonl}, {@code late h2 late_rows}, {@code stdout}). The exactly-once
 * sinks count at the checkpoint that stores their records, since only then are they there; stdout
 * counts as it is written. Counts are kept by name across reloads, so they only grow. Webhook
 * sinks count their deliveries themselves ({@link Deliveries.Track}).
 */
final class SinkCounts {
  /** One sink of the current version: its metric name, kind, what it guarantees, its options, and count. */
  record Sink(String name, String kind, dev.transom.components.Guarantee guarantee, Object config, AtomicLong records) {}

  private final Map<String, AtomicLong> byName = new HashMap<>();
  private volatile List<Sink> current = List.of();
  private volatile AtomicLong[] outputFiles = new AtomicLong[0];
  private volatile AtomicLong[] lateFiles = new AtomicLong[0];
  private volatile AtomicLong[] outputStreams = new AtomicLong[0];
  private volatile AtomicLong[] lateStreams = new AtomicLong[0];
  private volatile Map<String, AtomicLong> tables = Map.of();

  /** The sinks of a version just installed; the per-record paths then touch only what is made here. */
  synchronized void configure(PipelineDef def) {
    List<Sink> sinks = new ArrayList<>();
    List<AtomicLong> outFiles = new ArrayList<>();
    List<AtomicLong> outStreams = new ArrayList<>();
    List<AtomicLong> latFiles = new ArrayList<>();
    List<AtomicLong> latStreams = new ArrayList<>();
    Map<String, AtomicLong> tbl = new HashMap<>();
    for (ComponentDef s : def.sinks()) {
      add(s, "", sinks, outFiles, outStreams, tbl);
    }
    if (def.late() != null) {
      add(def.late(), "late ", sinks, latFiles, latStreams, tbl);
    }
    outputFiles = outFiles.toArray(AtomicLong[]::new);
    lateFiles = latFiles.toArray(AtomicLong[]::new);
    outputStreams = outStreams.toArray(AtomicLong[]::new);
    lateStreams = latStreams.toArray(AtomicLong[]::new);
    tables = tbl;
    current = List.copyOf(sinks);
  }

  private void add(ComponentDef s, String prefix, List<Sink> sinks, List<AtomicLong> files, List<AtomicLong> streams,
      Map<String, AtomicLong> tbl) {
    dev.transom.components.SinkKind kind = dev.transom.components.ComponentSpecs.sink(s);
    Object config = kind.config(s);
    dev.transom.components.Guarantee guarantee = kind.guarantee(s);
    if (guarantee == dev.transom.components.Guarantee.AT_LEAST_ONCE) {
      return; // delivered from a queue: see Deliveries
    }
    String base = prefix + (config instanceof dev.transom.components.FileSink.Config f
        ? "file " + Pipelines.display(f.path()) : kind.describe(s));
    String name = base;
    for (int n = 2; contains(sinks, name); n++) {
      name = base + " #" + n;
    }
    AtomicLong count = byName.computeIfAbsent(name, k -> new AtomicLong());
    sinks.add(new Sink(name, s.kind(), guarantee, config, count));
    // a file, or a topic written in a transaction: both take a checkpoint's records when it is stored
    if (config instanceof dev.transom.components.FileSink.Config || config instanceof dev.transom.components.KafkaSink.Config) {
      files.add(count);
    } else if (config instanceof dev.transom.components.H2Sink.Config h) {
      tbl.put(h.table(), count);
    } else {
      streams.add(count);
    }
  }

  private static boolean contains(List<Sink> sinks, String name) {
    for (Sink s : sinks) {
      if (s.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  List<Sink> current() {
    return current;
  }

  /** A window output written to the stdout sinks. */
  void streamedOutput() {
    for (AtomicLong c : outputStreams) {
      c.incrementAndGet();
    }
  }

  void streamedLate() {
    for (AtomicLong c : lateStreams) {
      c.incrementAndGet();
    }
  }

  /** A stored checkpoint's records: every file sink of their kind got them all, each table its rows. */
  void committed(int outputs, int late, List<Checkpoint.TableRow> rows) {
    for (AtomicLong c : outputFiles) {
      c.addAndGet(outputs);
    }
    for (AtomicLong c : lateFiles) {
      c.addAndGet(late);
    }
    Map<String, AtomicLong> t = tables;
    for (Checkpoint.TableRow r : rows) {
      AtomicLong c = t.get(r.table());
      if (c != null) {
        c.incrementAndGet();
      }
    }
  }
}
