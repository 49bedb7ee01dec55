package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import java.util.List;

/**
 * The one explicit list of source and sink kinds (no registration by side effect), and the only
 * place a kind is found by its name. Each kind ({@link SourceKind}, {@link SinkKind}) lives in its own
 * class next to the code that runs it: spec, typed options, guarantee, where it works, how it opens.
 */
public final class ComponentSpecs {
  private ComponentSpecs() {}

  private static final List<SourceKind> SOURCE_KINDS = List.of(HttpSource.KIND, FileSource.KIND, GeneratorSource.KIND,
      KafkaSource.KIND);
  private static final List<SinkKind> SINK_KINDS = List.of(StdoutSink.KIND, FileSink.KIND, WebhookSink.KIND, H2Sink.KIND,
      KafkaSink.KIND);

  public static final FieldType.Kinds SOURCES = new FieldType.Kinds("source",
      SOURCE_KINDS.stream().map(SourceKind::spec).toList());

  public static final FieldType.Kinds SINKS = new FieldType.Kinds("sink",
      SINK_KINDS.stream().map(SinkKind::spec).toList());

  /** Late items go to the same kinds of sink as window outputs. */
  public static final FieldType.Kinds LATE_SINKS = SINKS;

  /** The kind of a source as validated (its kind is one of {@link #SOURCES}). */
  public static SourceKind source(ComponentDef def) {
    for (SourceKind k : SOURCE_KINDS) {
      if (k.spec().name().equals(def.kind())) {
        return k;
      }
    }
    throw new IllegalArgumentException("no source kind " + def.kind());
  }

  /** The kind of a sink as validated (its kind is one of {@link #SINKS}). */
  public static SinkKind sink(ComponentDef def) {
    for (SinkKind k : SINK_KINDS) {
      if (k.spec().name().equals(def.kind())) {
        return k;
      }
    }
    throw new IllegalArgumentException("no sink kind " + def.kind());
  }

  /**
   * Whether {@code sink} writes its records with the checkpoint of their epoch (file, h2), not as
   * they are produced.
   */
  public static boolean exactlyOnce(ComponentDef sink) {
    return sink(sink).guarantee(sink) == Guarantee.EXACTLY_ONCE;
  }

  /** Opens a sink; {@code append} keeps what a file already holds (serve), else it starts afresh (run). */
  public static RecordSink open(ComponentDef def, boolean append) throws java.io.IOException {
    return sink(def).open(def, append);
  }
}
