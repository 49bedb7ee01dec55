package dev.transom.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One table of options per command: the parser's set of known flags and the {@code --help} text
 * are both made from it, so neither can name an option the other does not.
 */
public final class Usage {
  /** One option: {@code value} null for a switch; {@code dflt} null when it has no default. */
  public record Option(String name, String value, String dflt, boolean repeatable, String help) {
    boolean isSwitch() {
      return value == null;
    }

    /** {@code TRANSOM_} and the name upper-cased, dashes to underscores: {@code --port} is {@code TRANSOM_PORT}. */
    String env() {
      return "TRANSOM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  /** A command: its synopsis, what it does, and its options. */
  public record Command(String name, String synopsis, String summary, List<Option> options, boolean environment) {
    public Set<String> flags() {
      Set<String> s = new LinkedHashSet<>();
      options.stream().filter(o -> !o.isSwitch()).forEach(o -> s.add(o.name()));
      return s;
    }

    public Set<String> switches() {
      Set<String> s = new LinkedHashSet<>();
      options.stream().filter(Option::isSwitch).forEach(o -> s.add(o.name()));
      return s;
    }

    /** The command's complete usage: every option with its default. */
    public String text() {
      StringBuilder b = new StringBuilder("usage: transom ").append(name).append(' ').append(synopsis).append("\n\n");
      b.append(summary).append("\n");
      if (!options.isEmpty()) {
        b.append("\noptions");
        b.append(environment ? " (each also from the environment variable named after it, e.g. --port from TRANSOM_PORT;\n"
            + "a flag wins over its variable; a repeatable option's variable holds its values separated by commas):\n"
            : ":\n");
        for (Option o : options) {
          String head = "  --" + o.name() + (o.isSwitch() ? "" : " " + o.value()) + (o.repeatable() ? " ..." : "");
          StringBuilder line = new StringBuilder(head);
          line.append(" ".repeat(Math.max(1, 34 - head.length()))).append(o.help());
          if (o.dflt() != null) {
            line.append(" (default: ").append(o.dflt()).append(')');
          }
          if (environment) {
            line.append(" [").append(o.env()).append(']');
          }
          b.append(line).append('\n');
        }
      }
      b.append("  --help, -h").append(" ".repeat(22)).append("print this usage and exit\n");
      return b.toString();
    }
  }

  private static Option flag(String name, String value, String dflt, String help) {
    return new Option(name, value, dflt, false, help);
  }

  private static Option many(String name, String value, String dflt, String help) {
    return new Option(name, value, dflt, true, help);
  }

  static final List<Option> PATHS = List.of(
      many("input-dir", "DIR", PathFlags.DEFAULT_INPUT + "/", "file sources may read only inside these directories"),
      many("output-dir", "DIR", PathFlags.DEFAULT_OUTPUT + "/", "file sinks may write only inside these directories"),
      flag("data", "DIR", "data", "the state directory (H2 database); no source or sink may use it"),
      flag("definitions", "DIR", "definitions", "the definitions directory, watched for changes"),
      flag("web-root", "DIR", "the built-in dashboard", "serve the dashboard from this directory instead"));

  public static final Command SERVE = new Command("serve", "[options]",
      "Runs every pipeline of the definitions directory, watches it, and serves the API and the dashboard.\n"
          + "File paths in definitions are relative to the working directory. SIGTERM or Ctrl-C checkpoints and exits.",
      concat(PATHS, List.of(
          flag("host", "H", "127.0.0.1", "the address to listen on"),
          flag("port", "P", "8080", "the port to listen on, 0 to 65535 (0: any free port)"),
          flag("token-file", "PATH", null, "the bearer token, read from this file"),
          flag("token", "T", null, "the bearer token itself (visible in ps; prefer --token-file or TRANSOM_TOKEN)"),
          new Option("public-metrics", null, "off", false, "serve /metrics without the token (values: 1/true, 0/false)"),
          many("allow-host", "NAME", "the host and localhost", "also accept requests whose Host is NAME"),
          flag("workers", "N", "the number of processors", "threads that run pipelines"),
          flag("queue", "N", "100000", "events a pipeline may hold unprocessed before ingest answers 503"),
          flag("memory", "SIZE|N%|off", MemoryFlag.DEFAULT, "the memory budget of all pipelines (off: none)"),
          flag("stuck-after", "DURATION", "30s", "a pipeline busy this long on one batch is reported stuck"),
          flag("shutdown-timeout", "DURATION", "20s", "how long shutdown waits for each pipeline's checkpoint"),
          flag("header-timeout", "DURATION", "10s", "a request's headers must arrive within this (0s: off)"),
          flag("body-timeout", "DURATION", "60s", "a request's body must arrive within this (0s: off)"),
          flag("idle-timeout", "DURATION", "60s", "an idle connection is closed after this (0s: off)"),
          flag("max-connections", "N", "1000", "open connections at most"),
          flag("log-format", "text|json", "text", "the log on stderr: text lines, or one JSON object per line"),
          flag("log-level", "LEVEL", "info", "the least severe log lines written: error, warn, info or debug"))),
      true);

  public static final Command VALIDATE = new Command("validate", "FILE.yaml|DIR... [options]",
      "Checks definitions and prints FILE:LINE:COL: message per problem (exit 2), else one ok line per file.\n"
          + "A directory stands for its *.yaml and *.yml files; file paths are judged as serve with the same flags would.\n"
          + "Test files (*.test.yaml) are checked as test files, with the definition each one names.",
      PATHS, false);

  /** {@code run}'s options are parsed by RunCommand; this table is their documentation. */
  public static final Command RUN = new Command("run", "FILE.yaml [options]",
      "Runs one pipeline to the end of its input and exits.",
      List.of(flag("input", "PATH|-", "the definition's sources", "read events from PATH, or stdin for -"),
          flag("output", "PATH|-", "the definition's sinks", "write results to PATH, or stdout for -"),
          flag("late", "PATH|-", "the definition's late sink", "write late items to PATH, or stdout for -"),
          flag("workers", "N", "the number of processors", "threads that run the pipeline"),
          flag("arrival", "FIELD", null, "replay --input at the arrival times in this field of each line")),
      false);

  public static final Command TEST = new Command("test", "[FILE|DIR...] [options]",
      "Runs the tests of *.test.yaml files in virtual time; exit 1 if one fails, 2 if a file has problems.\n"
          + "A directory stands for the test files under it, a definition for the test file beside it;"
          + " none: definitions/.",
      List.of(flag("junit", "PATH", null, "also write the results as a JUnit XML report to PATH")), false);

  public static final Command PREVIEW = new Command("preview", "FILE.yaml [options]",
      "Asks a running server what FILE would do as the next version of its pipeline; changes nothing.\n"
          + "Valid or not, windows kept or flushed (which, and what the flush would emit), a new then on the last outputs,\n"
          + "the tests of a gated definition. Exit 0 when the server would take it, 2 when it would refuse it.",
      List.of(flag("server", "URL", "http://127.0.0.1:8080", "the server to ask (also TRANSOM_SERVER)"),
          flag("recent", "N", "20", "how many of the last outputs a changed then is shown on (1 to 100)"),
          flag("token-file", "PATH", null, "the bearer token, read from this file (or TRANSOM_TOKEN)"),
          flag("token", "T", null, "the bearer token itself (visible in ps)")), false);

  public static final Command SCHEMA = new Command("schema", "[test]",
      "Prints the JSON Schema of the definition format; with test, of the test-file format.", List.of(), false);

  public static final Command REFERENCE = new Command("reference", "[cli|test]",
      "Prints the reference of the definition format (docs/reference.md) as Markdown;\n"
          + "with cli, the reference of the commands and their options (docs/cli.md);\n"
          + "with test, of the test-file format (docs/testing-reference.md).", List.of(), false);

  public static final Command VERSION = new Command("version", "", "Prints transom's version.", List.of(), false);

  public static final List<Command> ALL = List.of(SERVE, RUN, TEST, PREVIEW, VALIDATE, SCHEMA, REFERENCE, VERSION);

  private Usage() {}

  public static Command of(String name) {
    return ALL.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> l = new java.util.ArrayList<>(a);
    l.addAll(b);
    return List.copyOf(l);
  }

  /**
   * {@code transom reference cli}: docs/cli.md, every command with every option, its default and its
   * environment variable, from the same tables as the parser and {@code --help}.
   */
  public static String markdown() {
    StringBuilder b = new StringBuilder("<!-- Generated from the option tables in server/src/main/java/dev/transom/cli/Usage.java;"
        + " regenerate with: ./transom reference cli > docs/cli.md -->\n\n# Commands\n\n");
    b.append("`transom --help` lists the commands, `transom COMMAND --help` one command's options, `transom --version`"
        + " the version. Exit codes: 0 done, 1 a runtime failure (a file or port that cannot be used), 2 a usage or"
        + " definition error; `run` also exits 3 when every event failed and 130 on Ctrl-C; `test` exits 1 when a test failed.\n");
    for (Command c : ALL) {
      b.append("\n## `transom ").append(c.name()).append(c.synopsis().isEmpty() ? "" : " " + c.synopsis()).append("`\n\n");
      b.append(c.summary().replace("\n", " ")).append('\n');
      if (c.options().isEmpty()) {
        continue;
      }
      if (c.environment()) {
        b.append("\nEvery option can also come from the environment variable named after it; a flag wins over its"
            + " variable, and a repeatable option's variable holds its values separated by commas.\n");
      }
      b.append("\n| option | default |").append(c.environment() ? " environment |" : "").append(" what |\n");
      b.append("|---|---|").append(c.environment() ? "---|" : "").append("---|\n");
      for (Option o : c.options()) {
        b.append("| `--").append(o.name()).append(o.isSwitch() ? "" : " " + o.value().replace("|", "\\|")).append('`')
            .append(o.repeatable() ? " (repeatable)" : "").append(" | ")
            .append(o.dflt() == null ? "" : o.dflt().replace("|", "\\|")).append(" |");
        if (c.environment()) {
          b.append(" `").append(o.env()).append("` |");
        }
        b.append(' ').append(o.help().replace("|", "\\|")).append(" |\n");
      }
    }
    return b.toString();
  }

  /** {@code transom --help}: every command in a line, and how to see its options. */
  public static String overview() {
    StringBuilder b = new StringBuilder("usage: transom <command> [options]\n\ncommands:\n");
    for (Command c : ALL) {
      String head = "  " + c.name();
      b.append(head).append(" ".repeat(14 - head.length())).append(c.summary().lines().findFirst().orElse("")).append('\n');
    }
    b.append("\n  transom <command> --help    that command's options and their defaults\n");
    b.append("  transom --version           the version (also: transom version)\n");
    return b.toString();
  }
}
