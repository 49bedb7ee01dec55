package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code kind: file}: appends one JSON line per record to a file. */
public final class FileSink {
  private FileSink() {}

  public static final ObjectSpec SPEC = ObjectSpec.of("file",
          "Writes each record as one JSON line to a file (created with its directories; `run` starts it afresh).")
      .required("path", new FieldType.Text(null, "a file path"), "the file to write, relative to the working directory; "
              + "`serve` and `validate` accept it only inside the output directory (`--output-dir`, default out/) and "
              + "outside the server's own directories",
          "out/clicks.jsonl")
      .example("kind: file\npath: out/clicks.jsonl")
      .build();

  /** The file it writes. */
  public record Config(Path path) {}

  public static final SinkKind KIND = new SinkKind(SPEC, Guarantee.EXACTLY_ONCE) {
    @Override
    public Config config(ComponentDef def) {
      return new Config(Path.of(def.text("path", null)));
    }

    @Override
    public String describe(ComponentDef def) {
      return "file " + def.text("path", null);
    }

    @Override
    public RecordSink open(ComponentDef def, boolean append) throws IOException {
      return FileSink.open(config(def).path(), append);
    }
  };

  public static RecordSink open(Path path) throws IOException {
    return open(path, false);
  }

  /** {@code append}: the server keeps adding to the file across restarts and reloads. */
  public static RecordSink open(Path path, boolean append) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Locked before it is cut: a file another process writes is refused, not emptied.
    java.nio.channels.FileChannel ch = dev.transom.io.FileLocks.openLocked(path, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE, append ? java.nio.file.StandardOpenOption.APPEND
            : java.nio.file.StandardOpenOption.WRITE);
    if (!append) {
      ch.truncate(0);
    }
    OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
    return new JsonLinesSink(out, path.toString(), true);
  }
}
