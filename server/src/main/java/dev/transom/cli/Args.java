package dev.transom.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --flag value} parsing: positional arguments and known flags, nothing else. A
 * switch ({@code --name} alone) takes no value; a flag given twice keeps every value in order
 * ({@link #values}) and its last one in {@link #flags}.
 */
final class Args {
  final List<String> positional = new ArrayList<>();
  final Map<String, String> flags = new HashMap<>();
  private final Map<String, List<String>> all = new HashMap<>();
  private final List<String> switches = new ArrayList<>();

  static Args parse(String[] args, int from, Set<String> known) throws UsageException {
    return parse(args, from, known, Set.of());
  }

  static Args parse(String[] args, int from, Set<String> known, Set<String> knownSwitches) throws UsageException {
    Args a = new Args();
    for (int i = from; i < args.length; i++) {
      String s = args[i];
      if (s.startsWith("--") && s.length() > 2) {
        String name = s.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (knownSwitches.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          a.switches.add(name);
          continue;
        }
        if (!known.contains(name)) {
          throw new UsageException("unknown option --" + name);
        }
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        a.flags.put(name, value);
        a.all.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  /** Options that came from the environment, by name: their variable, for the messages about them. */
  private final Map<String, String> fromEnv = new HashMap<>();

  /**
   * Each option of {@code command} not given as a flag, from its environment variable ({@link
   * Usage.Option#env}) when that is set: a repeatable option's values separated by commas, a
   * switch as 1/true/yes/on or 0/false/no/off. {@code --token} is left to {@link TokenSource}
   * ({@code TRANSOM_TOKEN}), and {@code TRANSOM_TOKEN_FILE} counts only when neither token flag is given.
   */
  void fromEnvironment(Usage.Command command, Map<String, String> env) throws UsageException {
    for (Usage.Option o : command.options()) {
      String name = o.name();
      String text = env.get(o.env());
      if (text == null || name.equals("token") || flags.containsKey(name) || switches.contains(name)) {
        continue;
      }
      if (name.equals("token-file") && flags.containsKey("token")) {
        continue;
      }
      fromEnv.put(name, o.env());
      if (o.isSwitch()) {
        switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
          case "1", "true", "yes", "on" -> switches.add(name);
          case "", "0", "false", "no", "off" -> { }
          default -> throw new UsageException(o.env() + " must be 1/true or 0/false (got '" + text + "')");
        }
        continue;
      }
      List<String> values = o.repeatable()
          ? java.util.Arrays.stream(text.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList()
          : List.of(text);
      if (values.isEmpty()) {
        continue;
      }
      all.put(name, new ArrayList<>(values));
      flags.put(name, values.get(values.size() - 1));
    }
  }

  /**
   * {@code e} with each {@code --name} that came from the environment named as its variable
   * instead: a bad {@code TRANSOM_PORT} is reported as TRANSOM_PORT, not as a flag never given.
   */
  UsageException named(UsageException e) {
    String m = e.getMessage();
    for (Map.Entry<String, String> v : fromEnv.entrySet()) {
      m = m.replaceAll("--" + java.util.regex.Pattern.quote(v.getKey()) + "(?![\\w-])",
          java.util.regex.Matcher.quoteReplacement(v.getValue() + " (from the environment)"));
    }
    return m.equals(e.getMessage()) ? e : new UsageException(m);
  }

  String flag(String name) {
    return flags.get(name);
  }

  /** Every value a repeatable flag was given, in order; empty when it was not given. */
  List<String> values(String name) {
    return all.getOrDefault(name, List.of());
  }

  boolean has(String switchName) {
    return switches.contains(switchName);
  }
}
