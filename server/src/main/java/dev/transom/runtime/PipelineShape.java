package dev.transom.runtime;

import dev.transom.definition.AggregateDef;
import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.StepDef;
import dev.transom.definition.WindowDef;
import dev.transom.components.ComponentSpecs;
import dev.transom.components.FileSource;
import dev.transom.components.GeneratorSource;
import dev.transom.components.SourceKind;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.expr.Expr;
import dev.transom.io.DurationText;
import java.util.ArrayList;
import java.util.List;

/**
 * The running version of a pipeline as a small graph, for {@code GET /api/pipelines/{id}/shape}:
 * source → steps → windowing (key, clock, window, aggregate) → then → each sink, the late sink and
 * item errors aside. Edges carry the counts the pipeline keeps: events in, outputs, late items,
 * item errors, the items that reached the windows, the windows closed and each sink's records.
 */
public record PipelineShape(String pipeline, int version, List<Node> nodes, List<Edge> edges, List<SinkHealth> sinks,
    List<SourcePartition> sourcePartitions) {
  /**
   * A partition a kafka source reads.
   *
   * @param offset the next offset to read, {@code null} until the first batch from it
   * @param lag records after that offset as the consumer last heard, {@code null} until a fetch says
   */
  public record SourcePartition(String topic, int partition, Long offset, Long lag) {}

  /**
   * @param kind {@code source}, {@code steps}, {@code windowing}, {@code then}, {@code sink},
   *     {@code late} or {@code errors}
   * @param details one line each: a step, the key, the clock...
   */
  public record Node(String id, String kind, String label, List<String> details) {}

  /** @param count what went along it so far, or {@code null} where the pipeline does not count it */
  public record Edge(String from, String to, String label, Long count) {}

  static PipelineShape of(PipelineDef def, int version, long in, long out, long late, long errors, long windowed,
      long closed, List<SinkHealth> sinks, List<SourcePartition> partitions) {
    List<Node> nodes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    nodes.add(new Node("source", "source", def.source().kind() + " source", sourceDetails(def)));
    String last = "source";
    if (!def.steps().isEmpty()) {
      nodes.add(new Node("steps", "steps", "steps", steps(def.steps())));
      edges.add(new Edge("source", "steps", "events in", in));
      last = "steps";
    }
    nodes.add(new Node("windowing", "windowing", "windows", windowing(def)));
    edges.add(new Edge(last, "windowing", last.equals("source") ? "events in" : "items", last.equals("source") ? in : windowed));
    nodes.add(new Node("errors", "errors", "item errors", List.of("counted and shown; never fatal")));
    edges.add(new Edge(last.equals("source") ? "windowing" : "steps", "errors", "item errors", errors));
    String into = "windowing";
    if (!def.then().isEmpty()) {
      nodes.add(new Node("then", "then", "then", steps(def.then())));
      edges.add(new Edge("windowing", "then", "closed windows", closed));
      into = "then";
    }
    List<SinkHealth> outputs = sinks.stream().filter(s -> s.role().equals("output")).toList();
    if (outputs.isEmpty()) {
      nodes.add(new Node("sink-0", "sink", "dashboard only", List.of("no sinks: outputs are kept for the API and the live stream")));
      edges.add(new Edge(into, "sink-0", "outputs", out));
    }
    for (int i = 0; i < outputs.size(); i++) {
      SinkHealth s = outputs.get(i);
      nodes.add(new Node("sink-" + i, "sink", s.name(), List.of(s.kind() + " sink, " + s.health())));
      edges.add(new Edge(into, "sink-" + i, s.pending() != null ? "delivered" : "records", s.records()));
    }
    SinkHealth lateSink = sinks.stream().filter(s -> s.role().equals("late")).findFirst().orElse(null);
    nodes.add(new Node("late", "late", lateSink == null ? "late items dropped" : lateSink.name(),
        List.of(lateSink == null ? "no late sink: late items are counted" : lateSink.kind() + " sink, " + lateSink.health())));
    edges.add(new Edge("windowing", "late", "late", late));
    return new PipelineShape(def.id(), version, nodes, edges, sinks, partitions);
  }

  private static List<String> sourceDetails(PipelineDef def) {
    ComponentDef s = def.source();
    SourceKind kind = ComponentSpecs.source(s);
    Object config = kind.config(s);
    if (kind.takesPosts()) {
      return List.of("POST /api/pipelines/" + def.id() + "/events");
    }
    if (config instanceof FileSource.Config f) {
      return List.of(Pipelines.display(java.nio.file.Path.of(f.path())) + (f.follow() ? ", followed" : ""));
    }
    if (config instanceof GeneratorSource.Config g) {
      return List.of(g.rate() + " events/s, " + g.keys() + " keys");
    }
    if (config instanceof dev.transom.components.KafkaSource.Config k) {
      return List.of((k.topics().size() == 1 ? "topic " : "topics ") + String.join(", ", k.topics()), "at " + k.bootstrap());
    }
    return List.of();
  }

  private static List<String> steps(List<StepDef> steps) {
    return steps.stream().map(s -> (s.filter() ? "filter: " : "map: ") + text(s.expr())).toList();
  }

  private static List<String> windowing(PipelineDef def) {
    List<String> d = new ArrayList<>();
    d.add("key: " + text(def.key()));
    if (def.valueExpr() != null) {
      d.add("value: " + text(def.valueExpr()));
    }
    if (def.clock() instanceof ClockDef.Event e) {
      d.add("clock: event time " + text(e.timestamp()) + ", wait " + DurationText.format(e.waitMicros())
          + (e.pipelineScope() ? ", one watermark" : ", a watermark per key"));
    } else {
      d.add("clock: system time");
    }
    WindowDef w = def.window();
    if (w instanceof WindowDef.Tumbling t) {
      d.add("window: tumbling " + DurationText.format(t.lengthMicros()));
    } else if (w instanceof WindowDef.Sliding s) {
      d.add("window: sliding " + DurationText.format(s.lengthMicros()) + " every " + DurationText.format(s.offsetMicros()));
    } else if (w instanceof WindowDef.Session s) {
      d.add("window: session, gap " + DurationText.format(s.gapMicros()));
    }
    d.add("aggregate: " + aggregate(def.aggregate()));
    return d;
  }

  private static String aggregate(AggregateDef a) {
    if (a instanceof AggregateDef.Builtin b) {
      return b.name();
    }
    if (a instanceof AggregateDef.Extreme x) {
      return (x.max() ? "max" : "min") + (x.by() == null ? "" : " by " + text(x.by()));
    }
    if (a instanceof AggregateDef.Reduce r) {
      return "reduce " + text(r.reducer());
    }
    AggregateDef.Fold f = (AggregateDef.Fold) a;
    return "fold " + text(f.step());
  }

  private static String text(Expr e) {
    return e == null ? "" : e.text().strip();
  }
}
