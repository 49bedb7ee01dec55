package dev.transom.cli;

import dev.transom.definition.PipelineSpec;
import dev.transom.definition.spec.JsonSchemaWriter;
import java.io.PrintStream;

/** {@code transom schema [test]}: the JSON Schema of the definition format (or the test files'), for editors' YAML support. */
public final class SchemaCommand {
  private final PrintStream out;

  public SchemaCommand(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) throws UsageException {
    if (args.length > 2 || (args.length == 2 && !args[1].equals("test"))) {
      throw new UsageException("schema takes nothing, or 'test' for the test-file format's schema");
    }
    out.println(args.length == 2 ? dev.transom.testing.TestFileSpec.schema() : JsonSchemaWriter.write(PipelineSpec.SPEC));
    return 0;
  }
}
