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
