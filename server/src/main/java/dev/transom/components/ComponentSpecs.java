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
      List.of(StdoutSink.SPEC, FileSink.SPEC));

  /** Late items go to the same kinds of sink as window outputs. */
  public static final FieldType.Kinds LATE_SINKS = new FieldType.Kinds("sink",
      List.of(StdoutSink.SPEC, FileSink.SPEC));

  static ObjectSpec.Builder kind(String name, String doc) {
    return ObjectSpec.of(name, doc);
  }
}
