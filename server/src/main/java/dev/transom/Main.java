package dev.transom;

import dev.transom.cli.RunCommand;
import dev.transom.cli.SchemaCommand;
import dev.transom.cli.UsageException;
import dev.transom.cli.ValidateCommand;
import java.io.PrintStream;

/** Argument dispatch only: {@code serve | run | validate | schema}. */
public final class Main {
  static final String USAGE = String.join("\n",
      "usage: transom <command> [options]",
      "",
      "  serve [--definitions DIR] [--data DIR] [--host H] [--port P] [--workers N] [--queue N]",
      "        [--token-file PATH | --token T] [--public-metrics] [--allow-host NAME]...",
      "        [--header-timeout 10s] [--body-timeout 60s] [--idle-timeout 60s] [--max-connections 1000]",
      "        [--input-dir DIR]... [--output-dir DIR]... [--web-root DIR]",
      "                                                     run every pipeline of DIR, watch it, serve API + dashboard",
      "                                                     (the token may also come from TRANSOM_TOKEN); file paths",
      "                                                     are relative to the working directory, and file sources may",
      "                                                     read only inside --input-dir (input/), file sinks write",
      "                                                     only inside --output-dir (out/)",
      "  run FILE.yaml [--input PATH|-] [--output PATH|-] [--workers N]",
      "                                                     run one pipeline to the end of its input",
      "  validate FILE.yaml|DIR... [--input-dir DIR]... [--output-dir DIR]... [--data DIR] [--definitions DIR]",
      "        [--web-root DIR]                             check definitions (paths as serve with these flags would);",
      "                                                     FILE:LINE:COL: message per problem",
      "  schema                                             print the JSON Schema of the definition format",
      "");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    try {
      return switch (args[0]) {
        case "serve" -> new dev.transom.cli.ServeCommand(err).run(args);
        case "run" -> new RunCommand(err).run(args);
        case "validate" -> new ValidateCommand(out).run(args);
        case "schema" -> new SchemaCommand(out).run(args);
        case "reference" -> {
          out.print(dev.transom.definition.spec.ReferenceDocWriter.write(dev.transom.definition.PipelineSpec.SPEC));
          yield 0;
        }
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("transom: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (RuntimeException | Error e) {
      // A bug of ours, not the user's input: one line, and the trace only when asked for.
      err.println("transom: internal error: " + e + " (set TRANSOM_DEBUG=1 for details)");
      if (System.getenv("TRANSOM_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }
}
