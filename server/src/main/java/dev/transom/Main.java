package dev.transom;

import dev.transom.cli.RunCommand;
import dev.transom.cli.SchemaCommand;
import dev.transom.cli.Usage;
import dev.transom.cli.UsageException;
import dev.transom.cli.ValidateCommand;
import java.io.PrintStream;

/** Argument dispatch only: {@code serve | run | test | validate | schema | reference | version}. */
public final class Main {
  static final String USAGE = dev.transom.cli.Usage.overview();

  private Main() {}

  /** {@code --help} or {@code -h} anywhere after the command, but not as a flag's value. */
  private static boolean asksForHelp(String[] args) {
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        return i == 1 || !args[i - 1].startsWith("--") || args[i - 1].contains("=")
            || Usage.of(args[0]).switches().contains(args[i - 1].substring(2));
      }
    }
    return false;
  }

  public static String version() {
    return dev.transom.cli.Version.get();
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      if (args.length > 1 && args[0].equals("help") && Usage.of(args[1]) != null) {
        out.print(Usage.of(args[1]).text());
        return 0;
      }
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("-V")) {
      out.println("transom " + version());
      return 0;
    }
    Usage.Command command = Usage.of(args[0]);
    if (command != null && asksForHelp(args)) {
      out.print(command.text());
      return 0;
    }
    try {
      return switch (args[0]) {
        case "version" -> {
          if (args.length > 1) {
            throw new UsageException("version takes no arguments");
          }
          out.println("transom " + version());
          yield 0;
        }
        case "serve" -> new dev.transom.cli.ServeCommand(err).run(args);
        case "run" -> new RunCommand(err).run(args);
        // the launcher's training run for its class-data archive (./transom); not a user's command
        case "warm-up" -> new dev.transom.cli.WarmUpCommand(err).run(args);
        case "validate" -> new ValidateCommand(out).run(args);
        case "test" -> new dev.transom.cli.TestCommand(out).run(args);
        case "preview" -> new dev.transom.cli.PreviewCommand(out, err).run(args);
        case "schema" -> new SchemaCommand(out).run(args);
        case "reference" -> {
          if (args.length > 2 || (args.length == 2 && !args[1].equals("cli") && !args[1].equals("test"))) {
            throw new UsageException("reference takes nothing, 'cli' for the commands' reference or 'test' for the"
                + " test-file format's");
          }
          out.print(args.length == 1 ? dev.transom.definition.spec.ReferenceDocWriter.write(dev.transom.definition.PipelineSpec.SPEC)
              : args[1].equals("cli") ? Usage.markdown() : dev.transom.testing.TestFileSpec.reference());
          yield 0;
        }
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("transom: " + e.getMessage());
      if (command == null) {
        err.print(USAGE);
      } else {
        err.println("(transom " + command.name() + " --help lists its options and their defaults)");
      }
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
