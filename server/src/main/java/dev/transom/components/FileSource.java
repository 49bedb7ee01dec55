package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;

/** {@code kind: file}: JSON lines read from a file, once or followed as it grows. */
public final class FileSource {
  private FileSource() {}

  public static final ObjectSpec SPEC = ObjectSpec.of("file",
          "Reads JSON lines (one event per line) from a file.")
      .required("path", new FieldType.Text(null, "a file path"), "the file to read, relative to the working directory; "
              + "`serve` and `validate` accept it only inside the input directory (`--input-dir`, default input/) and "
              + "outside the server's own directories",
          "input/clicks.jsonl")
      .optional("follow", new FieldType.Bool(), false,
          "keep reading as the file grows, like tail -F (serve only; `run` reads to the end)", "true")
      .example("kind: file\npath: input/clicks.jsonl")
      .build();

  /** The file it reads, and whether it follows the file as it grows. */
  public record Config(String path, boolean follow) {}

  public static final SourceKind KIND = new SourceKind(SPEC) {
    @Override
    public Config config(ComponentDef def) {
      return new Config(def.text("path", null), SPEC.flag(def.options(), "follow"));
    }

    @Override
    public String inputFile(ComponentDef def) {
      return config(def).path();
    }
  };
}
