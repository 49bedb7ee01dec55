package dev.transom.components;

import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import java.util.List;

/**
 * The one explicit list of source and sink kinds (no registration by side effect). Each kind's
 * spec lives in its own class next to the code that runs it.
 */
public final class ComponentSpecs {
  private ComponentSpecs() {}

  public static final FieldType.Kinds SOURCES = new FieldType.Kinds("source",
      List.of(HttpSource.SPEC, FileSource.SPEC, GeneratorSource.SPEC));

  public static final FieldType.Kinds SINKS = new FieldType.Kinds("sink",
      List.of(StdoutSink.SPEC, FileSink.SPEC, WebhookSink.SPEC, H2Sink.SPEC));

  /** Late items go to the same kinds of sink as window outputs. */
  public static final FieldType.Kinds LATE_SINKS = SINKS;

  /** Opens a sink; {@code append} keeps what a file already holds (serve), else it starts afresh (run). */
  public static RecordSink open(dev.transom.definition.spec.ComponentDef def, boolean append) throws java.io.IOException {
    return switch (def.kind()) {
      case "file" -> FileSink.open(java.nio.file.Path.of(def.text("path", null)), append);
      case "webhook" -> new WebhookSink(def);
      case "h2" -> throw new java.io.IOException("the h2 sink writes into the server's database: use it with `transom serve`");
      default -> StdoutSink.open();
    };
  }

  static ObjectSpec.Builder kind(String name, String doc) {
    return ObjectSpec.of(name, doc);
  }
}
