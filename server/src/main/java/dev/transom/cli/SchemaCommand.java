package dev.transom.cli;

import dev.transom.definition.PipelineSpec;
import dev.transom.definition.spec.JsonSchemaWriter;
import java.io.PrintStream;

/** {@code transom schema}: the JSON Schema of the definition format, for editors' YAML support. */
public final class SchemaCommand {
  private final PrintStream out;

  public SchemaCommand(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) throws UsageException {
    if (args.length > 1) {
      throw new UsageException("schema takes no arguments");
    }
    out.println(JsonSchemaWriter.write(PipelineSpec.SPEC));
    return 0;
  }
}
