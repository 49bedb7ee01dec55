package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pipeline's output sinks and its late sink, opened, written, flushed and closed together. */
public final class SinkSet implements AutoCloseable {
  private final List<RecordSink> outputs;
  private final RecordSink late;

  public SinkSet(List<RecordSink> outputs, RecordSink late) {
    this.outputs = List.copyOf(outputs);
    this.late = late;
  }

  public static SinkSet none() {
    return new SinkSet(List.of(), null);
  }

  /**
   * Opens the sinks a definition names; {@code append} keeps what files already hold (serve), else
   * they start afresh (run). On failure, whatever was opened is closed again.
   */
  public static SinkSet open(List<ComponentDef> outputs, ComponentDef late, boolean append) throws IOException {
    List<RecordSink> opened = new ArrayList<>();
    try {
      for (ComponentDef s : outputs) {
        opened.add(ComponentSpecs.open(s, append));
      }
      RecordSink lateSink = late == null ? null : ComponentSpecs.open(late, append);
      return new SinkSet(opened, lateSink);
    } catch (IOException | RuntimeException e) {
      new SinkSet(opened, null).close();
      throw e;
    }
  }

  public void output(Map<String, Object> record) throws IOException {
    for (RecordSink s : outputs) {
      s.write(record);
    }
  }

  /** Writes a late record; without a late sink it is dropped (the caller counts it). */
  public void late(Map<String, Object> record) throws IOException {
    if (late != null) {
      late.write(record);
    }
  }

  /** These outputs with {@code late} (or none) in place of this set's late sink, which is not opened here. */
  public SinkSet withLate(RecordSink late) {
    return new SinkSet(outputs, late);
  }

  /** The late sink alone (to pair with other output sinks), or {@code null}. */
  public RecordSink lateSinkOrNull() {
    return late;
  }

  public boolean hasLateSink() {
    return late != null;
  }

  public void flush() throws IOException {
    for (RecordSink s : outputs) {
      s.flush();
    }
    if (late != null) {
      late.flush();
    }
  }

  /** The first sink problem to show, or {@code null}. */
  public String problem() {
    for (RecordSink s : all()) {
      if (s.problem() != null) {
        return s.problem();
      }
    }
    return null;
  }

  /**
   * The first sink holding at least its limit of undelivered records, or {@code null}: while there
   * is one, the pipeline takes no input.
   */
  public RecordSink backlogged() {
    for (RecordSink s : outputs) {
      if (s.backlog() >= s.backlogLimit()) {
        return s;
      }
    }
    return late != null && late.backlog() >= late.backlogLimit() ? late : null;
  }

  /**
   * The sinks that deliver from a queue of their own, by a name unique in the set that stays the
   * same across restarts and reloads: the sink's own name ({@code webhook URL}), after {@code late }
   * for the late sink, with {@code  #2}, {@code  #3}... for further sinks of the same name.
   */
  public Map<String, DeliveryQueue> queues() {
    Map<String, DeliveryQueue> named = new LinkedHashMap<>();
    for (RecordSink s : all()) {
      if (s instanceof DeliveryQueue q) {
        String name = (s == late ? "late " : "") + q.name();
        String unique = name;
        for (int n = 2; named.containsKey(unique); n++) {
          unique = name + " #" + n;
        }
        named.put(unique, q);
      }
    }
    return named;
  }

  /** Waits up to {@code max} per sink for background deliveries; the sinks that did not finish. */
  public List<String> drain(Duration max) {
    List<String> late = new ArrayList<>();
    for (RecordSink s : all()) {
      if (!s.drain(max)) {
        late.add(s.describe() + (s.problem() != null ? " (" + s.problem() + ")" : ""));
      }
    }
    return late;
  }

  private List<RecordSink> all() {
    List<RecordSink> all = new ArrayList<>(outputs);
    if (late != null) {
      all.add(late);
    }
    return all;
  }

  /** Closes every sink; the first failure is reported after all were tried. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (RecordSink s : all()) {
      try {
        s.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
