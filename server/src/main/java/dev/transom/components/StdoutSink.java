package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.ObjectSpec;
import java.io.OutputStream;

/** {@code kind: stdout}: one JSON line per output on standard output. */
public final class StdoutSink {
  private StdoutSink() {}

  public static final ObjectSpec SPEC = ObjectSpec.of("stdout",
          "Writes each record as one JSON line to standard output.")
      .example("kind: stdout")
      .build();

  public static final SinkKind KIND = new SinkKind(SPEC, Guarantee.AS_PRODUCED) {
    @Override
    public String describe(ComponentDef def) {
      return "stdout";
    }

    @Override
    public RecordSink open(ComponentDef def, boolean append) {
      return StdoutSink.open();
    }
  };

  public static RecordSink open() {
    OutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
    return new JsonLinesSink(out, "stdout", false);
  }
}
